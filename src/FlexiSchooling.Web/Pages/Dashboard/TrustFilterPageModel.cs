using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Dashboard;

/// <summary>
/// The dashboard's filter, once for the dashboard and its lists: a school, a kind, a year group, a vulnerable group from
/// the query string; only those who see cases; a school they may not see is not found.
/// </summary>
public abstract class TrustFilterPageModel : AppPageModel
{
    [BindProperty(SupportsGet = true, Name = "school")]
    public Guid? School { get; set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public ArrangementKind? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "year")]
    public int? YearGroup { get; set; }

    [BindProperty(SupportsGet = true, Name = "group")]
    public VulnerableGroup? Group { get; set; }

    public TrustFilter Filter { get; private set; } = TrustFilter.None;

    /// <summary>Every school the user's dashboard may show (the filter's choices).</summary>
    public IReadOnlyList<SchoolSummary> AllSchools { get; private set; } = [];

    /// <summary>The schools the filter leaves.</summary>
    public IReadOnlyList<SchoolSummary> Schools { get; private set; } = [];

    /// <summary>The filter read and checked; a result to return instead of the page when the user may not have it.</summary>
    protected IActionResult? ReadFilter()
    {
        if (!CurrentUser.CanAnywhere(Permission.ViewArrangements))
        {
            return Forbid();
        }

        AllSchools = TrustPicture.SchoolsFor(CurrentUser, TrustFilter.None);
        if (School is { } chosen && AllSchools.All(s => s.Id != chosen))
        {
            return NotFound();
        }

        Filter = new TrustFilter(School, Kind, YearGroup, Group);
        Schools = TrustPicture.SchoolsFor(CurrentUser, Filter);
        return null;
    }
}
