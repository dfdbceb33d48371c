using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

/// <summary>One off-site direction as the governors' list shows it.</summary>
public sealed record DirectionRow(Guid CaseId, string School, string Pupil, string Provider, DateOnly FirstDay, DateOnly Until, ArrangementStage Stage, ConsentAnswer? Decision, DateOnly? DecidedOn);

/// <summary>
/// The off-site directions of the schools where the user decides them for the governing body (004 §6.4), or sees cases:
/// those waiting for the governors first, then those decided. Governors reach each direction's decision from here.
/// </summary>
public sealed class DirectionsModel : AppPageModel
{
    public IReadOnlyList<DirectionRow> Directions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var schools = CurrentUser.SchoolsWhere(Permission.ApproveOffSiteDirections).Concat(CurrentUser.SchoolsWhere(Permission.ViewArrangements)).Distinct().ToList();
        var names = CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name);
        var rows = await (from a in Db.Arrangements.AsNoTracking()
                          join p in Db.Placements.AsNoTracking() on a.Id equals p.ArrangementId
                          join v in Db.AlternativeProviders.AsNoTracking() on p.ProviderId equals v.Id
                          join u in Db.Pupils.AsNoTracking() on a.PupilId equals u.Id
                          where p.OffSiteDirection && schools.Contains(a.SchoolId) && a.Stage != ArrangementStage.Declined && a.Stage != ArrangementStage.Withdrawn
                          select new { a.Id, a.SchoolId, Pupil = (u.PreferredForename ?? u.LegalForename) + " " + u.LegalSurname, Provider = v.Name, p.StartDate, p.PlannedEndDate, a.Stage })
                         .ToListAsync();
        var ids = rows.Select(r => r.Id).ToList();
        var decisions = (await Db.ArrangementConsents.AsNoTracking().Where(c => ids.Contains(c.ArrangementId) && c.Party == ConsentParty.GoverningBody).ToListAsync())
            .GroupBy(c => c.ArrangementId).ToDictionary(g => g.Key, g => ArrangementConsent.Latest(g, ConsentParty.GoverningBody));
        Directions = [.. rows.Select(r => new DirectionRow(r.Id, names.GetValueOrDefault(r.SchoolId, ""), r.Pupil, r.Provider, r.StartDate, r.PlannedEndDate, r.Stage,
                decisions.GetValueOrDefault(r.Id)?.Answer, decisions.GetValueOrDefault(r.Id)?.On))
            .OrderBy(d => d.Decision is not null).ThenBy(d => d.FirstDay)];
    }
}
