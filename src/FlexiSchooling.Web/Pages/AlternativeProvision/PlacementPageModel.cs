using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Pages.Cases;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

/// <summary>The base of an AP case's own pages (agreement, commissioning, visits, ending): the case with its placement and provider.</summary>
public abstract class PlacementPageModel : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.AlternativeProvision;

    public Placement Placement { get; private set; } = null!;

    public AlternativeProvider Provider { get; private set; } = null!;

    /// <summary>Loads the case when the user may act on it at its stage, with its placement and provider; false answers 404.</summary>
    protected async Task<bool> LoadPlacementAsync(Guid id, Permission permission, Func<Arrangement, bool> atStage, bool tracked = false)
    {
        if (!await LoadCaseAsync(id, permission, tracked) || !atStage(Case))
        {
            return false;
        }

        Placement = await Db.Placements.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        Provider = await Db.AlternativeProviders.AsNoTracking().SingleAsync(p => p.Id == Placement.ProviderId);
        return true;
    }
}
