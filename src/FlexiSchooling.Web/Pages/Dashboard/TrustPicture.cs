using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Dashboard;

/// <summary>What the dashboard counts per school; each count is the length of the list behind it.</summary>
public enum TrustMeasure
{
    Running,
    InProgress,
    ReviewOverdue,
    ReviewDueSoon,
    FormalReviewOpen,
    PartTimePastEnd,
    PartTimeEndingSoon,
    FlexiBelowThreshold,
    ProviderNeedsAction,
    PersistentAbsence,
    SevereAbsence,
}

/// <summary>The filter of the dashboard and its lists: a school, a kind, a year group, a vulnerable group (issue 13).</summary>
public sealed record TrustFilter(Guid? School, ArrangementKind? Kind, int? YearGroup, VulnerableGroup? Group)
{
    public static readonly TrustFilter None = new(null, null, null, null);

    public bool ByPupil => YearGroup is not null || Group is not null;

    public string Query(TrustMeasure? measure = null, Guid? school = null, ArrangementKind? kind = null)
    {
        var parts = new List<string>();
        if (measure is { } m)
        {
            parts.Add($"measure={m}");
        }

        if ((school ?? School) is { } s)
        {
            parts.Add($"school={s}");
        }

        if ((kind ?? Kind) is { } k)
        {
            parts.Add($"kind={k}");
        }

        if (YearGroup is { } y)
        {
            parts.Add($"year={y}");
        }

        if (Group is { } g)
        {
            parts.Add($"group={g}");
        }

        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}

/// <summary>One pupil behind a number: the case (if any), what the measure found, and its date.</summary>
public sealed record TrustItem(TrustMeasure Measure, Guid SchoolId, Guid PupilId, string Pupil, string Upn, int YearGroup, PupilFlags Flags, ArrangementKind? Kind, Guid? CaseId, string Detail, DateOnly? Date);

/// <summary>One school's attendance as the dashboard shows it (the trust view, by the school's own thresholds).</summary>
public sealed record SchoolFigures(Guid SchoolId, string School, int Pupils, decimal? Percent, int Persistent, int Severe);

/// <summary>One chart's numbers: a label per column, a named row of values per series.</summary>
public sealed record ChartData(IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series);

/// <summary>
/// The trust's picture (issue 13): per school, the cases by kind and stage, reviews overdue and due soon, formal reviews
/// open, part-time timetables past or near their end, flexi pupils below their school's threshold, placements at providers
/// needing action, and attendance; with the weekly attendance trend, arrangements over time and reviews on time. Every
/// case count is the number of <see cref="TrustItem"/>s behind it, judged by <see cref="CaseWatch"/> and the domain's
/// rules, so a number and its list never differ. Read set-wise: one query per kind of record, never one per case.
/// </summary>
public sealed class TrustPicture
{
    /// <summary>How many school weeks the attendance trend shows.</summary>
    public const int TrendWeeks = 8;

    public required IReadOnlyList<SchoolSummary> Schools { get; init; }

    public required TrustFilter Filter { get; init; }

    public required IReadOnlyList<TrustItem> Items { get; init; }

    /// <summary>The trust's providers with checks overdue, incomplete or in breach (providers are the trust's, not a school's).</summary>
    public required int ProvidersNeedingAction { get; init; }

    public required IReadOnlyList<SchoolFigures> Attendance { get; init; }

    public required ChartData AttendanceTrend { get; init; }

    public required ChartData ArrangementsOverTime { get; init; }

    public required ChartData ReviewsOnTime { get; init; }

    /// <summary>How long each read took, in milliseconds: sent as the page's Server-Timing header, read by the benchmark.</summary>
    public required IReadOnlyList<(string Phase, double Milliseconds)> Timings { get; init; }

    private Dictionary<(TrustMeasure Measure, Guid School, ArrangementKind? Kind), int>? counts;

