using System.Text;
using FlexiSchooling.Data;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlexiSchooling.Web.Privacy;

/// <summary>
/// The retention schedule at work (issue 14, "Retention"). Each day the job reports, for every trust, what falls due
/// under its schedule; nothing is removed until a named person confirms a report (<see cref="ApplyAsync"/>), which removes
/// it all in one transaction and records what was removed and why — or, on any failure, removes nothing and says so.
/// A legal hold on a pupil or a case keeps everything about it. The work runs on the owner connection with the trust
/// named in every statement; the append-only tables' own triggers still refuse any row younger than its statutory floor.
/// </summary>
public sealed class RetentionJob(SystemDb systemDb, TimeProvider time, ILogger<RetentionJob> logger)
    // A minute after start, then hourly: a restart does not load the database at once, and a day's report is made once.
    : PeriodicJob(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), time, logger)
{
    /// <summary>A kind of record the schedule removes: what people call it, its table, and which of its rows are due.</summary>
    private sealed record Category(string Name, string Table, string Due);

    private const string HeldPupils = "(SELECT h.pupil_id FROM legal_holds h WHERE h.trust_id = @t AND h.lifted_at IS NULL AND h.arrangement_id IS NULL)";

    private const string DueCases = $"""
        (SELECT a.id FROM arrangements a JOIN pupils p ON p.id = a.pupil_id
          WHERE a.trust_id = @t
            AND p.date_of_birth < CASE WHEN p.ehcp OR p.sen_support THEN @sendBorn ELSE @born END
            AND a.pupil_id NOT IN {HeldPupils}
            AND a.id NOT IN (SELECT h.arrangement_id FROM legal_holds h WHERE h.trust_id = @t AND h.lifted_at IS NULL AND h.arrangement_id IS NOT NULL))
        """;

    private const string PupilNotHeld = $"pupil_id NOT IN {HeldPupils}";

    /// <summary>In the order they are removed: a row goes before the rows it refers to.</summary>
    private static readonly Category[] Categories =
    [
        new("Changes to attendance marks", "attendance_mark_changes", $"trust_id = @t AND date < @marks AND {PupilNotHeld}"),
        new("Attendance marks (register entries)", "attendance_marks", $"trust_id = @t AND date < @marks AND {PupilNotHeld}"),
        new("Leave and arrangement sessions in the register", "expected_marks", $"trust_id = @t AND \"to\" < @marks AND {PupilNotHeld}"),
        new("Absence follow-up contacts", "absence_contacts", $"trust_id = @t AND on_date < @marks AND {PupilNotHeld}"),
        new("Weekly attendance figures", "attendance_pupil_weeks", $"trust_id = @t AND week_start < @marks - 6 AND {PupilNotHeld}"),
        new("Yearly attendance figures", "attendance_pupil_years", $"trust_id = @t AND year_start < (@marks - interval '1 year')::date AND {PupilNotHeld}"),
        new("Register submissions", "register_submissions", "trust_id = @t AND date < @marks"),
        new("Case consents and notifications", "arrangement_consents", $"arrangement_id IN {DueCases}"),
        new("Parents' signing links", "agreement_signature_links", $"arrangement_id IN {DueCases}"),
        new("Welfare checks", "welfare_checks", $"arrangement_id IN {DueCases}"),
        new("Risk assessments", "risk_assessments", $"arrangement_id IN {DueCases}"),
        new("Flexi-schooling agreements", "flexi_agreements", $"arrangement_id IN {DueCases}"),
        new("Part-time plans", "part_time_plans", $"arrangement_id IN {DueCases}"),
        new("QA visits to placements", "placement_visits", $"arrangement_id IN {DueCases}"),
        new("Providers' daily reports on placed pupils", "provider_reports", $"arrangement_id IN {DueCases}"),
        new("Commissioning agreements", "commissioning_agreements", $"arrangement_id IN {DueCases}"),
        new("Alternative provision placements and referrals", "placements", $"arrangement_id IN {DueCases}"),
        new("Case documents and uploaded letters", "case_documents", $"arrangement_id IN {DueCases}"),
        new("Case reviews", "arrangement_reviews", $"arrangement_id IN {DueCases}"),
        new("Case history", "arrangement_events", $"arrangement_id IN {DueCases}"),
        new("Case files (flexi-schooling, part-time, AP)", "arrangements", $"id IN {DueCases}"),
        new("Audit trail entries", "audit_events", "trust_id = @t AND occurred_at < @audit"),
        new("Emails sent", "outbox_messages", "trust_id = @t AND sent_at < @emails"),
    ];

    protected override Task PassAsync(CancellationToken cancellationToken) => ReportAllAsync(cancellationToken);

    /// <summary>
    /// Today's report for every trust that has none yet. Every instance runs this job, and instances started together run
    /// their first pass together: each trust is reported under a lock of its own (a transaction-level advisory lock, held
    /// until the report is saved), which another instance's pass does not wait for but passes the trust over; a later
    /// pass finds the day's report made. Without it each instance found no report and made one, the later superseding
    /// the earlier (thirty-seventh session).
    /// </summary>
    public async Task ReportAllAsync(CancellationToken cancellationToken)
    {
        var today = LondonClock.Today(Time);
        await using var db = systemDb.Create();
        var trusts = await db.Trusts.Select(t => t.Id).ToListAsync(cancellationToken);
        foreach (var trust in trusts)
        {
            await using var locked = systemDb.Create();
            await using var transaction = await locked.Database.BeginTransactionAsync(cancellationToken);
            var mine = await locked.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtextextended('retention-report ' || {trust}::text, 0)) AS \"Value\"").SingleAsync(cancellationToken);
            if (mine && !await db.RetentionRuns.AnyAsync(r => r.TrustId == trust && r.AsOf == today, cancellationToken))
            {
                await ReportAsync(trust, cancellationToken);
            }
        }
    }

    /// <summary>Reports what falls due now under the trust's schedule; an earlier report not acted on is superseded.</summary>
    public async Task<RetentionRun> ReportAsync(Guid trustId, CancellationToken cancellationToken)
    {
        var today = LondonClock.Today(Time);
        await using var db = systemDb.Create();
        var schedule = await ScheduleAsync(db, trustId, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var due = new StringBuilder();
        foreach (var category in Categories)
        {
            var count = await ScalarAsync(db, $"SELECT count(*) FROM {category.Table} WHERE {category.Due}", trustId, schedule.Cutoffs(today), cancellationToken);
            due.AppendLine($"{category.Name}: {count}");
        }

        await db.RetentionRuns.Where(r => r.TrustId == trustId && r.Status == RetentionRunStatus.Reported)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RetentionRunStatus.Superseded), cancellationToken);
        var run = RetentionRun.Report(today, schedule, due.ToString().TrimEnd(), Time.GetUtcNow());
        run.StampTrust(trustId);
        db.RetentionRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run;
    }

    /// <summary>
    /// A named person confirmed the report: everything due now is removed in one transaction, and the run records what
    /// was removed (and the cases, by id) and under which schedule. On any failure nothing is removed and the run says so.
    /// </summary>
    public async Task<RetentionRun> ApplyAsync(Guid trustId, Guid runId, Guid by, string byName, CancellationToken cancellationToken)
    {
        var today = LondonClock.Today(Time);
        try
        {
            await using var db = systemDb.Create();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var run = await db.RetentionRuns.SingleAsync(r => r.Id == runId && r.TrustId == trustId, cancellationToken);
            run.Confirm(by, byName, Time.GetUtcNow());
            var schedule = await ScheduleAsync(db, trustId, cancellationToken);
            var cutoffs = schedule.Cutoffs(today);
            await db.Database.ExecuteSqlRawAsync("SET LOCAL app.retention = 'on'", cancellationToken);
            var cases = await db.Database.SqlQueryRaw<Guid>($"SELECT id AS \"Value\" FROM arrangements WHERE id IN {DueCases}", Parameters(trustId, cutoffs)).ToListAsync(cancellationToken);
            var removed = new StringBuilder();
            foreach (var category in Categories)
            {
#pragma warning disable EF1002 // the statement is built only from this class's constant table names and conditions; values go as parameters
                var count = await db.Database.ExecuteSqlRawAsync($"DELETE FROM {category.Table} WHERE {category.Due}", Parameters(trustId, cutoffs));
#pragma warning restore EF1002
                removed.AppendLine($"{category.Name}: {count}");
            }

            if (cases.Count > 0)
            {
                removed.AppendLine($"Cases removed: {string.Join(", ", cases)}");
            }

            run.Complete(removed.ToString().TrimEnd());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Logger.LogInformation("Retention run {RunId} for trust {TrustId} completed", runId, trustId);
            return run;
        }
        catch (Exception e) when (e is not OperationCanceledException and not DomainRuleException)
        {
            Logger.LogError(e, "Retention run {RunId} failed; nothing was removed", runId);
            await using var db = systemDb.Create();
            var run = await db.RetentionRuns.SingleAsync(r => r.Id == runId && r.TrustId == trustId, CancellationToken.None);
            run.Fail(by, byName, Time.GetUtcNow(), $"The removal failed and nothing was removed ({(e is PostgresException p ? p.MessageText : "an unexpected error")}). Report again and retry; if it fails again, give this reference to IT: {runId}.");
            await db.SaveChangesAsync(CancellationToken.None);
            return run;
        }
    }

    public static async Task<RetentionSchedule> ScheduleAsync(AppDbContext db, Guid trustId, CancellationToken cancellationToken) =>
        (await db.RetentionSettings.AsNoTracking().SingleOrDefaultAsync(s => s.TrustId == trustId, cancellationToken))?.Schedule ?? RetentionSchedule.Default;

    private static object[] Parameters(Guid trustId, RetentionCutoffs c) =>
    [
        new NpgsqlParameter("t", trustId), new NpgsqlParameter("marks", c.MarksBefore), new NpgsqlParameter("born", c.BornBefore),
        new NpgsqlParameter("sendBorn", c.SendBornBefore), new NpgsqlParameter("audit", LondonClock.AtLondon(c.AuditBefore, TimeOnly.MinValue)),
        new NpgsqlParameter("emails", LondonClock.AtLondon(c.EmailsBefore, TimeOnly.MinValue)),
    ];

    private static async Task<long> ScalarAsync(AppDbContext db, string sql, Guid trustId, RetentionCutoffs cutoffs, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(Parameters(trustId, cutoffs));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
