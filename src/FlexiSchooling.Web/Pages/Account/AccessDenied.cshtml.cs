using FlexiSchooling.Data.Identity;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FlexiSchooling.Web.Pages.Account;

/// <summary>Where a refused request lands. A user signed in without a second factor is sent to finish two-factor instead.</summary>
public sealed class AccessDeniedModel(UserManager<AppUser> users, IOptions<SecurityOptions> security) : AppPageModel
{
    public async Task<IActionResult> OnGetAsync()
    {
        if (security.Value.RequireTwoFactor && User.Identity?.IsAuthenticated == true && !User.HasClaim("amr", "mfa"))
        {
            var user = await users.GetUserAsync(User);
            if (user is { TwoFactorEnabled: false })
            {
                return RedirectToPage("SetupAuthenticator");
            }
        }

        return Page();
    }
}
