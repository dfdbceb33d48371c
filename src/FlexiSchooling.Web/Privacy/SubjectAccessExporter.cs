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
/// failed, saying so, to be started again. An export cut off by a restart is marked failed when the service starts.
/// </summary>
public sealed class SubjectAccessExporter(SystemDb systemDb, IServiceScopeFactory scopes, TimeProvider time, ILogger<SubjectAccessExporter> logger)
    // Every two seconds, the first (and the restart's clean-up) two seconds after start, not while the server is starting.
    : PeriodicJob(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), time, logger)
{
    public const string Interrupted = "The export was interrupted (the service restarted). Start it again.";

    protected override async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var system = systemDb.Create();
        await system.SubjectAccessRequests.Where(r => r.ExportStatus == SubjectAccessExportStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ExportStatus, SubjectAccessExportStatus.Failed).SetProperty(r => r.ExportStep, Interrupted), cancellationToken);
    }

    protected override Task PassAsync(CancellationToken cancellationToken) => ExportPendingAsync(cancellationToken);

    /// <summary>Produces every queued export; returns how many it produced or failed.</summary>
    public async Task<int> ExportPendingAsync(CancellationToken cancellationToken)
    {
        await using var system = systemDb.Create();
        var queued = await system.SubjectAccessRequests.Where(r => r.ExportStatus == SubjectAccessExportStatus.Queued)
            .OrderBy(r => r.ExportRequestedAt).Select(r => new { r.Id, r.TrustId, r.ExportRequestedBy }).ToListAsync(cancellationToken);
        var done = 0;
        foreach (var item in queued)
        {
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
