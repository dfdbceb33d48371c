namespace FlexiSchooling.Data.Tenancy;

/// <summary>
/// Who is asking, for the life of one request (or one background job). Filled once from the
/// signed-in user by the web layer; read by the query filters, the save interceptor (stamping,
/// refusing cross-trust writes, audit rows) and the connection interceptor (PostgreSQL RLS).
/// An empty context sees nothing.
/// </summary>
public sealed class TenantContext
{
    public Guid TrustId { get; private set; }

    /// <summary>True only for the system context (migrations, seeding, the outbox sender) on the owner connection.</summary>
    public bool IsSystem { get; private set; }

    public bool AllSchools { get; private set; }

    public Guid[] SchoolIds { get; private set; } = [];

    public Guid? UserId { get; private set; }

    /// <summary>The acting role(s), for the audit trail (e.g. "Headteacher").</summary>
    public string? ActorRole { get; private set; }

    public Guid? ActiveSchoolId { get; private set; }

    public string? CorrelationId { get; set; }

    public bool HasTrust => TrustId != Guid.Empty;

    /// <summary>Only the trust is known (sign-in, invitation, password reset): sees the trust's directory rows but no school's pupils.</summary>
    public void SetTrust(Guid trustId, Guid? userId = null)
    {
        TrustId = trustId;
        UserId = userId;
        AllSchools = false;
        SchoolIds = [];
    }

    /// <summary>
    /// The holder of a one-time link (a parent signing an agreement): no account, only the trust and the one
    /// school the link belongs to, so what the link may read and write stays inside that school.
    /// </summary>
    public void SetLinkHolder(Guid trustId, Guid schoolId, string actorRole)
    {
        TrustId = trustId;
        UserId = null;
        AllSchools = false;
        SchoolIds = [schoolId];
        ActorRole = actorRole;
        ActiveSchoolId = schoolId;
    }

    public void SetUser(Guid trustId, Guid userId, bool allSchools, IEnumerable<Guid> schoolIds, string? actorRole, Guid? activeSchoolId)
    {
        TrustId = trustId;
        UserId = userId;
        AllSchools = allSchools;
        SchoolIds = [.. schoolIds.Distinct()];
        ActorRole = actorRole;
        ActiveSchoolId = activeSchoolId;
    }

    public void Clear()
    {
        TrustId = Guid.Empty;
        UserId = null;
        AllSchools = false;
        SchoolIds = [];
        ActorRole = null;
        ActiveSchoolId = null;
    }

    public static TenantContext System() => new() { IsSystem = true, AllSchools = true };

    public static TenantContext ForTrust(Guid trustId, bool allSchools = true, params Guid[] schoolIds)
    {
        var context = new TenantContext();
        context.SetUser(trustId, Guid.Empty, allSchools, schoolIds, null, null);
        context.UserId = null;
        return context;
    }
}

public sealed class TenantViolationException(string message) : InvalidOperationException(message);