    /// <summary>How many items a measure has, at a school or all of them, of a kind or every kind: counted from the items once per page.</summary>
    public int Count(TrustMeasure measure, Guid? school = null, ArrangementKind? kind = null)
    {
        counts ??= Items.CountBy(i => (i.Measure, i.SchoolId, i.Kind)).ToDictionary();
        return counts.Where(c => c.Key.Measure == measure && (school == null || c.Key.School == school) && (kind == null || c.Key.Kind == kind)).Sum(c => c.Value);
    }

    public static string Label(TrustMeasure measure) => measure switch
    {
        TrustMeasure.Running => "Running",
        TrustMeasure.InProgress => "In progress (asked for, proposed or agreed, not yet started)",
        TrustMeasure.ReviewOverdue => "Reviews overdue",
        TrustMeasure.ReviewDueSoon => $"Reviews due in the next {CaseWatch.SoonDays} days",
        TrustMeasure.FormalReviewOpen => "Formal reviews raised and not yet held",
        TrustMeasure.PartTimePastEnd => "Part-time timetables past their end date",
        TrustMeasure.PartTimeEndingSoon => $"Part-time timetables ending in the next {CaseWatch.SoonDays} days",
        TrustMeasure.FlexiBelowThreshold => "Flexi-schooled pupils below their formal review threshold at the agreed school sessions",
        TrustMeasure.ProviderNeedsAction => "Placements at a provider with checks overdue, incomplete or in breach",
        TrustMeasure.PersistentAbsence => "Persistently absent pupils",
        TrustMeasure.SevereAbsence => "Severely absent pupils",
    };

    /// <summary>The schools a user's dashboard covers: those where they see cases, or the one chosen among them.</summary>
    public static IReadOnlyList<SchoolSummary> SchoolsFor(CurrentUser user, TrustFilter filter)
    {
        var allowed = user.SchoolsWhere(Domain.Security.Permission.ViewArrangements).ToHashSet();
        return [.. user.Schools.Where(s => allowed.Contains(s.Id) && (filter.School is null || filter.School == s.Id)).OrderBy(s => s.Name)];
    }

