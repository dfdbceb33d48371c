using System.Security.Claims;
using System.Text;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace FlexiSchooling.Web.Pages.Account;

/// <summary>TOTP set-up with a QR code; recovery codes are shown once and stored hashed.</summary>
public sealed class SetupAuthenticatorModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, AuditTrail audit) : AppPageModel
{
    public const int RecoveryCodeCount = 10;

    [BindProperty]
    public CodeInput Input { get; set; } = new();

    public bool Enabled { get; private set; }

    public bool SignedInWithSecondFactor => User.HasClaim("amr", "mfa");

    public int RecoveryCodesLeft { get; private set; }

    public string SharedKey { get; private set; } = "";

    public string QrCodeDataUri { get; private set; } = "";

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("Login");
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return RedirectToPage("Login");
        }

        if (user.TwoFactorEnabled)
        {
            await LoadAsync(user);
            return Page();
        }

        if (!await ValidateAsync(Input))
        {
            await LoadAsync(user);
            return Page();
        }

        var code = Input.Code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            await audit.SecurityAsync(AuditActions.TwoFactorFailed, user.TrustId, user.Id, "setup");
            ModelState.AddModelError("Input.Code", "The code is not correct. Enter the code your app shows now.");
            await LoadAsync(user);
            return Page();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!];
        await audit.SecurityAsync(AuditActions.TwoFactorEnabled, user.TrustId, user.Id);
        // The session now has a second factor: sign in again with the claim that says so.
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "mfa")]);
        Enabled = true;
        return Page();
    }

    public async Task<IActionResult> OnPostNewCodesAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null || !user.TwoFactorEnabled || !SignedInWithSecondFactor)
        {
            return RedirectToPage();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        RecoveryCodes = [.. (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!];
        await audit.SecurityAsync(AuditActions.RecoveryCodesGenerated, user.TrustId, user.Id);
        Enabled = true;
        return Page();
    }

    private async Task LoadAsync(AppUser user)
    {
        Enabled = user.TwoFactorEnabled;
        if (Enabled)
        {
            RecoveryCodesLeft = await users.CountRecoveryCodesAsync(user);
            return;
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        SharedKey = Group(key!);
        var uri = $"otpauth://totp/{Uri.EscapeDataString("FlexiSchooling")}:{Uri.EscapeDataString(user.Email!)}?secret={key}&issuer=FlexiSchooling&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
        var png = new PngByteQRCode(data).GetGraphic(8);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(png);
    }

    private static string Group(string key)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            sb.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        return sb.ToString().TrimEnd().ToLowerInvariant();
    }
}
