using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Account;

public sealed class LoginWithRecoveryCodeModel(SignInManager<AppUser> signIn, AuditTrail audit) : AppPageModel
{
    [BindProperty]
    public CodeInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("Login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return RedirectToPage("Login");
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var result = await signIn.TwoFactorRecoveryCodeSignInAsync(Input.Code.Replace(" ", "", StringComparison.Ordinal));
        if (result.Succeeded)
        {
            await audit.SecurityAsync(AuditActions.RecoveryCodeUsed, user.TrustId, user.Id);
            return Redirect("/");
        }

        if (result.IsLockedOut)
        {
            await audit.SecurityAsync(AuditActions.LockedOut, user.TrustId, user.Id);
            return RedirectToPage("Lockout");
        }

        await audit.SecurityAsync(AuditActions.TwoFactorFailed, user.TrustId, user.Id, "recovery-code");
        ModelState.AddModelError("Input.Code", "That recovery code is not correct or has been used");
        return Page();
    }
}
