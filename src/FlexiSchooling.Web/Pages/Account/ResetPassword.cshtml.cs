using System.Text;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace FlexiSchooling.Web.Pages.Account;

public sealed record NewPasswordInput
{
    public string Password { get; init; } = "";

    public string ConfirmPassword { get; init; } = "";
}

public sealed class NewPasswordInputValidator : AbstractValidator<NewPasswordInput>
{
    public NewPasswordInputValidator()
    {
        RuleFor(x => x.Password).NotEmpty().WithMessage("Enter a new password")
            .MinimumLength(12).WithMessage("Password must be 12 characters or more");
        RuleFor(x => x.ConfirmPassword).Equal(x => x.Password).WithMessage("The passwords do not match");
    }
}

public sealed class ResetPasswordModel(UserManager<AppUser> users, AppDbContext db, TenantContext tenant, AuditTrail audit, Identity.SessionStore sessions) : AppPageModel
{
    public const string InvalidLink = "This reset link is not valid or has expired. Ask for a new one.";

    [BindProperty]
    public NewPasswordInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string Email { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var trustId = await PreSignIn.TrustForLoginAsync(db, users.NormalizeEmail(Email.Trim()));
        AppUser? user = null;
        if (trustId is not null)
        {
            tenant.SetTrust(trustId.Value);
            user = await users.FindByEmailAsync(Email.Trim());
        }

        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(Code));
        }
        catch (FormatException)
        {
            token = "";
        }

        if (user is null || user.IsDisabled)
        {
            ModelState.AddModelError("", InvalidLink);
            return Page();
        }

        var result = await users.ResetPasswordAsync(user, token, Input.Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(error.Code == "InvalidToken" ? "" : "Input.Password", error.Code == "InvalidToken" ? InvalidLink : error.Description);
            }

            return Page();
        }

        await audit.SecurityAsync(AuditActions.PasswordReset, user.TrustId, user.Id);
        // Whoever knew the old password is signed out everywhere with it.
        await sessions.EndAllAsync(user.Id, SessionEndReasons.PasswordChanged, user.Id);
        return RedirectToPage("Login", new { message = "reset" });
    }
}
