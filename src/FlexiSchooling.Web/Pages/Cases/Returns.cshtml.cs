using System.Text;
using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Imports;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>One arrangement as a half-termly return lists it.</summary>
public sealed record ReturnLine(Guid CaseId, ArrangementKind Kind, ArrangementStage Stage, string Pupil, string Upn, DateOnly DateOfBirth, string YearGroup, DateOnly AgreedOn, DateOnly? StartedOn, DateOnly? EndsOn, bool Told)
{
    public bool NewIn(HalfTerm halfTerm) => AgreedOn >= halfTerm.First;
}

/// <summary>A half-term's return of one school: what it lists, when it is due, and whether it was sent.</summary>
public sealed record HalfTermReturn(HalfTerm HalfTerm, DateOnly DueBy, IReadOnlyList<ReturnLine> Lines, LocalAuthorityReturn? Sent)
{
    public bool Overdue(DateOnly today) => Sent is null && DueBy < today;

    public string Anchor(Guid schoolId) => $"return-{schoolId:N}-{HalfTerm.First:yyyyMMdd}";
}

public sealed record SchoolReturns(Guid SchoolId, string School, LocalAuthority Authority, IReadOnlyList<HalfTermReturn> HalfTerms);

/// <summary>
/// Half-termly returns to the local authorities that take them, nil returns included (domain.md, "Local authorities";
/// ADR 0019): for each school the user manages whose authority asks for returns, every half-term of the year so far with
/// the arrangements in place during it, its deadline, a CSV of the return to send, and the record that it was sent —
/// which tells the authority of each arrangement in it whose notification was still owed.
/// </summary>
public sealed class ReturnsModel(AuditTrail audit) : AppPageModel
{
    [BindProperty]
    public DateOnly? SentOn { get; set; }

    [BindProperty]
    public string? SentTo { get; set; }

    /// <summary>The return a failed post was for, so its error shows beside its form.</summary>
    public string? Failed { get; private set; }

    public IReadOnlyList<SchoolReturns> Schools { get; private set; } = [];