    /// <param name="withAttendance">False for a list of cases, which needs neither the attendance figures nor the charts' trend.</param>
    public static async Task<TrustPicture> LoadAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, TrustFilter filter, DateOnly today, bool withAttendance = true)
    {
        var ids = schools.Select(s => s.Id).ToList();
        var year = AcademicYear.Containing(today);
        var timings = new List<(string, double)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Lap(string phase)
        {
            timings.Add((phase, clock.Elapsed.TotalMilliseconds));
            clock.Restart();
        }

        // Attendance (the yearly view and the weekly trend) is read on a second connection while the cases are read on this
        // one: the two share nothing, and PostgreSQL works on both at once.
        var pupils = PupilsFor(db, ids, filter);
        var pupilIds = filter.ByPupil ? await pupils.Select(p => p.Id).ToListAsync() : null;
        var attendanceRead = withAttendance ? AttendanceAndTrendAsync(db, schools, year, today, pupilIds) : Task.FromResult<(IReadOnlyList<SchoolFigures>, ChartData)>(([], new ChartData([], [])));
        var cases = await CasesAsync(db, ids, filter);
        Lap("cases");
        var items = new List<TrustItem>();
        items.AddRange(cases.Where(c => c.Stage == ArrangementStage.Running).Select(c => c.Item(TrustMeasure.Running, c.StartedOn is { } on ? $"Running since {on:d MMM yyyy}" : "Running", c.StartedOn)));
        items.AddRange(cases.Where(c => CaseWatch.InProgress(c.Stage)).Select(c => c.Item(TrustMeasure.InProgress, StageLabel(c.Stage), c.RequestedOn)));

        var running = cases.Where(c => c.Stage == ArrangementStage.Running).ToDictionary(c => c.Id);
        var runningIds = running.Keys.ToList();
        // The flexi pupils below their threshold are read on a connection of their own while the reviews, the part-time
        // plans, the providers and the charts are read on this one (and the attendance on a third): they share nothing but
        // the cases already read. Their items take their place in the list after the part-time ones, as if read in turn.
        var flexiRead = FlexiBelowThresholdAsync(db, ids, [.. running.Values.Where(c => c.Kind == ArrangementKind.FlexiSchooling && c.StartedOn is not null)], today);
        // Only the reviews not yet held can be overdue, due soon or open (a few hundred); the on-time chart counts the year's
        // reviews below, grouped by their dates. Reading the year's every review (6,000 rows) cost more than all the rest.
        var reviews = await db.ArrangementReviews.AsNoTracking()
            .Where(r => ids.Contains(r.SchoolId) && r.HeldOn == null)
            .Select(r => new { r.ArrangementId, r.Kind, r.DueOn, r.HeldOn }).ToListAsync();
        Lap("reviews");
        foreach (var r in reviews.Where(r => running.ContainsKey(r.ArrangementId)))
        {
            var c = running[r.ArrangementId];
            if (CaseWatch.ReviewOverdue(r.Kind, r.DueOn, r.HeldOn, today))
            {
                items.Add(c.Item(TrustMeasure.ReviewOverdue, $"Review due {r.DueOn:d MMM yyyy}", r.DueOn));
            }
            else if (CaseWatch.ReviewDueSoon(r.Kind, r.DueOn, r.HeldOn, today))
            {
                items.Add(c.Item(TrustMeasure.ReviewDueSoon, $"Review due {r.DueOn:d MMM yyyy}", r.DueOn));
            }
            else if (CaseWatch.FormalReviewOpen(r.Kind, r.HeldOn))
            {
                items.Add(c.Item(TrustMeasure.FormalReviewOpen, "Formal review raised", r.DueOn));
            }
        }

        var plans = await db.PartTimePlans.AsNoTracking().Where(p => runningIds.Contains(p.ArrangementId)).Select(p => new { p.ArrangementId, p.EndDate }).ToListAsync();
        foreach (var p in plans)
        {
            var c = running[p.ArrangementId];
            if (CaseWatch.PartTimePastEnd(p.EndDate, today))
            {
                items.Add(c.Item(TrustMeasure.PartTimePastEnd, $"Ended {p.EndDate:d MMM yyyy} by its plan", p.EndDate));
            }
            else if (CaseWatch.PartTimeEndingSoon(p.EndDate, today))
            {
                items.Add(c.Item(TrustMeasure.PartTimeEndingSoon, $"Ends {p.EndDate:d MMM yyyy}", p.EndDate));
            }
        }

        Lap("part-time");
        var flexiAt = items.Count;
        var placements = running.Values.Where(c => c.Kind == ArrangementKind.AlternativeProvision).Select(c => c.Id).ToList();
        var standings = (await Providers.ProviderSupport.StandingsAsync(db, today)).ToDictionary(s => s.Provider.Id);
        if (placements.Count > 0)
        {
            var providerOf = await db.Placements.AsNoTracking().Where(p => placements.Contains(p.ArrangementId)).ToDictionaryAsync(p => p.ArrangementId, p => p.ProviderId);
            foreach (var (caseId, providerId) in providerOf)
            {
                if (standings.GetValueOrDefault(providerId) is { } standing && ProviderProblem(standing) is { } problem)
                {
                    items.Add(running[caseId].Item(TrustMeasure.ProviderNeedsAction, $"{standing.Provider.Name}: {problem}", null));
                }
            }
        }

        Lap("providers");
        var caseIds = cases.Select(c => c.Id).ToList();
        var overTime = OverTime(cases, year, today);
        var onTime = OnTime(await ReviewDatesAsync(db, ids, filter, caseIds, year, today), year, today);
        Lap("charts");
        var (attendance, trend) = await attendanceRead;
        Lap("attendance-wait");
        var (flexiItems, flexiMilliseconds) = await flexiRead;
        items.InsertRange(flexiAt, flexiItems);
        Lap("flexi-wait");
        timings.Add(("flexi", flexiMilliseconds));
        return new TrustPicture
        {
            Schools = schools,
            Filter = filter,
            Items = items,
            ProvidersNeedingAction = standings.Values.Count(s => ProviderProblem(s) is not null),
            Attendance = attendance,
            AttendanceTrend = trend,
            ArrangementsOverTime = overTime,
            ReviewsOnTime = onTime,
            Timings = timings,
        };
    }

