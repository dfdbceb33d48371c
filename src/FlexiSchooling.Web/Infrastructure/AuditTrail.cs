using FlexiSchooling.Data;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Tenancy;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Views of safeguarding-sensitive records and security events go to the same append-only table
/// as the save interceptor's create/update/delete rows. Type, id and action only: never content.
/// </summary>
public sealed class AuditTrail(AppDbContext db, TenantContext tenant, TimeProvider time)
{
    public async Task ViewedAsync(string entityType, Guid id, Guid? schoolId)
    {
        db.AuditEvents.Add(new AuditEvent(tenant.TrustId, schoolId, tenant.UserId, tenant.ActorRole, entityType, id.ToString(), AuditActions.Viewed, time.GetUtcNow(), tenant.CorrelationId));
        await db.SaveChangesAsync();
    }

    public async Task SecurityAsync(string action, Guid? trustId, Guid? userId, string? detailId = null)
    {
        db.AuditEvents.Add(new AuditEvent(trustId, null, userId, tenant.ActorRole, "Security", detailId ?? userId?.ToString(), action, time.GetUtcNow(), tenant.CorrelationId));
        await db.SaveChangesAsync();
    }
}
