using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Dashboard;

/// <summary>
/// The trust dashboard (issue 13): per school, the cases and what is overdue among them, and attendance, each number a
/// link to the list behind it; the weekly attendance trend, arrangements over time and reviews on time as charts with
/// their tables. The trust lead sees every school; a head or an AP leader sees their own.
/// </summary>
public sealed class IndexModel : AppPageModel
{
    [BindProperty(SupportsGet = true, Name = "school")]
    public Guid? School { get; set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public ArrangementKind? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "year")]
    public int? YearGroup { get; set; }

    [BindProperty(SupportsGet = true, Name = "group")]
    public VulnerableGroup? Group { get; set; }

    public TrustPicture Picture { get; private set; } = null!;

    /// <summary>Every school the user's dashboard may show (the filter's choices).</summary>
    public IReadOnlyList<SchoolSummary> AllSchools { get; private set; } = [];

    public int ProvidersNeedingAction { get; private set; }

    public bool TrustWide => CurrentUser.HasTrustWideRole;

    public string TrustName => CurrentUser.TrustName;

    public async Task<IActionResult> OnGetAsync()
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

        var filter = new TrustFilter(School, Kind, YearGroup, Group);
        Picture = await TrustPicture.LoadAsync(Db, TrustPicture.SchoolsFor(CurrentUser, filter), filter, Today);
        // Where the time went, for the benchmark and anyone looking at the page in their browser's developer tools.
        Response.Headers["Server-Timing"] = string.Join(", ", Picture.Timings.Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Phase};dur={t.Milliseconds:0.0}")));
        ProvidersNeedingAction = CurrentUser.CanAnywhere(Permission.ViewProviders) ? Picture.ProvidersNeedingAction : 0;
        return Page();
    }
}
