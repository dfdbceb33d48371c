using System.Data.Common;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Outbox;
using FlexiSchooling.Domain.Tenancy;
using FlexiSchooling.Domain.Trusts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlexiSchooling.Data.Tenancy;

/// <summary>
/// Sets the trust on every connection the application opens, so PostgreSQL row-level security
/// (policies on app.trust_id) filters every tenant table. A pooled connection is re-set on every
/// open, so trust B never sees trust A's rows through a connection A used before; with no trust
/// the setting is empty and every tenant table answers no rows.
/// </summary>
public sealed class TenantConnectionInterceptor : DbConnectionInterceptor
{
    public const string Setting = "app.trust_id";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Build(connection, eventData);
        command?.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Build(connection, eventData);
        if (command is not null)
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DbCommand? Build(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (eventData.Context is not AppDbContext { Tenant: var tenant } || tenant.IsSystem)
        {
            return null;
        }

        var command = connection.CreateCommand();
        command.CommandText = $"SELECT set_config('{Setting}', @trust, false)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "trust";
        parameter.Value = tenant.HasTrust ? tenant.TrustId.ToString() : "";
        command.Parameters.Add(parameter);
        return command;
    }
}

/// <summary>
/// On every save: stamps the current trust on new rows, refuses any write to another trust's row
/// or outside the user's schools, and appends an audit row per created, updated or deleted record
/// in the same transaction (no narrative content: type, id, action).
/// </summary>
public sealed class TenantSaveChangesInterceptor(TimeProvider time) : SaveChangesInterceptor
{
    // Not audited row by row: the audit trail itself, queued email, Identity's token rows, and attendance
    // marks with their change history. A mark's history row is already the who/when/old/new/why record,
    // kept append-only, so an audit row per mark would write every register twice over; the register
    // submission (who saved which register when) and the import batch are audited instead (ADR 0012).
    private static readonly HashSet<Type> NotAudited =
    [
        typeof(AuditEvent), typeof(OutboxMessage), typeof(IdentityUserToken<Guid>), typeof(IdentityUserClaim<Guid>), typeof(IdentityUserLogin<Guid>),
        typeof(Domain.Attendance.AttendanceMark), typeof(Domain.Attendance.MarkChange),
        typeof(Domain.Arrangements.ArrangementEvent), // a case's own history, beside the audited case row
    ];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Apply(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Apply(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Apply(DbContext? context)
    {
        if (context is not AppDbContext db)
        {
            return;
        }

        var tenant = db.Tenant;
        var now = time.GetUtcNow();
        var audits = new List<AuditEvent>();
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted).ToList())
        {
            CheckTenancy(entry, tenant);
            if (NotAudited.Contains(entry.Metadata.ClrType))
            {
                continue;
            }

            var action = entry.State switch
            {
                EntityState.Added => AuditActions.Created,
                EntityState.Deleted => AuditActions.Deleted,
                _ => AuditActions.Updated,
            };
            var trustId = entry.Entity switch
            {
                Trust t => t.Id,
                ITrustOwned owned => owned.TrustId,
                _ => tenant.HasTrust ? tenant.TrustId : (Guid?)null,
            };
            var schoolId = entry.Entity is ISchoolOwned s ? s.SchoolId : tenant.ActiveSchoolId;
            var key = entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString());
            audits.Add(new AuditEvent(trustId, schoolId, tenant.UserId, tenant.ActorRole, entry.Metadata.ClrType.Name, string.Join("/", key), action, now, tenant.CorrelationId));
        }

        db.AuditEvents.AddRange(audits);
    }

    private static void CheckTenancy(EntityEntry entry, TenantContext tenant)
    {
        if (entry.Entity is Trust trust)
        {
            if (!tenant.IsSystem && trust.Id != tenant.TrustId)
            {
                throw new TenantViolationException("A trust's record can only be changed by that trust.");
            }

            return;
        }

        if (entry.Entity is not ITrustOwned owned)
        {
            return;
        }

        if (entry.State == EntityState.Added)
        {
            if (owned.TrustId == Guid.Empty)
            {
                if (!tenant.HasTrust)
                {
                    throw new TenantViolationException($"A new {entry.Metadata.ClrType.Name} needs a trust, and none is set.");
                }

                ((ITrustStampable)owned).StampTrust(tenant.TrustId);
            }
        }
        else
        {
            var original = (Guid)entry.Property(nameof(ITrustOwned.TrustId)).OriginalValue!;
            if (original != owned.TrustId)
            {
                throw new TenantViolationException("A record cannot move between trusts.");
            }
        }

        if (tenant.IsSystem)
        {
            return;
        }

        if (owned.TrustId != tenant.TrustId)
        {
            throw new TenantViolationException($"Refused: this {entry.Metadata.ClrType.Name} belongs to another trust.");
        }

        if (entry.Entity is ISchoolOwned school && entry.Entity is not School && !tenant.AllSchools && !tenant.SchoolIds.Contains(school.SchoolId))
        {
            throw new TenantViolationException($"Refused: this {entry.Metadata.ClrType.Name} belongs to a school outside the user's access.");
        }
    }
}
