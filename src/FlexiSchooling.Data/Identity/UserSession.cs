using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Data.Identity;

/// <summary>
/// One signed-in session, held on the server so that it can be ended there (issue 14, item 1): the cookie carries
/// only the session's id, and a cookie whose session has ended — signed out, ended from "Your sessions", or ended
/// because an administrator disabled the account, removed a role or reset two-factor — gets the sign-in page on its
/// next request, however long the cookie itself would have lived.
/// </summary>
public sealed class UserSession : ITrustStampable
{
    /// <summary>After this long without a request a session has ended, whatever its cookie says (the cookie slides too).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>How long a password (and second factor) given counts as recent for a step-up action (issue 14, item 2).</summary>
    public static readonly TimeSpan RecentConfirmation = TimeSpan.FromMinutes(5);

    private UserSession() { }

    public UserSession(Guid userId, string device, string? ipAddress, DateTimeOffset now)
    {
        Id = Ids.New();
        UserId = userId;
        Device = device.Length > 200 ? device[..200] : device;
        IpAddress = ipAddress is { Length: > 45 } ? ipAddress[..45] : ipAddress;
        StartedAt = now;
        LastSeenAt = now;
        ConfirmedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>The browser and system, as "Chrome on Windows" — enough for a person to recognise their own.</summary>
    public string Device { get; private set; } = "";

    public string? IpAddress { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset LastSeenAt { get; private set; }

    /// <summary>When the password (and the second factor where on) was last given in this session: at sign-in or a step-up.</summary>
    public DateTimeOffset ConfirmedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Why it ended: one of <see cref="SessionEndReasons"/>.</summary>
    public string? EndedReason { get; private set; }

    public Guid? EndedBy { get; private set; }

    public bool IsActive(DateTimeOffset now) => EndedAt is null && now - LastSeenAt <= IdleTimeout;

    public bool RecentlyConfirmed(DateTimeOffset now) => now - ConfirmedAt <= RecentConfirmation;

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

public static class SessionEndReasons
{
    public const string SignedOut = "signed-out";
    public const string EndedByUser = "ended-by-user";
    public const string EndedByAdmin = "ended-by-admin";
    public const string AccountDisabled = "account-disabled";
    public const string RoleRemoved = "role-removed";
    public const string TwoFactorReset = "two-factor-reset";
    public const string PasswordChanged = "password-changed";
    public const string TimedOut = "timed-out";

    public static string Describe(string? reason) => reason switch
    {
        SignedOut => "Signed out",
        EndedByUser => "Ended by the person",
        EndedByAdmin => "Ended by an administrator",
        AccountDisabled => "Account disabled",
        RoleRemoved => "A role was removed",
        TwoFactorReset => "Two-factor was reset",
        PasswordChanged => "Password changed",
        TimedOut => "Timed out",
        _ => reason ?? "",
    };
}
