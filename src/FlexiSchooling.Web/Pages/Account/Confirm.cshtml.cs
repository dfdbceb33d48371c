using System.Text.Json;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Web.Identity;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Account;

public sealed record ConfirmInput
{
    public string Password { get; init; } = "";

    public string? Code { get; init; }
}

public sealed class ConfirmInputValidator : AbstractValidator<ConfirmInput>
{
    public ConfirmInputValidator() => RuleFor(x => x.Password).NotEmpty().WithMessage("Enter your password");
}

/// <summary>
/// Step-up (issue 14, item 2): before pupil data leaves the product (every CSV export) or anyone's roles or two-factor
/// change, the password — and the second factor where it is on — must have been given in the last five minutes
/// (<see cref="UserSession.RecentConfirmation"/>). A download returns to itself afterwards; a form that was posted is
/// kept and offered back with one button, so nothing typed is lost. Wrong passwords count towards the usual lockout.
/// </summary>
public sealed class ConfirmModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, SessionStore sessions, AuditTrail audit) : AppPageModel
{
    /// <summary>The TempData entry holding a posted form's fields while the person confirms.</summary>
    public const string ReplayKey = "flexi.confirm-replay";

    [BindProperty]
    public ConfirmInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool AsksForCode { get; private set; }

    /// <summary>Once confirmed, the posted form to send again: its fields in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Replay { get; private set; }

    public string Target => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";

    /// <summary>Cancelling a posted change goes back to the page it came from (without its handler); a download, home.</summary>
    public string CancelTarget => Replay is not null || TempData.Peek(ReplayKey) is not null ? Target.Split('?')[0] : "/";

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("Login");
        }

        AsksForCode = user.TwoFactorEnabled;
        TempData.Keep(ReplayKey);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("Login");
        }

        AsksForCode = user.TwoFactorEnabled;
        TempData.Keep(ReplayKey);
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var password = await signIn.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
        if (password.IsLockedOut)
        {
            await audit.SecurityAsync(AuditActions.LockedOut, user.TrustId, user.Id, "step-up");
            await signIn.SignOutAsync();
            return RedirectToPage("Lockout");
        }

        if (!password.Succeeded)
        {
            await audit.SecurityAsync(AuditActions.SignInFailed, user.TrustId, user.Id, "step-up");
            ModelState.AddModelError("Input.Password", "Your password is not correct");
            return Page();
        }

        if (user.TwoFactorEnabled)
        {
            var code = (Input.Code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await users.AccessFailedAsync(user);
                await audit.SecurityAsync(AuditActions.TwoFactorFailed, user.TrustId, user.Id, "step-up");
                ModelState.AddModelError("Input.Code", code.Length == 0 ? "Enter the code from your authenticator app" : "The code is not correct or has expired. Enter the code shown in your app now.");
                return Page();
            }

            await users.ResetAccessFailedCountAsync(user);
        }

        await sessions.ConfirmAsync(CurrentUser.SessionId, user.Id);
        await audit.SecurityAsync(AuditActions.Reauthenticated, user.TrustId, user.Id);
        if (TempData[ReplayKey] is string replay)
        {
            Replay = [.. JsonSerializer.Deserialize<string[][]>(replay)!.Select(f => new KeyValuePair<string, string>(f[0], f[1]))];
            return Page();
        }

        return LocalRedirect(Target);
    }

    /// <summary>
    /// For a handler that must not run without a recent confirmation: null when the password was given recently enough,
    /// else the way to the confirmation page (a posted form's fields kept to be offered back).
    /// </summary>
    public static IActionResult? Required(AppPageModel page, CurrentUser current, TimeProvider time)
    {
        if (time.GetUtcNow() - current.ConfirmedAt <= UserSession.RecentConfirmation)
        {
            return null;
        }

        var request = page.Request;
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            var fields = request.Form.Where(f => f.Key != "__RequestVerificationToken")
                .SelectMany(f => f.Value.Select(v => new[] { f.Key, v ?? "" })).ToArray();
            page.TempData[ReplayKey] = JsonSerializer.Serialize(fields);
        }
        else
        {
            page.TempData.Remove(ReplayKey); // a download returns to itself: no form left from an earlier confirmation
        }

        return page.RedirectToPage("/Account/Confirm", new { returnUrl = $"{request.PathBase}{request.Path}{request.QueryString}" });
    }
}
