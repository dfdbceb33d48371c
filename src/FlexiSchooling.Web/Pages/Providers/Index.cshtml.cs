using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Providers;

/// <summary>
/// The trust's register of alternative providers (issue 12, "Providers"): each with how it is registered, where its
/// due diligence stands and whether it may take a new placement — and if not, why.
/// </summary>
public sealed class IndexModel : AppPageModel
{
    public IReadOnlyList<ProviderStanding> Providers { get; private set; } = [];

    public bool CanManage { get; private set; }

    public string TrustName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (!CurrentUser.CanAnywhere(Permission.ViewProviders))
        {
            return NotFound();
        }

        CanManage = CurrentUser.CanAnywhere(Permission.ManageProviders);
        TrustName = CurrentUser.TrustName;
        Providers = await ProviderSupport.StandingsAsync(Db, Today);
        return Page();
    }
}
