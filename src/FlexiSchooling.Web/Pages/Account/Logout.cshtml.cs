using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Account;

/// <summary>Sign-out is a POST (no state change on GET); GET only shows the signed-out page.</summary>
public sealed class LogoutModel(SignInManager<AppUser> signIn, AuditTrail audit) : AppPageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (CurrentUser.IsAuthenticated)
        {
            await audit.SecurityAsync(AuditActions.SignedOut, CurrentUser.TrustId, CurrentUser.UserId);
        }

        await signIn.SignOutAsync();
        return RedirectToPage("Logout");
    }
}
