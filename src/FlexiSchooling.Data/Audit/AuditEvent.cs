using FlexiSchooling.Domain.Common;

namespace FlexiSchooling.Data.Audit;

/// <summary>
/// One row of the append-only audit trail: who, in which role, at which trust and school, did what
/// to which record, when, under which correlation id. Never narrative content (no names, no notes).
/// The application's database role may insert and read it, never update or delete it.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>The role of a change the application made itself, nobody signed in: the night's recount of figures (ADR 0057).</summary>
    public const string SystemRole = "System";

    private AuditEvent() { }

    public AuditEvent(Guid? trustId, Guid? schoolId, Guid? userId, string? role, string entityType, string? entityId, string action, DateTimeOffset occurredAt, string? correlationId)
    {
        Id = Ids.New(occurredAt);
        TrustId = trustId;
        SchoolId = schoolId;
        UserId = userId;
        Role = role;
        EntityType = entityType;
        EntityId = entityId;
        Action = action;
        OccurredAt = occurredAt;
        CorrelationId = correlationId;
    }

    /// <summary>
    /// Time-ordered and made by the application: no RETURNING on insert, which matters because a
    /// security event with no trust must be insertable by a role that cannot read it back.
    /// </summary>
    public Guid Id { get; private set; }

    /// <summary>Null only for security events before any trust is known (e.g. a failed sign-in for an unknown email).</summary>
    public Guid? TrustId { get; private set; }

    public Guid? SchoolId { get; private set; }

    public Guid? UserId { get; private set; }

    public string? Role { get; private set; }

    public string EntityType { get; private set; } = "";

    public string? EntityId { get; private set; }

    /// <summary>created, updated, deleted, viewed, or a security event such as sign-in-failed.</summary>
    public string Action { get; private set; } = "";

    public DateTimeOffset OccurredAt { get; private set; }

    public string? CorrelationId { get; private set; }
}

public static class AuditActions
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    public const string Viewed = "viewed";
    public const string SignedIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string LockedOut = "locked-out";
    public const string SignedOut = "sign-out";
    public const string TwoFactorEnabled = "2fa-enabled";
    public const string TwoFactorFailed = "2fa-failed";
    public const string RecoveryCodeUsed = "recovery-code-used";
    public const string RecoveryCodesGenerated = "recovery-codes-generated";
    public const string PasswordReset = "password-reset";
    public const string AccessRefused = "access-refused";
    public const string InvitationAccepted = "invitation-accepted";
    public const string SessionEnded = "session-ended";
    public const string Reauthenticated = "re-authenticated";
    public const string TwoFactorReset = "2fa-reset";

    /// <summary>A pupil's weekly and yearly attendance figures counted again from their marks, which differed (ADR 0057).</summary>
    public const string AttendanceRecounted = "attendance-recounted";
}
