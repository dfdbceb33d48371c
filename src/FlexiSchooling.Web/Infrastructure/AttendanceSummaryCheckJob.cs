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
/// lock not had within five seconds, the database gone) saves nothing and is tried again at the next pass.
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
    public async Task<SummaryDrift?> CheckTonightAsync(CancellationToken cancellationToken)
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

        var drift = await AttendanceSummaries.RepairDriftAsync(db, today, cancellationToken);
        var took = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO maintenance.attendance_summary_checks (checked_on, finished_at, weeks, years, pupils, took_ms)
            VALUES ({today}, {Time.GetUtcNow()}, {drift.Weeks}, {drift.Years}, {drift.Pupils.Count}, {took})
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (drift.Pupils.Count > 0)
        {
            // An error, for whoever watches the logs: marks were changed outside the application (or a save moved the
            // figures wrongly, which a test would have to find). The figures are right again; who changed the marks is not.
            Logger.LogError("The weekly and yearly attendance figures of {Pupils} pupils differed from their marks (weeks: {Weeks}, years: {Years}) and were counted again from them; marks changed outside the application leave them so (docs/operations.md)", drift.Pupils.Count, drift.Weeks, drift.Years);
        }
        else
        {
            Logger.LogInformation("The pupils' weekly and yearly attendance figures equal their marks ({Took} ms)", took);
        }

        return drift;
    }
}
