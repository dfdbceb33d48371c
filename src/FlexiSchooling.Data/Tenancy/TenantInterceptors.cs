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
/// The trust, set for each transaction rather than each connection (issue 15): behind PgBouncer in transaction pooling
/// a server connection is a client's only for one transaction, so a setting made on a connection would stay behind for
/// the next client to inherit. Each command the application sends begins with a statement that sets <c>app.trust_id</c>
/// for its own transaction only (<c>set_config(…, true)</c>: a command outside a transaction is one implicit transaction
/// with its statements, so the setting lasts exactly as long as that command), and each transaction the application
/// begins sets it first. Row-level security reads it (<c>app_current_trust()</c>). Nothing is set for a session, so a
/// statement that somehow went without it would see no tenant row at all, never another trust's. A <c>CALL</c> answers
/// no rows, so readers, scalars and row counts are the command's own. System work (the owner) sets nothing.
/// </summary>
public static class TenantSql
{
    public const string Setting = "app.trust_id";

    /// <summary>The statement setting the trust for the current transaction; null for system work.</summary>
    /// <remarks>
    /// A call of <c>app_set_trust</c> (migration 0039, ADR 0044), a PL/pgSQL procedure compiled once per connection, where a
    /// <c>DO</c> block doing the same was compiled afresh on every command (about 10 µs more of the server's CPU each). The
    /// trust is a literal, a Guid formatted here, never text from a request.
    /// </remarks>
    public static string? SetForTransaction(TenantContext tenant) => tenant.IsSystem ? null
        : $"CALL app_set_trust('{(tenant.HasTrust ? tenant.TrustId.ToString("D") : "")}');\n";

    /// <summary>A command written by hand on the context's connection (Npgsql's own commands pass no interceptor), made to carry the trust.</summary>
    public static string Scoped(AppDbContext db, string sql) => SetForTransaction(db.Tenant) is { } set ? set + sql : sql;
}

/// <summary>Begins every command EF Core sends for a user's context with <see cref="TenantSql.SetForTransaction"/>.</summary>
public sealed class TenantCommandInterceptor : DbCommandInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) => Scope(command, eventData, result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Scope(command, eventData, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) => Scope(command, eventData, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Scope(command, eventData, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) => Scope(command, eventData, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Scope(command, eventData, result));

    private static T Scope<T>(DbCommand command, CommandEventData eventData, T result)
    {
        // A save's statements are matched to their row counts by position, so a save is not given a statement of its own:
        // a user's context saves inside a transaction always (AppDbContext), which TenantTransactionInterceptor scopes.
        if (eventData.CommandSource != CommandSource.SaveChanges && eventData.Context is AppDbContext db && TenantSql.SetForTransaction(db.Tenant) is { } set)
        {
            command.CommandText = set + command.CommandText;
        }

        return result;
    }
}

/// <summary>
/// Sets the trust first in every transaction EF Core begins for a user's context, so the commands written by hand inside
/// it (Npgsql batches, COPY) have it too.
/// </summary>
public sealed class TenantTransactionInterceptor : DbTransactionInterceptor
{
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = Build(connection, result, eventData);
        command?.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = Build(connection, result, eventData);
        if (command is not null)
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return result;
    }

    private static DbCommand? Build(DbConnection connection, DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is not AppDbContext db || TenantSql.SetForTransaction(db.Tenant) is not { } set)
        {
            return null;
        }

        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = set;
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

        // No savepoint around a save inside a transaction the code began (ADR 0043): every such transaction is abandoned
        // whole when a save in it fails, so the savepoint EF Core would set bought nothing, and cost each save a subtransaction
        // and a round trip of its own to release it.
        db.Database.AutoSavepointsEnabled = false;
        var tenant = db.Tenant;
        if (!tenant.IsSystem)
        {
            // A user's save runs in a transaction even when it is one statement, so TenantTransactionInterceptor sets the
            // trust for it (a save's statements are not given one of their own: see TenantCommandInterceptor).
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }

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
            // The row's key without the trust that leads it (ADR 0032): the event has the trust in a column of its own.
            var keyProperties = entry.Metadata.FindPrimaryKey()!.Properties;
            var key = keyProperties.Skip(keyProperties.Count > 1 && keyProperties[0].Name == nameof(ITrustOwned.TrustId) ? 1 : 0)
                .Select(p => entry.Property(p.Name).CurrentValue?.ToString());
            audits.Add(Audit(tenant, trustId, schoolId, entry.Metadata.ClrType.Name, string.Join("/", key), action, now));
        }

        db.AuditEvents.AddRange(audits);
    }

    /// <summary>
    /// The audit row of one record's change, as every save writes it: the one place its user, role and correlation come
    /// from the tenancy. A write made by hand rather than through a save (a register saved in one batch,
    /// AttendanceBulkWrites.SaveNewRegisterAsync) takes its row from here too.
    /// </summary>
    public static AuditEvent Audit(TenantContext tenant, Guid? trustId, Guid? schoolId, string entityType, string key, string action, DateTimeOffset now) =>
        new(trustId, schoolId, tenant.UserId, tenant.ActorRole, entityType, key, action, now, tenant.CorrelationId);

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
