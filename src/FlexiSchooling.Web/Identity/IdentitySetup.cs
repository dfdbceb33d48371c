using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlexiSchooling.Web.Identity;

public static class IdentitySetup
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(10);
    public const string AuthTimeClaim = "auth_time";

    public static IServiceCollection AddFlexiIdentity(this IServiceCollection services)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddIdentityCore<AppUser>(o =>
            {
                // NCSC/NIST guidance: length over composition, no forced expiry, refuse common passwords.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
                o.Stores.ProtectPersonalData = false;
            })
            .AddUserStore<HashedRecoveryCodeUserStore>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<TrustClaimsPrincipalFactory>()
            .AddPasswordValidator<CommonPasswordValidator>();

        // Roles can change at any moment; the cookie is re-checked against the database each minute,
        // and CurrentUserMiddleware reloads roles on every request.
        // On the application's clock, which ValidatePrincipalAsync reads too.
        services.AddOptions<SecurityStampValidatorOptions>().Configure<TimeProvider>((o, time) =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            o.OnRefreshingPrincipal = KeepSignInFacts;
            o.TimeProvider = time;
        });

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "__Host-flexi";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.Path = "/";
            o.ExpireTimeSpan = IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = "/Account/Login";
            o.LogoutPath = "/Account/Logout";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Events.OnValidatePrincipal = ValidatePrincipalAsync;
            o.Events.OnSigningIn = SessionStore.OnSigningInAsync;
            o.Events.OnSigningOut = SessionStore.OnSigningOutAsync;
            // Relative redirects: correct behind a TLS-terminating proxy and on the local loopback run alike.
            o.Events.OnRedirectToLogin = RedirectRelative;
            o.Events.OnRedirectToAccessDenied = RedirectRelative;
        });
        foreach (var scheme in new[] { IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme, IdentityConstants.ExternalScheme })
        {
            services.Configure<CookieAuthenticationOptions>(scheme, o =>
            {
                o.Cookie.Name = "__Host-flexi-" + scheme.Split('.').Last().ToLowerInvariant();
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.Path = "/";
            });
        }

        return services;
    }

    private static Task RedirectRelative(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The minute-by-minute refresh rebuilds the principal from the database, which knows nothing of how or when
    /// this session signed in, nor which server-side session it is. Without this, a session would lose its second
    /// factor ("amr": "mfa") a minute after sign-in — every page then refused where two-factor is required — its
    /// session id (the next request then signed out), and the sign-in time would restart each minute, so the 10-hour
    /// absolute lifetime would never end an active session.
    /// </summary>
    public static Task KeepSignInFacts(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.NewPrincipal?.Identity is not ClaimsIdentity fresh || context.CurrentPrincipal is not { } current)
        {
            return Task.CompletedTask;
        }

        foreach (var stale in fresh.Claims.Where(c => c.Type is AuthTimeClaim or "amr" or SessionStore.SessionClaim).ToList())
        {
            fresh.RemoveClaim(stale);
        }

        foreach (var kept in current.Claims.Where(c => c.Type is AuthTimeClaim or "amr" or SessionStore.SessionClaim))
        {
            fresh.AddClaim(new Claim(kept.Type, kept.Value));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Ends a session 10 hours after sign-in whatever the activity (the cookie slides; the claim does
    /// not) — on the server too, so the trust is set first — then runs Identity's security-stamp check with the
    /// user's trust set for RLS.
    /// </summary>
    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        if (Guid.TryParse(principal.FindFirstValue(CurrentUserMiddleware.TrustClaim), out var trustId))
        {
            context.HttpContext.RequestServices.GetRequiredService<TenantContext>().SetTrust(trustId);
        }

        if (!long.TryParse(principal.FindFirstValue(AuthTimeClaim), out var authTime)
            || time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(authTime) > AbsoluteLifetime)
        {
            context.RejectPrincipal();
            context.HttpContext.Items[SessionStore.EndReasonItem] = Data.Identity.SessionEndReasons.TimedOut;
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        // Identity's validator checks the stamp only once its interval has passed since the cookie was issued, but it is
        // resolved with its sign-in and user managers on every request to find that out: about 3% of a register page's
        // CPU (issue 15). The same test on the same clock first; the validator when it will check.
        var stamps = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value;
        if (context.Properties.IssuedUtc is { } issued && time.GetUtcNow() - issued <= stamps.ValidationInterval)
        {
            return;
        }

        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }
}

/// <summary>Adds the trust (for tenancy) and the sign-in time (for the absolute lifetime) to the cookie.</summary>
public sealed class TrustClaimsPrincipalFactory(UserManager<AppUser> users, IOptions<IdentityOptions> options, TimeProvider time)
    : UserClaimsPrincipalFactory<AppUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(CurrentUserMiddleware.TrustClaim, user.TrustId.ToString()));
        identity.AddClaim(new Claim(IdentitySetup.AuthTimeClaim, time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return identity;
    }
}

/// <summary>
/// Identity keeps recovery codes in clear text by default; here only their SHA-256 is stored.
/// A code has about 50 bits of randomness and is single-use, so an unsalted hash suffices.
/// </summary>
public sealed class HashedRecoveryCodeUserStore(AppDbContext context, IdentityErrorDescriber? describer = null)
    : UserOnlyStore<AppUser, AppDbContext, Guid>(context, describer)
{
    public override Task ReplaceCodesAsync(AppUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(Hash), cancellationToken);

    public override Task<bool> RedeemCodeAsync(AppUser user, string code, CancellationToken cancellationToken) =>
        base.RedeemCodeAsync(user, Hash(code), cancellationToken);

    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())));
}

/// <summary>Refuses common passwords and passwords built from the user's own email (NCSC password guidance).</summary>
public sealed class CommonPasswordValidator : IPasswordValidator<AppUser>
{
    private static readonly Lazy<(HashSet<string> Exact, string[] Stems)> List = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        if (password is null)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError { Code = "PasswordRequired", Description = "Enter a password." }));
        }

        return Task.FromResult(IsCommon(password, user.Email)
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordTooCommon", Description = "This password is too common or too easy to guess. Try three random words." })
            : IdentityResult.Success);
    }

    public static bool IsCommon(string password, string? email = null)
    {
        var lower = password.ToLowerInvariant();
        var (exact, stems) = List.Value;
        if (exact.Contains(lower) || lower.Distinct().Count() <= 3)
        {
            return true;
        }

        // A common word padded with digits and symbols ("Password123!") is as weak as the word.
        var core = new string(lower.Where(char.IsLetter).ToArray());
        if (core.Length == 0 || stems.Any(s => core == s || core == s + s))
        {
            return true;
        }

        var local = email?.Split('@')[0].ToLowerInvariant();
        return local is { Length: >= 4 } && lower.Contains(local, StringComparison.Ordinal);
    }

    private static (HashSet<string>, string[]) Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("common-passwords.txt")!;
        using var reader = new StreamReader(stream);
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var stems = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("stem:", StringComparison.Ordinal))
            {
                stems.Add(line[5..]);
            }
            else
            {
                exact.Add(line.ToLowerInvariant());
            }
        }

        return (exact, [.. stems]);
    }
}
