using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Account;

public sealed record CodeInput
{
    public string Code { get; init; } = "";
}

public sealed class CodeInputValidator : AbstractValidator<CodeInput>
{
    public CodeInputValidator() => RuleFor(x => x.Code).NotEmpty().WithMessage("Enter the code");
}

/// <summary>Second step of sign-in. Failed codes count towards the same lockout as passwords (5, then 15 minutes).</summary>
public sealed class LoginWith2faModel(SignInManager<AppUser> signIn, AuditTrail audit) : AppPageModel
{
    [BindProperty]
    public CodeInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

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

        var code = Input.Code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            await audit.SecurityAsync(AuditActions.SignedIn, user.TrustId, user.Id, "2fa");
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        if (result.IsLockedOut)
        {
            await audit.SecurityAsync(AuditActions.LockedOut, user.TrustId, user.Id);
            return RedirectToPage("Lockout");
        }

        await audit.SecurityAsync(AuditActions.TwoFactorFailed, user.TrustId, user.Id);
        ModelState.AddModelError("Input.Code", "The code is not correct or has expired. Enter the code shown in your app now.");
        return Page();
    }
}
