using FlexiSchooling.Domain.Security;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Dashboard;

/// <summary>
/// The trust dashboard (issue 13): per school, the cases and what is overdue among them, and attendance, each number a
/// link to the list behind it; the weekly attendance trend, arrangements over time and reviews on time as charts with
/// their tables. The trust lead sees every school; a head or an AP leader sees their own.
/// </summary>
public sealed class IndexModel : TrustFilterPageModel
{
    public TrustPicture Picture { get; private set; } = null!;

    public int ProvidersNeedingAction { get; private set; }

    public bool TrustWide => CurrentUser.HasTrustWideRole;

    public string TrustName => CurrentUser.TrustName;

    public async Task<IActionResult> OnGetAsync()
    {
        if (ReadFilter() is { } refused)
        {
            return refused;
        }

        Picture = await TrustPicture.LoadAsync(ReadDb, Schools, Filter, Today);
        // Where the time went, for the benchmark and anyone looking at the page in their browser's developer tools.
        Response.Headers["Server-Timing"] = string.Join(", ", Picture.Timings.Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{t.Phase};dur={t.Milliseconds:0.0}")));
        ProvidersNeedingAction = CurrentUser.CanAnywhere(Permission.ViewProviders) ? Picture.ProvidersNeedingAction : 0;
        return Page();
    }
}
