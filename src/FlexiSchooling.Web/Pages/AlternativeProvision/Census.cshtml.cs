using System.Text;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

/// <summary>
/// The school census return of the AP placements the school arranged (issue 12, "Documents and exports"): for a collection
/// period (the academic year so far unless chosen), every placement open at some time in it, with what stops any being
/// returned, and the CSV in the census module's field order (<see cref="CensusReturn"/>). Pupil data: the download is
/// confirmed and audited like every export.
/// </summary>
public sealed class CensusModel(AuditTrail audit) : AppPageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public string School { get; private set; } = "";

    public IReadOnlyList<CensusPlacement> Placements { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        var school = CurrentUser.ActiveSchool!;
        await audit.SecurityAsync("exported", CurrentUser.TrustId, CurrentUser.UserId, $"census-ap:{school.Id}:{From:yyyy-MM-dd}:{To:yyyy-MM-dd}");
        return File(Encoding.UTF8.GetBytes(CensusReturn.Csv(Placements)), "text/csv", $"census-ap-placements-{From:yyyyMMdd}-{To:yyyyMMdd}.csv");
    }

    private async Task<bool> LoadAsync()
    {
        if (CurrentUser.ActiveSchool is not { } school || !CurrentUser.Can(Permission.ManageArrangements, school.Id))
        {
            return false;
        }

        School = school.Name;
        From ??= AcademicYear.Containing(Today).Start;
        To ??= Today;
        if (To < From)
        {
            (From, To) = (To, From);
        }

        var (first, last) = (From.Value, To.Value);
        var rows = await (from a in Db.Arrangements.AsNoTracking()
                          join p in Db.Placements.AsNoTracking() on a.Id equals p.ArrangementId
                          join v in Db.AlternativeProviders.AsNoTracking() on p.ProviderId equals v.Id
                          join u in Db.Pupils.AsNoTracking() on a.PupilId equals u.Id
                          where a.SchoolId == school.Id && a.Kind == ArrangementKind.AlternativeProvision && a.StartedOn != null && a.StartedOn <= last
                          orderby u.LegalSurname, u.LegalForename, a.StartedOn
                          select new { u.Upn, u.LegalSurname, u.LegalForename, u.DateOfBirth, v.Name, v.Urn, v.Ukprn, v.CensusSettingType, p.CensusReason, a.StartedOn, a.EndsOn, p.FullTime, p.InSchool })
                         .ToListAsync();
        Placements = [.. rows.Where(r => CensusReturn.InPeriod(r.StartedOn!.Value, r.EndsOn, first, last)).Select(r => new CensusPlacement(r.Upn, r.LegalSurname, r.LegalForename, r.DateOfBirth, r.Name, r.Urn, r.Ukprn, r.CensusSettingType, r.CensusReason,
            r.StartedOn!.Value, r.EndsOn, r.FullTime, r.FullTime ? 10 : r.InSchool.OtherSessions))];
        return true;
    }
}
