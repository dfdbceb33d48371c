using FlexiSchooling.Domain.Security;
using Microsoft.AspNetCore.Authorization;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>A permission at one school; the resource is the school's id.</summary>
public sealed record SchoolPermissionRequirement(Permission Permission) : IAuthorizationRequirement;

/// <summary>
/// The one place school scoping is decided, the ASP.NET Core way (bitwarden's requirement handlers):
/// the school comes from the record being accessed, and the user's roles there decide.
/// </summary>
public sealed class SchoolPermissionHandler(CurrentUser user) : AuthorizationHandler<SchoolPermissionRequirement, Guid>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SchoolPermissionRequirement requirement, Guid schoolId)
    {
        if (schoolId == Guid.Empty)
        {
            throw new InvalidOperationException("A school permission was checked without a school.");
        }

        if (user.Can(requirement.Permission, schoolId))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>A trust-wide permission (audit search, trust administration).</summary>
public sealed record TrustPermissionRequirement(Permission Permission) : IAuthorizationRequirement;

public sealed class TrustPermissionHandler(CurrentUser user) : AuthorizationHandler<TrustPermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TrustPermissionRequirement requirement)
    {
        if (user.CanTrustWide(requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Two-factor sign-in: the "amr" claim Identity adds when a second factor was used.</summary>
public sealed record TwoFactorRequirement : IAuthorizationRequirement;

public sealed class TwoFactorHandler(Microsoft.Extensions.Options.IOptions<SecurityOptions> options) : AuthorizationHandler<TwoFactorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TwoFactorRequirement requirement)
    {
        if (!options.Value.RequireTwoFactor || context.User.HasClaim("amr", "mfa"))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class Policies
{
    /// <summary>Signed in with a password, before two-factor setup: only the authenticator pages.</summary>
    public const string SignedIn = "signed-in";
    public const string TrustAdmin = "trust-admin";
    public const string TrustAudit = "trust-audit";
    public const string SubjectAccess = "subject-access";
}

public sealed class SecurityOptions
{
    /// <summary>TOTP two-factor for every staff account before any pupil data; the local demo may turn it off (and then says so on every page).</summary>
    public bool RequireTwoFactor { get; set; } = true;

    /// <summary>Where the local outbox sender writes emails.</summary>
    public string? MailDirectory { get; set; }
}
