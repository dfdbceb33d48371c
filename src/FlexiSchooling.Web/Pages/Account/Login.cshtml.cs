using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FlexiSchooling.Web.Pages.Account;

public sealed record LoginInput
{
    public string Email { get; init; } = "";

    public string Password { get; init; } = "";
}

public sealed class LoginInputValidator : AbstractValidator<LoginInput>
{
    public LoginInputValidator()
    {
        RuleFor(x => x.Email).NotEmpty().WithMessage("Enter your email address")
            .EmailAddress().WithMessage("Enter an email address in the correct format, like name@school.org.uk");
        RuleFor(x => x.Password).NotEmpty().WithMessage("Enter your password");
    }
}

/// <remarks>
/// What only signing in needs (Identity's managers, the audit trail, the database) is asked for by the POST, not the page:
/// showing the form reads nothing, so the sign-in page (a new user's first page, and the cold start's, issue 15) does not
/// build Entity Framework's services for a context it never uses.
/// </remarks>
public sealed class LoginModel(TenantContext tenant, IOptions<SecurityOptions> security) : AppPageModel
{
    public const string WrongCredentials = "Enter a correct email address and password";

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Message { get; private set; }

    public void OnGet(string? message) => Message = message switch
    {
        "reset" => "Your password has been changed. Sign in with your new password.",
        "invited" => "Your account is ready. Sign in with your new password.",
        _ => null,
    };

    public async Task<IActionResult> OnPostAsync([FromServices] SignInManager<AppUser> signIn, [FromServices] AuditTrail audit)
    {
        var users = signIn.UserManager;
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var normalized = users.NormalizeEmail(Input.Email.Trim());
        var trustId = await PreSignIn.TrustForLoginAsync(Db, normalized);
        if (trustId is null)
        {
            // Same answer, and a similar amount of work, whether or not the account exists — the fifth wrong password
            // included, which locks an address without an account out just as it locks an account (issue 14, item 4).
            new PasswordHasher<AppUser>().HashPassword(new AppUser(), Input.Password);
            await audit.SecurityAsync(AuditActions.SignInFailed, null, null, "unknown-account");
            return await FailWithoutAccountAsync(signIn, normalized);
        }

        tenant.SetTrust(trustId.Value);
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is null || user.IsDisabled || user.PasswordHash is null)
        {
            await audit.SecurityAsync(AuditActions.SignInFailed, trustId, user?.Id);
            return await FailWithoutAccountAsync(signIn, normalized); // a disabled account answers as one that does not exist
        }

        var result = await signIn.PasswordSignInAsync(user, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            await audit.SecurityAsync(AuditActions.LockedOut, trustId, user.Id);
            return RedirectToPage("Lockout");
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("LoginWith2fa", new { ReturnUrl });
        }

        if (!result.Succeeded)
        {
            await audit.SecurityAsync(AuditActions.SignInFailed, trustId, user.Id);
            return Fail();
        }

        await audit.SecurityAsync(AuditActions.SignedIn, trustId, user.Id);
        if (security.Value.RequireTwoFactor && !user.TwoFactorEnabled)
        {
            return RedirectToPage("SetupAuthenticator");
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    /// <summary>A failure for an address that cannot sign in: counted as Identity counts an account's, the same lockout page at the fifth.</summary>
    private async Task<IActionResult> FailWithoutAccountAsync(SignInManager<AppUser> signIn, string normalizedEmail)
    {
        var lockout = signIn.Options.Lockout;
        return await SignInFailure.FailAsync(Db, normalizedEmail, lockout.MaxFailedAccessAttempts, lockout.DefaultLockoutTimeSpan, Time.GetUtcNow())
            ? RedirectToPage("Lockout")
            : Fail();
    }

    private Microsoft.AspNetCore.Mvc.RazorPages.PageResult Fail()
    {
        ModelState.AddModelError("Input.Email", WrongCredentials);
        return Page();
    }
}
