using System.Diagnostics;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Each night, the pupils' weekly and yearly attendance figures checked against their marks, and those that differ counted
/// again (ADR 0057). A save moves the figures by its marks' changes rather than counting them again (ADR 0056), so a mark
/// written, corrected or taken away by hand in the database leaves its pupil's week and year wrong — on the dashboards, the
/// follow-up list and the reviews' attendance — until they are counted again; before this job, until someone remembered to.
/// Between 01:00 and 06:00 in England, when no register is being taken: the check reads every mark of this academic year
/// and the last. Every instance runs the job; a transaction-level advisory lock lets one check a night, and the night's row
/// in <c>maintenance.attendance_summary_checks</c>, written in the same transaction, says it is done. A failed check (a
/// lock not had within five seconds, the database gone) records nothing, and the night's check is made again at the next
/// pass (the trusts mended before the failure stay mended).
/// </summary>
public sealed class AttendanceSummaryCheckJob(SystemDb systemDb, TimeProvider time, ILogger<AttendanceSummaryCheckJob> logger)
    // Every half hour, the first a few minutes after start: two or more passes fall in each night's window.
    : PeriodicJob(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(5), time, logger)
{
    /// <summary>The night's window, in hours of the day in England: from 01:00 to before 06:00.</summary>
    public const int FromHour = 1, ToHour = 6;

    protected override Task PassAsync(CancellationToken cancellationToken) => CheckTonightAsync(cancellationToken);

    /// <summary>
    /// The night's check if it is night and none was made today: what it found (and counted again), or null when it did
    /// nothing (outside the window, done already, or being done by another instance).
    /// </summary>
    public async Task<SummaryCheck?> CheckTonightAsync(CancellationToken cancellationToken)
    {
        var now = LondonClock.Now(Time);
        if (now.Hour < FromHour || now.Hour >= ToHour)
        {
            return null;
        }

        var today = DateOnly.FromDateTime(now);
        var started = Stopwatch.GetTimestamp();
        await using var db = systemDb.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var mine = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtextextended('attendance-summary-check', 0)) AS \"Value\"").SingleAsync(cancellationToken);
        if (!mine || await db.Database.SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM maintenance.attendance_summary_checks WHERE checked_on = {today}) AS \"Value\"").SingleAsync(cancellationToken))
        {
            return null;
        }

        var check = await RepairEveryTrustAsync(systemDb, Time.GetUtcNow(), Logger, cancellationToken);
        var took = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO maintenance.attendance_summary_checks (checked_on, finished_at, trusts, weeks, years, pupils, took_ms)
            VALUES ({today}, {Time.GetUtcNow()}, {check.Trusts}, {check.Weeks}, {check.Years}, {check.Pupils}, {took})
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Logger.LogInformation("The night's check of the pupils' weekly and yearly attendance figures: those of {Pupils} pupils, in {Trusts} trusts, differed from their marks ({Took} ms)", check.Pupils, check.Trusts, took);
        return check;
    }

    /// <summary>
    /// <see cref="AttendanceSummaries.RepairDriftAsync"/> for each trust in turn, each in a transaction of its own (a trust
    /// mended stays mended if a later one fails); each trust whose figures differed logged as an error by name — marks were
    /// changed outside the application (or a save moved the figures wrongly, which a test would have to find): the figures
    /// are right again, who changed the marks is not known. The night's job, and <c>--repair-attendance-summaries</c>.
    /// </summary>
    public static async Task<SummaryCheck> RepairEveryTrustAsync(SystemDb systemDb, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        List<(Guid Id, string Name)> trusts;
        await using (var db = systemDb.Create())
        {
            trusts = [.. (await db.Trusts.OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken)).Select(t => (t.Id, t.Name))];
        }

        var check = new SummaryCheck(0, 0, 0, 0);
        foreach (var (id, name) in trusts)
        {
            await using var db = systemDb.Create();
            var drift = await AttendanceSummaries.RepairDriftAsync(db, id, now, cancellationToken);
            if (drift.Pupils.Count > 0)
            {
                logger.LogError("The weekly and yearly attendance figures of {Pupils} pupils of {Trust} ({TrustId}) differed from their marks (weeks: {Weeks}, years: {Years}) and were counted again from them; marks changed outside the application leave them so (docs/operations.md)", drift.Pupils.Count, name, id, drift.Weeks, drift.Years);
                check = new SummaryCheck(check.Trusts + 1, check.Weeks + drift.Weeks, check.Years + drift.Years, check.Pupils + drift.Pupils.Count);
            }
        }

        return check;
    }
}

/// <summary>What a night's check found over every trust: the trusts, weeks, years and pupils whose figures differed from the marks, and were counted again.</summary>
public sealed record SummaryCheck(int Trusts, int Weeks, int Years, int Pupils);
