using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Privacy;

/// <summary>
/// Produces queued subject access exports in the background (issue 14), one at a time, with progress the request page
/// shows. Each export is claimed in one statement (two instances never both run it), built through a context holding only
/// the request's trust (row-level security), and stored with the request marked ready in one transaction — or marked
/// failed, saying so, to be started again. The instance running an export holds it (<see cref="ExportHold"/>) from before
/// its claim until its outcome is saved; an export marked running that no instance holds was cut off (its instance
/// stopped, its hold gone with its connection) and is marked failed by the next pass of any instance. Until the
/// thirty-seventh session that was done when an instance started, which with more than one instance marked failed an
/// export another was still running (a rolling deploy restarts each in turn), and left one whose instance crashed marked
/// running until some instance restarted.
/// </summary>
public sealed class SubjectAccessExporter(SystemDb systemDb, IServiceScopeFactory scopes, TimeProvider time, ILogger<SubjectAccessExporter> logger)
    // Every two seconds, the first two seconds after start, not while the server is starting.
    : PeriodicJob(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), time, logger)
{
    public const string Interrupted = "The export was interrupted (the service restarted). Start it again.";

    protected override Task PassAsync(CancellationToken cancellationToken) => ExportPendingAsync(cancellationToken);

    /// <summary>
    /// Marks failed every export marked running that no instance holds; returns how many. A hold keeps its request's row
    /// locked <c>FOR KEY SHARE</c>, so <c>FOR UPDATE SKIP LOCKED</c> passes over the exports being run and finds the rest.
    /// </summary>
    public async Task<int> MarkInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var system = systemDb.Create();
        return await system.Database.ExecuteSqlAsync($"""
            UPDATE subject_access_requests SET export_status = 'Failed', export_step = {Interrupted}
            WHERE (trust_id, id) IN (SELECT trust_id, id FROM subject_access_requests WHERE export_status = 'Running' FOR UPDATE SKIP LOCKED)
            """, cancellationToken);
    }

    /// <summary>Produces every queued export, after marking those cut off; returns how many it produced or failed.</summary>
    public async Task<int> ExportPendingAsync(CancellationToken cancellationToken)
    {
        await MarkInterruptedAsync(cancellationToken);
        await using var system = systemDb.Create();
        var queued = await system.SubjectAccessRequests.Where(r => r.ExportStatus == SubjectAccessExportStatus.Queued)
            .OrderBy(r => r.ExportRequestedAt).Select(r => new { r.Id, r.TrustId, r.ExportRequestedBy }).ToListAsync(cancellationToken);
        var done = 0;
        foreach (var item in queued)
        {
            // Held before it is claimed, so that it is never marked running without a hold another pass could see.
            await using var hold = await ExportHold.TakeAsync(systemDb.ConnectionString, item.Id, cancellationToken);
            if (hold is null)
            {
                continue; // no longer queued: another instance has it, or it was withdrawn
            }

            var claimed = await system.SubjectAccessRequests.Where(r => r.Id == item.Id && r.ExportStatus == SubjectAccessExportStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ExportStatus, SubjectAccessExportStatus.Running).SetProperty(r => r.ExportProgress, 0).SetProperty(r => r.ExportStep, "Starting"), cancellationToken);
            if (claimed == 1)
            {
                await ExportAsync(system, item.Id, item.TrustId, item.ExportRequestedBy, cancellationToken);
                done++;
            }
        }

        return done;
    }

    private async Task ExportAsync(AppDbContext system, Guid id, Guid trustId, Guid? requestedBy, CancellationToken cancellationToken)
    {
        Task Progress(int percent, string step) => system.SubjectAccessRequests.Where(r => r.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ExportProgress, percent).SetProperty(r => r.ExportStep, step), cancellationToken);

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
            tenant.SetUser(trustId, requestedBy ?? Guid.Empty, allSchools: true, [], "Subject access export", null);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var request = await db.SubjectAccessRequests.AsNoTracking().SingleAsync(r => r.Id == id, cancellationToken);
            var now = Time.GetUtcNow();
            var (zip, fileName, forReview) = await SubjectAccessExport.BuildAsync(db, scope.ServiceProvider.GetRequiredService<DocumentRenderer>(), request, now, Progress, cancellationToken);

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SubjectAccessBundles.Where(b => b.RequestId == id).ExecuteDeleteAsync(cancellationToken);
            db.SubjectAccessBundles.Add(new SubjectAccessBundle(id, fileName, zip, now));
            await db.SaveChangesAsync(cancellationToken);
            await db.SubjectAccessRequests.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ExportStatus, SubjectAccessExportStatus.Ready)
                .SetProperty(r => r.ExportProgress, 100)
                .SetProperty(r => r.ExportStep, (string?)null)
                .SetProperty(r => r.ItemsForReview, forReview)
                .SetProperty(r => r.ExportFinishedAt, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Logger.LogInformation("Subject access export {RequestId} produced: {Bytes} bytes, {ForReview} files to review", id, zip.Length, forReview);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Logger.LogError(e, "Subject access export {RequestId} failed", id);
            await system.SubjectAccessRequests.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ExportStatus, SubjectAccessExportStatus.Failed)
                .SetProperty(r => r.ExportStep, $"The export failed ({Reason(e)}). Nothing was kept; start it again. If it fails again, give this reference to IT: {id}."), CancellationToken.None);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        System.ComponentModel.Win32Exception or InvalidOperationException when e.StackTrace?.Contains(nameof(DocumentRenderer), StringComparison.Ordinal) == true
            => "the index could not be made into a PDF",
        Npgsql.NpgsqlException or TimeoutException => "the database did not answer",
        _ => "an unexpected error",
    };
}

/// <summary>
/// An instance's hold on an export it runs: a transaction on a connection of its own (the owner's) keeping the request's
/// row locked <c>FOR KEY SHARE</c>, which lets the export's own updates of the row through (they change no key) and makes
/// <see cref="SubjectAccessExporter.MarkInterruptedAsync"/> pass over it. It goes with the connection if the instance
/// stops; disposing it ends the transaction. Transaction-scoped, so it holds through PgBouncer's transaction pooling too.
/// </summary>
public sealed class ExportHold : IAsyncDisposable
{
    private readonly Npgsql.NpgsqlConnection _connection;
    private readonly Npgsql.NpgsqlTransaction _transaction;

    private ExportHold(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    /// <summary>Holds the request if it is still queued; none if it is not.</summary>
    public static async Task<ExportHold?> TakeAsync(string ownerConnectionString, Guid requestId, CancellationToken cancellationToken)
    {
        var connection = new Npgsql.NpgsqlConnection(ownerConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new Npgsql.NpgsqlCommand("SELECT 1 FROM subject_access_requests WHERE id = $1 AND export_status = 'Queued' FOR KEY SHARE", connection, transaction)
            {
                Parameters = { new() { Value = requestId } },
            };
            if (await command.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return new ExportHold(connection, transaction);
            }

            await transaction.DisposeAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