    public async Task OnGetAsync() => Schools = await LoadAsync(Db, CurrentUser.SchoolsWhere(Permission.ManageArrangements), CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name), Today);

    /// <summary>The return as a CSV file to send or upload to the authority: pupil data, so the download is audited.</summary>
    public async Task<IActionResult> OnGetCsvAsync(Guid school, DateOnly first)
    {
        if (await FindAsync(school, first) is not { } found)
        {
            return NotFound();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        var (schoolReturns, halfTerm) = found;
        var csv = new StringBuilder();
        csv.AppendLine(Csv.Line(["School", "Local authority", "Half-term from", "Half-term to", "UPN", "Pupil", "Date of birth", "Year", "Arrangement", "Agreed on", "Started on", "Ended on", "New this half-term"]));
        foreach (var l in halfTerm.Lines)
        {
            csv.AppendLine(Csv.Line([schoolReturns.School, schoolReturns.Authority.Name, $"{halfTerm.HalfTerm.First:yyyy-MM-dd}", $"{halfTerm.HalfTerm.Last:yyyy-MM-dd}", l.Upn, l.Pupil, $"{l.DateOfBirth:yyyy-MM-dd}", l.YearGroup,
                ArrangementKinds.Label(l.Kind), $"{l.AgreedOn:yyyy-MM-dd}", l.StartedOn?.ToString("yyyy-MM-dd"), l.EndsOn is { } e && e <= halfTerm.HalfTerm.Last ? $"{e:yyyy-MM-dd}" : "", l.NewIn(halfTerm.HalfTerm) ? "Yes" : "No"]));
        }

        if (halfTerm.Lines.Count == 0)
        {
            csv.AppendLine(Csv.Line([schoolReturns.School, schoolReturns.Authority.Name, $"{halfTerm.HalfTerm.First:yyyy-MM-dd}", $"{halfTerm.HalfTerm.Last:yyyy-MM-dd}", "", "Nil return: no arrangements in place", "", "", "", "", "", "", ""]));
        }

        await audit.SecurityAsync("exported", CurrentUser.TrustId, CurrentUser.UserId, $"la-return:{school}:{first:yyyy-MM-dd}");
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv", $"return-{schoolReturns.Authority.Name.Replace(' ', '-')}-{first:yyyyMMdd}.csv");
    }

    /// <summary>Records the return as sent and tells the authority of each arrangement in it still owed a notification: together, or nothing.</summary>
    public async Task<IActionResult> OnPostRecordAsync(Guid school, DateOnly first)
    {
        if (await FindAsync(school, first) is not { } found)
        {
            return NotFound();
        }

        var (schoolReturns, halfTerm) = found;
        var now = Time.GetUtcNow();
        var on = SentOn ?? Today;
        try
        {
            var sent = LocalAuthorityReturn.Record(school, schoolReturns.Authority, halfTerm.HalfTerm, on, SentTo ?? "", halfTerm.Lines.Count, halfTerm.Sent is not null, Today, CurrentUser.UserId, now);
            Db.LocalAuthorityReturns.Add(sent);
            var owed = halfTerm.Lines.Where(l => !l.Told && l.Stage is ArrangementStage.Agreed or ArrangementStage.Running).Select(l => l.CaseId).ToList();
            foreach (var arrangement in await Db.Arrangements.Where(a => owed.Contains(a.Id)).ToListAsync())
            {
                // The local authority's requirement does not depend on the pupil's flags.
                var decidedUnder = (await SchoolRules.ProfileVersionAsync(Db, school, arrangement.ProfileVersionId!.Value)).Settings;
                var requirement = CaseRules.Consents(arrangement.Kind, decidedUnder, Domain.Pupils.PupilFlags.None).Single(r => r.Party == ConsentParty.LocalAuthority);
                var (told, recorded) = ArrangementConsent.Record(arrangement, requirement, ConsentAnswer.Told, sent.ToldOn(arrangement.DecidedOn!.Value), sent.SentTo,
                    $"In the half-termly return for {halfTerm.HalfTerm.First:d MMMM} to {halfTerm.HalfTerm.Last:d MMMM yyyy}.", null, Today, CurrentUser.UserId, now);
                Db.ArrangementConsents.Add(told);
                Db.ArrangementEvents.Add(recorded);
            }
        }
        catch (DomainRuleException e)
        {
            Failed = halfTerm.Anchor(school);
            ModelState.AddModelError(e.Field is "SentOn" or "SentTo" ? e.Field : "", e.Message);
            Schools = await LoadAsync(Db, CurrentUser.SchoolsWhere(Permission.ManageArrangements), CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name), Today);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/Returns#{halfTerm.Anchor(school)}");
    }

    private async Task<(SchoolReturns School, HalfTermReturn HalfTerm)?> FindAsync(Guid school, DateOnly first)
    {
        if (!CurrentUser.Can(Permission.ManageArrangements, school))
        {
            return null;
        }

        var found = (await LoadAsync(Db, [school], CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name), Today)).SingleOrDefault();
        return found?.HalfTerms.FirstOrDefault(h => h.HalfTerm.First == first) is { } halfTerm ? (found, halfTerm) : null;
    }

    /// <summary>The returns of the given schools whose authority takes them: every half-term of the year so far, latest first.</summary>
    public static async Task<IReadOnlyList<SchoolReturns>> LoadAsync(AppDbContext db, IEnumerable<Guid> schoolIds, IReadOnlyDictionary<Guid, string> names, DateOnly today)
    {
        var ids = schoolIds.ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var schools = await (from s in db.Schools.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking()
                             join a in db.LocalAuthorities.AsNoTracking() on s.LocalAuthorityId equals a.Id
                             where ids.Contains(s.Id) && a.Notice == LocalAuthorityNotice.HalfTermlyReturn
                             orderby s.Name
                             select new { s.Id, s.Name, Authority = a }).ToListAsync();
        if (schools.Count == 0)
        {
            return [];
        }

        var withReturns = schools.Select(s => s.Id).ToList();
        var cases = await (from a in db.Arrangements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking()
                           join p in db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking() on a.PupilId equals p.Id
                           where withReturns.Contains(a.SchoolId) && a.DecidedOn != null
                                 && (a.Stage == ArrangementStage.Agreed || a.Stage == ArrangementStage.Running || a.Stage == ArrangementStage.Ended)
                           orderby p.LegalSurname, p.LegalForename
                           select new { a.Id, a.SchoolId, a.Kind, a.Stage, a.DecidedOn, a.StartedOn, a.EndsOn, Pupil = (p.PreferredForename ?? p.LegalForename) + " " + p.LegalSurname, p.Upn, p.DateOfBirth, p.YearGroup })
                          .ToListAsync();
        var caseIds = cases.Select(c => c.Id).ToList();
        var told = (await db.ArrangementConsents.AsNoTracking().Where(c => caseIds.Contains(c.ArrangementId) && c.Party == ConsentParty.LocalAuthority && c.Answer == ConsentAnswer.Told)
            .Select(c => c.ArrangementId).ToListAsync()).ToHashSet();
        var sent = (await db.LocalAuthorityReturns.AsNoTracking().Where(r => withReturns.Contains(r.SchoolId)).ToListAsync()).ToLookup(r => r.SchoolId);
        var result = new List<SchoolReturns>();
        foreach (var s in schools)
        {
            var calendar = await SchoolRules.CalendarAsync(db, s.Id);
            var halfTerms = HalfTerm.Begun(calendar, today).Select(h => new HalfTermReturn(h, s.Authority.ReturnDueBy(h),
                [.. cases.Where(c => c.SchoolId == s.Id && LocalAuthorityReturn.Includes(h, c.Stage, c.DecidedOn, c.EndsOn))
                    .Select(c => new ReturnLine(c.Id, c.Kind, c.Stage, c.Pupil, c.Upn, c.DateOfBirth, Domain.Pupils.YearGroups.Label(c.YearGroup), c.DecidedOn!.Value, c.StartedOn, c.EndsOn, told.Contains(c.Id)))],
                sent[s.Id].FirstOrDefault(r => r.LocalAuthorityId == s.Authority.Id && r.HalfTermFirst == h.First))).ToList();
            result.Add(new SchoolReturns(s.Id, names.GetValueOrDefault(s.Id, s.Name), s.Authority, halfTerms));
        }

        return result;
    }
}
