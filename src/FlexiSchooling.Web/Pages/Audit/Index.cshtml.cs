using FlexiSchooling.Data.Audit;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Audit;

/// <param name="RecordName">The record in words where it is a pupil's (the pupil, their case, a review, a document), with a link to it; null otherwise.</param>
public sealed record AuditRow(string When, string Who, string? Role, string? School, string Action, string EntityType, string? EntityId, string? CorrelationId, string? RecordName = null, string? RecordLink = null);

/// <summary>The trust lead's search of their trust's audit trail (RLS shows only the trust's rows).</summary>
public sealed class IndexModel : AppPageModel
{
    public const int Limit = 200;

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public new string? User { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Record { get; set; }

    /// <summary>A pupil's name (or UPN): the entries for the pupil and every record of theirs — contacts, marks, cases and all in them.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Pupil { get; set; }

    /// <summary>The pupils the name matched, to say whose entries are shown.</summary>
    public IReadOnlyList<string> Matched { get; private set; } = [];

    public string TrustName => CurrentUser.TrustName;

    public IReadOnlyList<string> Actions { get; } =
    [
        AuditActions.Created, AuditActions.Updated, AuditActions.Deleted, AuditActions.Viewed, AuditActions.SignedIn, AuditActions.SignInFailed,
        AuditActions.LockedOut, AuditActions.SignedOut, AuditActions.TwoFactorEnabled, AuditActions.TwoFactorFailed, AuditActions.RecoveryCodeUsed,
        AuditActions.RecoveryCodesGenerated, AuditActions.PasswordReset, AuditActions.AccessRefused, AuditActions.InvitationAccepted,
        AuditActions.AttendanceRecounted,
    ];

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var query = Db.AuditEvents.AsNoTracking().AsQueryable();
        if (From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), LondonClock.Zone.GetUtcOffset(from.ToDateTime(TimeOnly.MinValue)));
            query = query.Where(a => a.OccurredAt >= start);
        }

        if (To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), LondonClock.Zone.GetUtcOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue)));
            query = query.Where(a => a.OccurredAt < end);
        }

        if (!string.IsNullOrWhiteSpace(Action))
        {
            query = query.Where(a => a.Action == Action);
        }

        if (!string.IsNullOrWhiteSpace(Record))
        {
            query = query.Where(a => a.EntityId == Record.Trim());
        }

        if (!string.IsNullOrWhiteSpace(Pupil))
        {
            var ids = await PupilRecordIdsAsync(Pupil.Trim());
            query = query.Where(a => a.EntityId != null && ids.Contains(a.EntityId));
        }

        var users = await Db.Users.AsNoTracking().Select(u => new { u.Id, u.Email }).ToDictionaryAsync(u => u.Id, u => u.Email ?? "");
        if (!string.IsNullOrWhiteSpace(User))
        {
            var ids = users.Where(u => u.Value.Contains(User.Trim(), StringComparison.OrdinalIgnoreCase)).Select(u => (Guid?)u.Key).ToList();
            query = query.Where(a => ids.Contains(a.UserId));
        }

        var schools = await Db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name);
        var rows = await query.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).Take(Limit).ToListAsync();
        var names = await NamesAsync(rows);
        Rows = [.. rows.Select(a => new AuditRow(
            LondonClock.ToLondon(a.OccurredAt).ToString("d MMM yyyy HH:mm:ss"),
            a.UserId is { } u ? users.GetValueOrDefault(u, u.ToString()) : a.Role == AuditEvent.SystemRole ? "FlexiSchooling itself" : "(not signed in)",
            a.Role,
            a.SchoolId is { } s ? schools.GetValueOrDefault(s) : null,
            a.Action, a.EntityType, a.EntityId, a.CorrelationId,
            names.GetValueOrDefault((a.EntityType, a.EntityId ?? "")).Name, names.GetValueOrDefault((a.EntityType, a.EntityId ?? "")).Link))];
    }

    /// <summary>The keys of every record of the pupils the name (or UPN) matches, as the audit trail records them.</summary>
    private async Task<List<string>> PupilRecordIdsAsync(string name)
    {
        var term = name.ToLowerInvariant();
        var pupils = await Db.Pupils.AsNoTracking()
            .Where(p => (p.LegalForename + " " + p.LegalSurname).ToLower().Contains(term) || ((p.PreferredForename ?? p.LegalForename) + " " + p.LegalSurname).ToLower().Contains(term)
                        || p.LegalSurname.ToLower() == term || p.Upn == name)
            .Select(p => new { p.Id, Name = (p.PreferredForename ?? p.LegalForename) + " " + p.LegalSurname }).Take(50).ToListAsync();
        Matched = [.. pupils.Select(p => p.Name).Distinct()];
        var pupilIds = pupils.Select(p => p.Id).ToList();
        var cases = await Db.Arrangements.AsNoTracking().Where(a => pupilIds.Contains(a.PupilId)).Select(a => a.Id).ToListAsync();
        List<Guid> ids =
        [
            .. pupilIds, .. cases,
            .. await Db.PupilContacts.AsNoTracking().Where(c => pupilIds.Contains(c.PupilId)).Select(c => c.Id).ToListAsync(),
            .. await Db.AttendanceMarks.AsNoTracking().Where(m => pupilIds.Contains(m.PupilId)).Select(m => m.Id).ToListAsync(),
            .. await Db.ExpectedMarks.AsNoTracking().Where(m => pupilIds.Contains(m.PupilId)).Select(m => m.Id).ToListAsync(),
            .. await Db.ArrangementReviews.AsNoTracking().Where(r => cases.Contains(r.ArrangementId)).Select(r => r.Id).ToListAsync(),
            .. await Db.RiskAssessments.AsNoTracking().Where(r => cases.Contains(r.ArrangementId)).Select(r => r.Id).ToListAsync(),
            .. await Db.ArrangementConsents.AsNoTracking().Where(c => cases.Contains(c.ArrangementId)).Select(c => c.Id).ToListAsync(),
            .. await Db.CaseDocuments.AsNoTracking().Where(d => cases.Contains(d.ArrangementId)).Select(d => d.Id).ToListAsync(),
            .. await Db.PlacementVisits.AsNoTracking().Where(v => cases.Contains(v.ArrangementId)).Select(v => v.Id).ToListAsync(),
        ];
        return [.. ids.Select(id => id.ToString())];
    }

    /// <summary>The pupil's records in the entries by name, with where to open them: the pupil, a case, a review, a document.</summary>
    private async Task<Dictionary<(string Type, string Id), (string? Name, string? Link)>> NamesAsync(IReadOnlyList<AuditEvent> rows)
    {
        Guid[] Keys(string type) => [.. rows.Where(r => r.EntityType == type && Guid.TryParse(r.EntityId, out _)).Select(r => Guid.Parse(r.EntityId!)).Distinct()];
        var names = new Dictionary<(string, string), (string?, string?)>();
        var pupilIds = Keys("Pupil");
        foreach (var p in await Db.Pupils.AsNoTracking().Where(p => pupilIds.Contains(p.Id)).Select(p => new { p.Id, Name = (p.PreferredForename ?? p.LegalForename) + " " + p.LegalSurname }).ToListAsync())
        {
            names[("Pupil", p.Id.ToString())] = (p.Name, $"/Pupils/{p.Id}");
        }

        var caseIds = Keys("Arrangement");
        var reviewIds = Keys("ArrangementReview");
        var documentIds = Keys("CaseDocument");
        var reviews = await Db.ArrangementReviews.AsNoTracking().Where(r => reviewIds.Contains(r.Id)).Select(r => new { r.Id, r.ArrangementId }).ToListAsync();
        var documents = await Db.CaseDocuments.AsNoTracking().Where(d => documentIds.Contains(d.Id)).Select(d => new { d.Id, d.ArrangementId, d.FileName }).ToListAsync();
        var allCases = caseIds.Concat(reviews.Select(r => r.ArrangementId)).Concat(documents.Select(d => d.ArrangementId)).Distinct().ToList();
        var cases = await (from a in Db.Arrangements.AsNoTracking()
                           join p in Db.Pupils.AsNoTracking() on a.PupilId equals p.Id
                           where allCases.Contains(a.Id)
                           select new { a.Id, a.Kind, Name = (p.PreferredForename ?? p.LegalForename) + " " + p.LegalSurname }).ToDictionaryAsync(c => c.Id);
        foreach (var id in caseIds.Where(cases.ContainsKey))
        {
            names[("Arrangement", id.ToString())] = ($"{Domain.Arrangements.ArrangementKinds.Label(cases[id].Kind)}: {cases[id].Name}", $"/Cases/{id}");
        }

        foreach (var r in reviews.Where(r => cases.ContainsKey(r.ArrangementId)))
        {
            names[("ArrangementReview", r.Id.ToString())] = ($"Review: {cases[r.ArrangementId].Name}", $"/Cases/Review/{r.Id}");
        }

        foreach (var d in documents.Where(d => cases.ContainsKey(d.ArrangementId)))
        {
            names[("CaseDocument", d.Id.ToString())] = ($"{d.FileName} ({cases[d.ArrangementId].Name})", $"/Cases/Document/{d.Id}");
        }

        return names;
    }
}