    /// <summary>
    /// 000 §7 / 003 Flexi-Schooling Protocol §7: the running flexi cases whose pupil is below the threshold of the profile
    /// the case was decided under, at the agreed school sessions since the start or since the last formal review was held
    /// — the formal review rule's own period (FlexiReviews.TriggerFiguresAsync), counted for every case at once from the
    /// weekly summaries (<see cref="AttendanceSummaries.SinceAsync"/>). Read on a context of its own (see <see cref="LoadAsync"/>);
    /// with how long the read took, for the page's Server-Timing.
    /// </summary>
    private static async Task<(List<TrustItem> Items, double Milliseconds)> FlexiBelowThresholdAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, IReadOnlyList<CaseRow> flexi, DateOnly today)
    {
        var items = new List<TrustItem>();
        if (flexi.Count == 0)
        {
            return (items, 0);
        }

        await Task.Yield(); // let the caller go on with its own reads at once
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var sibling = db.Sibling();
        var flexiIds = flexi.Select(c => c.Id).ToList();
        var lastFormal = await sibling.ArrangementReviews.AsNoTracking()
            .Where(r => schools.Contains(r.SchoolId) && flexiIds.Contains(r.ArrangementId) && r.Kind == ReviewKind.Formal && r.HeldOn != null)
            .GroupBy(r => r.ArrangementId).Select(g => new { g.Key, Held = g.Max(r => r.HeldOn) })
            .ToDictionaryAsync(g => g.Key, g => g.Held);
        var periods = flexi.ToDictionary(c => c.Id, c => ArrangementReview.PeriodStart(c.StartedOn!.Value, lastFormal.GetValueOrDefault(c.Id)));
        var since = await AttendanceSummaries.SinceAsync(sibling, [.. flexi.Select(c => (c.PupilId, periods[c.Id]))], today);
        foreach (var c in flexi)
        {
            var settings = (c.ProfileVersionId is { } version ? await SchoolRules.ProfileVersionAsync(sibling, c.SchoolId, version) : await SchoolRules.ProfileAsync(sibling, c.SchoolId, today)).Settings.Flexi;
            var from = periods[c.Id];
            if (since.GetValueOrDefault((c.PupilId, from)) is { } figures && Domain.Flexi.FlexiRules.FormalReviewDue(figures, settings))
            {
                var period = lastFormal.ContainsKey(c.Id) ? $"since the formal review held on {from.AddDays(-1):d MMM yyyy}" : $"since the start on {from:d MMM yyyy}";
                items.Add(c.Item(TrustMeasure.FlexiBelowThreshold, $"{figures.AdjustedPercent:0.0}% of agreed school sessions {period} (threshold {settings.FormalReviewBelowPercent:0.##}%)", from));
            }
        }

        return (items, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// The pupils behind a persistent or severe absence count: from the yearly summaries, by each school's own thresholds.
    /// Only the pupils at or below the loosest school's threshold are read (a few thousand of a large trust's 30,000), and
    /// only their names; each school's own rule then decides.
    /// </summary>
    public static async Task<IReadOnlyList<TrustItem>> AbsenceAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, TrustFilter filter, TrustMeasure measure, DateOnly today)
    {
        var year = AcademicYear.Containing(today);
        var ids = schools.Select(s => s.Id).ToList();
        var settings = new Dictionary<Guid, Domain.Policy.AttendanceSettings>();
        foreach (var school in ids)
        {
            settings[school] = (await SchoolRules.ProfileAsync(db, school, today)).Settings.Attendance;
        }

        bool Found(AttendanceFigures figures, Domain.Policy.AttendanceSettings s) => measure == TrustMeasure.PersistentAbsence ? figures.IsPersistentAbsence(s) : figures.IsSevereAbsence(s);
        var loosest = settings.Values.Select(s => measure == TrustMeasure.PersistentAbsence ? s.PersistentAbsenceAtOrBelowPercent : s.SevereAbsenceAtOrBelowPercent).DefaultIfEmpty(0).Max();
        var found = (await AttendanceSummaries.PerPupilForYearAsync(db, ids, year, attendingAtOrBelowPercent: loosest))
            .Where(r => Found(r.Figures, settings[r.SchoolId])).ToList();
        var pupilIds = found.Select(r => r.PupilId).Distinct().ToList();
        var wanted = await PupilsFor(db, ids, filter).Where(p => pupilIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Upn, p.LegalSurname, p.LegalForename, p.PreferredForename, p.YearGroup, p.Flags }).ToDictionaryAsync(p => p.Id);
        var items = new List<TrustItem>();
        foreach (var (schoolId, pupilId, figures) in found)
        {
            if (wanted.GetValueOrDefault(pupilId) is { } p)
            {
                items.Add(new TrustItem(measure, schoolId, pupilId, $"{p.LegalSurname}, {p.PreferredForename ?? p.LegalForename}", p.Upn, p.YearGroup, p.Flags, null, null,
                    $"{figures.Percent:0.0}% ({figures.Attending} of {figures.Possible} sessions)", null));
            }
        }

        return [.. items.OrderBy(i => i.Pupil)];
    }

    /// <summary>Why a provider needs action: a registration-rule breach (004 §7.2), checks overdue or incomplete (§7.8–7.9).</summary>
    public static string? ProviderProblem(Providers.ProviderStanding standing) =>
        standing.Breach is { } breach ? $"registration rule breached ({breach})"
        : standing.Checks.Items.Any(i => i.Overdue) ? "checks overdue"
        : !standing.Checks.Complete ? "checks incomplete"
        : null;

    private static string StageLabel(ArrangementStage stage) => stage switch
    {
        ArrangementStage.Requested => "Requested",
        ArrangementStage.MeetingHeld => "Meeting held, decision due",
        ArrangementStage.Proposed => "Proposed",
        ArrangementStage.Agreed => "Agreed, not yet started",
        _ => stage.ToString(),
    };

    private static IQueryable<Pupil> PupilsFor(AppDbContext db, IReadOnlyCollection<Guid> schools, TrustFilter filter)
    {
        var pupils = db.Pupils.AsNoTracking().Where(p => schools.Contains(p.SchoolId));
        if (filter.YearGroup is { } yearGroup)
        {
            pupils = pupils.Where(p => p.YearGroup == yearGroup);
        }

        if (filter.Group is { } group)
        {
            pupils = pupils.Where(VulnerableGroups.Where(group));
        }

        return pupils;
    }

    private sealed record CaseRow(Guid Id, Guid SchoolId, Guid PupilId, string Pupil, string Upn, int YearGroup, PupilFlags Flags, ArrangementKind Kind, ArrangementStage Stage, DateOnly RequestedOn, DateOnly? StartedOn, DateOnly? EndsOn, Guid? ProfileVersionId)
    {
        public TrustItem Item(TrustMeasure measure, string detail, DateOnly? date) => new(measure, SchoolId, PupilId, Pupil, Upn, YearGroup, Flags, Kind, Id, detail, date);
    }

    /// <summary>
    /// The schools' cases with their pupils: the cases first (a few per school), then their pupils by key. One join let
    /// PostgreSQL hash the trust's every pupil (30,000 rows read for 1,500 cases: 18 ms of the dashboard's 40).
    /// </summary>
    private static async Task<List<CaseRow>> CasesAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, TrustFilter filter)
    {
        var arrangements = await db.Arrangements.AsNoTracking().Where(a => schools.Contains(a.SchoolId) && (filter.Kind == null || a.Kind == filter.Kind))
            .Select(a => new { a.Id, a.SchoolId, a.PupilId, a.Kind, a.Stage, a.RequestedOn, a.StartedOn, a.EndsOn, a.ProfileVersionId }).ToListAsync();
        var ids = arrangements.Select(a => a.PupilId).Distinct().ToList();
        var pupils = await PupilsFor(db, schools, filter).Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, Name = p.LegalSurname + ", " + (p.PreferredForename ?? p.LegalForename), p.LegalSurname, p.LegalForename, p.Upn, p.YearGroup, p.Flags })
            .ToDictionaryAsync(p => p.Id);
        // Ordered as PostgreSQL's C collation orders them (a culture's comparison costs more than both reads together).
        return [.. arrangements.Where(a => pupils.ContainsKey(a.PupilId))
            .Select(a => (a, p: pupils[a.PupilId]))
            .OrderBy(x => x.p.LegalSurname, StringComparer.Ordinal).ThenBy(x => x.p.LegalForename, StringComparer.Ordinal)
            .Select(x => new CaseRow(x.a.Id, x.a.SchoolId, x.a.PupilId, x.p.Name, x.p.Upn, x.p.YearGroup, x.p.Flags, x.a.Kind, x.a.Stage, x.a.RequestedOn, x.a.StartedOn, x.a.EndsOn, x.a.ProfileVersionId))];
    }

    /// <summary>The yearly view and the weekly trend, on a context of their own (see <see cref="LoadAsync"/>).</summary>
    private static async Task<(IReadOnlyList<SchoolFigures>, ChartData)> AttendanceAndTrendAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, AcademicYear year, DateOnly today, IReadOnlyCollection<Guid>? pupils)
    {
        await Task.Yield(); // let the caller start its own reads at once
        await using var sibling = db.Sibling();
        return (await AttendanceAsync(sibling, schools, year, today, pupils), await TrendAsync(sibling, schools, today, pupils));
    }

    private static async Task<IReadOnlyList<SchoolFigures>> AttendanceAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, AcademicYear year, DateOnly today, IReadOnlyCollection<Guid>? pupils)
    {
        var settings = new List<(Guid, Domain.Policy.AttendanceSettings)>();
        foreach (var school in schools)
        {
            settings.Add((school.Id, (await SchoolRules.ProfileAsync(db, school.Id, today)).Settings.Attendance));
        }

        var view = await AttendanceSummaries.TrustViewAsync(db, settings, year, default, pupils);
        return [.. schools.Zip(view, (s, v) => new SchoolFigures(s.Id, s.Name, v.Pupils, v.Percent, v.Persistent, v.Severe))];
    }

    /// <summary>The last <see cref="TrendWeeks"/> weeks with sessions, per school and for all of them together.</summary>
    private static async Task<ChartData> TrendAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, DateOnly today, IReadOnlyCollection<Guid>? pupils)
    {
        var shown = (await SchoolWeeksAsync(db, schools, today.AddDays(-7 * (TrendWeeks + 10)), today)).TakeLast(TrendWeeks).ToList();
        var weeks = await AttendanceSummaries.WeeklyAsync(db, [.. schools.Select(s => s.Id)], shown, pupils);
        return WeeklyChart(schools, shown, weeks, int.MaxValue);
    }

    /// <summary>
    /// Attendance week by week as a chart's numbers: the schools together, then each school while there are at most
    /// <paramref name="mostSchools"/> of them — for the dashboard's trend and the governors' report alike.
    /// </summary>
    public static ChartData WeeklyChart(IReadOnlyList<SchoolSummary> schools, IReadOnlyList<DateOnly> shown, IReadOnlyList<SchoolWeek> weeks, int mostSchools)
    {
        static decimal? Percent(IEnumerable<SchoolWeek> ws) => ws.Sum(w => w.Possible) is var possible and > 0 ? Math.Round(100m * ws.Sum(w => w.Attending) / possible, 1) : null;
        var series = new List<ChartSeries> { new(schools.Count == 1 ? schools[0].Name : "All schools", [.. shown.Select(week => Percent(weeks.Where(w => w.WeekStart == week)))]) };
        if (schools.Count > 1 && schools.Count <= mostSchools)
        {
            series.AddRange(schools.Select(s => new ChartSeries(s.Name, [.. shown.Select(week => Percent(weeks.Where(w => w.WeekStart == week && w.SchoolId == s.Id)))])));
        }

        return new ChartData([.. shown.Select(w => $"{w:d MMM}")], series);
    }

    /// <summary>The summary weeks (<see cref="AttendanceFigures.SummaryWeekOf"/>) with a school day at any of the schools between two dates, in order.</summary>
    public static async Task<IReadOnlyList<DateOnly>> SchoolWeeksAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, DateOnly from, DateOnly to)
    {
        var weeks = new SortedSet<DateOnly>();
        foreach (var school in schools)
        {
            foreach (var day in (await SchoolRules.CalendarAsync(db, school.Id)).SchoolDaysBetween(from, to))
            {
                weeks.Add(AttendanceFigures.SummaryWeekOf(day));
            }
        }

        return [.. weeks];
    }

    /// <summary>Cases running at the end of each month of the school year so far (the last point: today), by kind.</summary>
    private static ChartData OverTime(IReadOnlyList<CaseRow> cases, AcademicYear year, DateOnly today)
    {
        var days = new List<DateOnly>();
        for (var month = year.Start; month <= today; month = month.AddMonths(1))
        {
            var end = month.AddMonths(1).AddDays(-1);
            days.Add(end < today ? end : today);
        }

        var kinds = cases.Select(c => c.Kind).Distinct().Order().ToList();
        return new ChartData([.. days.Select(d => d == today ? $"{d:d MMM}" : $"{d:MMM}")],
            [.. kinds.Select(k => new ChartSeries(ArrangementKinds.Label(k), [.. days.Select(d => (decimal?)cases.Count(c => c.Kind == k && c.Stage is ArrangementStage.Running or ArrangementStage.Ended && CaseWatch.RunningOn(c.StartedOn, c.EndsOn, d)))]))]);
    }

    /// <summary>
    /// The school year's reviews due before today, as how many share each kind, due date and held date: reviews cluster
    /// on a few dates, so the chart reads a few hundred groups, not every review; <see cref="CaseWatch"/> then judges each
    /// group once. The cases' own filter (kind, year group, vulnerable group) applies through their ids.
    /// </summary>
    private static async Task<List<(ReviewKind Kind, DateOnly DueOn, DateOnly? HeldOn, int Count)>> ReviewDatesAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, TrustFilter filter, IReadOnlyCollection<Guid> cases, AcademicYear year, DateOnly today)
    {
        var reviews = db.ArrangementReviews.AsNoTracking().Where(r => schools.Contains(r.SchoolId) && r.DueOn >= year.Start && r.DueOn < today);
        if (filter.Kind is not null || filter.ByPupil)
        {
            reviews = reviews.Where(r => cases.Contains(r.ArrangementId));
        }

        var groups = await reviews.GroupBy(r => new { r.Kind, r.DueOn, r.HeldOn }).Select(g => new { g.Key.Kind, g.Key.DueOn, g.Key.HeldOn, Count = g.Count() }).ToListAsync();
        return [.. groups.Select(g => (g.Kind, g.DueOn, g.HeldOn, g.Count))];
    }

    /// <summary>Scheduled reviews due in each month of the school year so far: held on time, held late, or overdue and not held.</summary>
    private static ChartData OnTime(IEnumerable<(ReviewKind Kind, DateOnly DueOn, DateOnly? HeldOn, int Count)> reviews, AcademicYear year, DateOnly today)
    {
        var due = reviews.Where(r => r.Kind == ReviewKind.Scheduled && r.DueOn >= year.Start && r.DueOn < today).ToList();
        var months = new List<DateOnly>();
        for (var month = year.Start; month <= today; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        IReadOnlyList<decimal?> In(Func<(ReviewKind Kind, DateOnly DueOn, DateOnly? HeldOn, int Count), bool> which) =>
            [.. months.Select(m => (decimal?)due.Where(r => r.DueOn.Year == m.Year && r.DueOn.Month == m.Month && which(r)).Sum(r => r.Count))];
        return new ChartData([.. months.Select(m => $"{m:MMM}")],
        [
            new("Held on time", In(r => CaseWatch.ReviewHeldOnTime(r.Kind, r.DueOn, r.HeldOn))),
            new("Held late", In(r => r.HeldOn is not null && !CaseWatch.ReviewHeldOnTime(r.Kind, r.DueOn, r.HeldOn))),
            new("Overdue, not held", In(r => CaseWatch.ReviewOverdue(r.Kind, r.DueOn, r.HeldOn, today))),
        ]);
    }
}
