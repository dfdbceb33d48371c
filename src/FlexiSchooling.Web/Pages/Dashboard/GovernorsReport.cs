using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Dashboard;

/// <summary>A term of the school year, as the report's period: by name, from the earliest start to the latest end across the schools.</summary>
public sealed record ReportTerm(string Name, DateOnly From, DateOnly To);

/// <summary>One kind's cases in the term: asked for or proposed, started, ended, and running at its end.</summary>
public sealed record KindInTerm(ArrangementKind Kind, int Opened, int Started, int Ended, int RunningAtEnd, int Declined);

/// <summary>One school's attendance over the term, by its own thresholds.</summary>
public sealed record SchoolTermAttendance(string School, int Pupils, decimal? Percent, int Persistent);

/// <summary>
/// The governors' termly report (issue 13), for one school or the whole trust: arrangements of each kind started, running
/// and ended; scheduled reviews held on time; part-time durations; placements, providers and QA visits; off-site
/// directions; attendance with its weekly chart. Counts only — no pupil is named, because governors hold the school to
/// account for the arrangements, not for each child (UK GDPR art. 5(1)(c), data minimisation). The same rules as the
/// dashboard (<see cref="CaseWatch"/>) decide what is on time, overdue or running.
/// </summary>
public sealed record GovernorsReport(
    string Title,
    string Scope,
    ReportTerm Term,
    DateOnly AsAt,
    IReadOnlyList<KindInTerm> Kinds,
    int ReviewsDue,
    int ReviewsOnTime,
    int ReviewsLate,
    int ReviewsNotHeld,
    int FormalReviews,
    int PartTimeCount,
    decimal? PartTimeAverageWeeks,
    decimal? PartTimeLongestWeeks,
    int PartTimePastEnd,
    int PlacementsRunning,
    int ProvidersUsed,
    int VisitsHeld,
    int ProvidersNeedingAction,
    int DirectionsMade,
    int DirectionsApproved,
    int DirectionsRefused,
    IReadOnlyList<SchoolTermAttendance> Attendance,
    ChartData AttendanceByWeek)
{
    /// <summary>The terms the schools have, newest first, by name (the trust's schools share a term's name; their dates may differ by a day or two).</summary>
    public static async Task<IReadOnlyList<ReportTerm>> TermsAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, DateOnly today) =>
        [.. (await db.Terms.AsNoTracking().Where(t => schools.Contains(t.SchoolId) && t.StartDate <= today).Select(t => new { t.Name, t.StartDate, t.EndDate }).ToListAsync())
            .GroupBy(t => t.Name).Select(g => new ReportTerm(g.Key, g.Min(t => t.StartDate), g.Max(t => t.EndDate))).OrderByDescending(t => t.From)];

    public static async Task<GovernorsReport> LoadAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, string title, string scope, ReportTerm term, DateOnly today)
    {
        var ids = schools.Select(s => s.Id).ToList();
        // A term still running is reported as it stands today.
        var end = term.To < today ? term.To : today;
        bool InTerm(DateOnly? d) => d is { } day && day >= term.From && day <= end;

        var cases = await db.Arrangements.AsNoTracking().Where(a => ids.Contains(a.SchoolId))
            .Select(a => new { a.Id, a.Kind, a.Stage, a.RequestedOn, a.DecidedOn, a.Outcome, a.StartedOn, a.EndsOn }).ToListAsync();
        var kinds = Enum.GetValues<ArrangementKind>().Select(k =>
        {
            var of = cases.Where(c => c.Kind == k).ToList();
            return new KindInTerm(k,
                of.Count(c => InTerm(c.RequestedOn)),
                of.Count(c => InTerm(c.StartedOn)),
                of.Count(c => c.Stage == ArrangementStage.Ended && InTerm(c.EndsOn)),
                of.Count(c => c.Stage is ArrangementStage.Running or ArrangementStage.Ended && CaseWatch.RunningOn(c.StartedOn, c.EndsOn, end)),
                of.Count(c => c.Outcome == DecisionOutcome.Declined && InTerm(c.DecidedOn)));
        }).ToList();

        var reviews = await db.ArrangementReviews.AsNoTracking().Where(r => ids.Contains(r.SchoolId) && r.DueOn >= term.From && r.DueOn <= end)
            .Select(r => new { r.Kind, r.DueOn, r.HeldOn }).ToListAsync();
        var scheduled = reviews.Where(r => r.Kind == ReviewKind.Scheduled).ToList();

        // Part-time durations: each timetable that ran in the term, from its start to its last day (or the term's end).
        var partTime = cases.Where(c => c.Kind == ArrangementKind.PartTimeTimetable && c.StartedOn is { } s && s <= end && (c.EndsOn is null || c.EndsOn >= term.From)).ToList();
        var plans = await db.PartTimePlans.AsNoTracking().Where(p => ids.Contains(p.SchoolId)).Select(p => new { p.ArrangementId, p.EndDate }).ToDictionaryAsync(p => p.ArrangementId, p => p.EndDate);
        var weeks = partTime.Select(c => Math.Round(((c.EndsOn is { } e && e < end ? e : end).DayNumber - c.StartedOn!.Value.DayNumber + 1) / 7m, 1)).ToList();

        var placementsRunning = cases.Where(c => c.Kind == ArrangementKind.AlternativeProvision && c.StartedOn is { } ps && ps <= end && (c.EndsOn is null || c.EndsOn >= term.From)).Select(c => c.Id).ToList();
        var providers = await db.Placements.AsNoTracking().Where(p => placementsRunning.Contains(p.ArrangementId)).Select(p => p.ProviderId).Distinct().ToListAsync();
        var visits = await db.PlacementVisits.AsNoTracking().CountAsync(v => ids.Contains(v.SchoolId) && v.VisitedOn >= term.From && v.VisitedOn <= end);
        var standings = await Providers.ProviderSupport.StandingsAsync(db, today);

        var directions = await (from p in db.Placements.AsNoTracking()
                                join a in db.Arrangements.AsNoTracking() on p.ArrangementId equals a.Id
                                where ids.Contains(a.SchoolId) && p.OffSiteDirection && a.DecidedOn >= term.From && a.DecidedOn <= end
                                select a.Id).ToListAsync();
        var governors = await db.ArrangementConsents.AsNoTracking().Where(c => directions.Contains(c.ArrangementId) && c.Party == ConsentParty.GoverningBody)
            .Select(c => c.Answer).ToListAsync();

        // Attendance over the term's weeks, from the weekly summaries; persistent absence over the term per pupil.
        var fromWeek = AttendanceFigures.SummaryWeekOf(term.From);
        var schoolWeeks = await AttendanceSummaries.WeeklyAsync(db, ids, await TrustPicture.SchoolWeeksAsync(db, schools, term.From, end));
        var pupilTerm = await db.AttendancePupilWeeks.AsNoTracking().Where(w => ids.Contains(w.SchoolId) && w.WeekStart >= fromWeek && w.WeekStart <= end && w.Possible > 0)
            .GroupBy(w => new { w.SchoolId, w.PupilId })
            .Select(g => new { g.Key.SchoolId, Possible = g.Sum(w => w.Possible), Attending = g.Sum(w => w.Present + w.ApprovedActivity) }).ToListAsync();
        var attendance = new List<SchoolTermAttendance>();
        foreach (var school in schools)
        {
            var settings = (await SchoolRules.ProfileAsync(db, school.Id, end)).Settings.Attendance;
            var pupils = pupilTerm.Where(p => p.SchoolId == school.Id).ToList();
            var possible = pupils.Sum(p => p.Possible);
            attendance.Add(new SchoolTermAttendance(school.Name, pupils.Count, possible == 0 ? null : Math.Round(100m * pupils.Sum(p => p.Attending) / possible, 1),
                pupils.Count(p => new AttendanceFigures(p.Possible, p.Attending, 0, 0, 0, 0, 0).IsPersistentAbsence(settings))));
        }

        var shown = schoolWeeks.Where(w => w.Possible > 0).Select(w => w.WeekStart).Distinct().Order().ToList();
        var chart = TrustPicture.WeeklyChart(schools, shown, schoolWeeks, 4);

        return new GovernorsReport(title, scope, term, end, kinds,
            scheduled.Count,
            scheduled.Count(r => CaseWatch.ReviewHeldOnTime(r.Kind, r.DueOn, r.HeldOn)),
            scheduled.Count(r => r.HeldOn is not null && !CaseWatch.ReviewHeldOnTime(r.Kind, r.DueOn, r.HeldOn)),
            scheduled.Count(r => r.HeldOn is null && r.DueOn < today),
            reviews.Count(r => r.Kind == ReviewKind.Formal),
            partTime.Count,
            weeks.Count == 0 ? null : Math.Round(weeks.Average(), 1),
            weeks.Count == 0 ? null : weeks.Max(),
            partTime.Count(c => c.Stage == ArrangementStage.Running && plans.TryGetValue(c.Id, out var planEnd) && CaseWatch.PartTimePastEnd(planEnd, today)),
            placementsRunning.Count,
            providers.Count,
            visits,
            standings.Count(s => providers.Contains(s.Provider.Id) && TrustPicture.ProviderProblem(s) is not null),
            directions.Count,
            governors.Count(a => a == ConsentAnswer.Given),
            governors.Count(a => a == ConsentAnswer.Refused),
            attendance,
            chart);
    }
}
