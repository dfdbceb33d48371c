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

    public int Count(TrustMeasure measure, Guid? school = null, ArrangementKind? kind = null) =>
        Items.Count(i => i.Measure == measure && (school == null || i.SchoolId == school) && (kind == null || i.Kind == kind));

    public static string Label(TrustMeasure measure) => measure switch
    {
        TrustMeasure.Running => "Running",
        TrustMeasure.InProgress => "In progress (asked for, proposed or agreed, not yet started)",
        TrustMeasure.ReviewOverdue => "Reviews overdue",
        TrustMeasure.ReviewDueSoon => $"Reviews due in the next {CaseWatch.SoonDays} days",
        TrustMeasure.FormalReviewOpen => "Formal reviews raised and not yet held",
        TrustMeasure.PartTimePastEnd => "Part-time timetables past their end date",
        TrustMeasure.PartTimeEndingSoon => $"Part-time timetables ending in the next {CaseWatch.SoonDays} days",
        TrustMeasure.FlexiBelowThreshold => "Flexi-schooled pupils below their school's attendance threshold",
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
        var cases = await CasesAsync(db, ids, filter, year);
        Lap("cases");
        var items = new List<TrustItem>();
        items.AddRange(cases.Where(c => c.Stage == ArrangementStage.Running).Select(c => c.Item(TrustMeasure.Running, c.StartedOn is { } on ? $"Running since {on:d MMM yyyy}" : "Running", c.StartedOn)));
        items.AddRange(cases.Where(c => CaseWatch.InProgress(c.Stage)).Select(c => c.Item(TrustMeasure.InProgress, StageLabel(c.Stage), c.RequestedOn)));

        var running = cases.Where(c => c.Stage == ArrangementStage.Running).ToDictionary(c => c.Id);
        foreach (var c in running.Values)
        {
            foreach (var r in c.Reviews)
            {
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

            if (c.Kind == ArrangementKind.PartTimeTimetable && c.PlanEnd is { } end)
            {
                if (CaseWatch.PartTimePastEnd(end, today))
                {
                    items.Add(c.Item(TrustMeasure.PartTimePastEnd, $"Ended {end:d MMM yyyy} by its plan", end));
                }
                else if (CaseWatch.PartTimeEndingSoon(end, today))
                {
                    items.Add(c.Item(TrustMeasure.PartTimeEndingSoon, $"Ends {end:d MMM yyyy}", end));
                }
            }
        }

        // 000 §7 / 003 §7: a flexi pupil below the school's threshold at the agreed school sessions, over this school year.
        var flexiSettings = new Dictionary<Guid, Domain.Policy.FlexiSettings>();
        foreach (var c in running.Values.Where(c => c.Kind == ArrangementKind.FlexiSchooling))
        {
            if (!flexiSettings.TryGetValue(c.SchoolId, out var settings))
            {
                settings = flexiSettings[c.SchoolId] = (await SchoolRules.ProfileAsync(db, c.SchoolId, today)).Settings.Flexi;
            }

            if (c.Year is { } figures && Domain.Flexi.FlexiRules.FormalReviewDue(figures, settings))
            {
                items.Add(c.Item(TrustMeasure.FlexiBelowThreshold, $"{figures.AdjustedPercent:0.0}% of agreed school sessions this school year (threshold {settings.FormalReviewBelowPercent:0.##}%)", null));
            }
        }

        Lap("flexi");
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
        var (attendance, trend) = await attendanceRead;
        Lap("attendance-wait");
        var overTime = OverTime(cases, year, today);
        var onTime = OnTime(cases.SelectMany(c => c.Reviews), year, today);
        Lap("charts");
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

    /// <summary>The pupils behind a persistent or severe absence count: from the yearly summaries, by each school's own thresholds.</summary>
    public static async Task<IReadOnlyList<TrustItem>> AbsenceAsync(AppDbContext db, IReadOnlyList<SchoolSummary> schools, TrustFilter filter, TrustMeasure measure, DateOnly today)
    {
        var year = AcademicYear.Containing(today);
        var ids = schools.Select(s => s.Id).ToList();
        var wanted = await PupilsFor(db, ids, filter).Select(p => new { p.Id, p.Upn, p.LegalSurname, p.LegalForename, p.PreferredForename, p.YearGroup, p.Flags }).ToDictionaryAsync(p => p.Id);
        var items = new List<TrustItem>();
        foreach (var (schoolId, pupilId, figures) in await AttendanceSummaries.PerPupilForYearAsync(db, ids, year))
        {
            var settings = (await SchoolRules.ProfileAsync(db, schoolId, today)).Settings.Attendance;
            var found = measure == TrustMeasure.PersistentAbsence ? figures.IsPersistentAbsence(settings) : figures.IsSevereAbsence(settings);
            if (found && wanted.GetValueOrDefault(pupilId) is { } p)
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

    private sealed record CaseRow(Guid Id, Guid SchoolId, Guid PupilId, string Pupil, string Upn, int YearGroup, PupilFlags Flags, ArrangementKind Kind, ArrangementStage Stage,
        DateOnly RequestedOn, DateOnly? StartedOn, DateOnly? EndsOn, IReadOnlyList<(ReviewKind Kind, DateOnly DueOn, DateOnly? HeldOn)> Reviews, DateOnly? PlanEnd, AttendanceFigures? Year)
    {
        public TrustItem Item(TrustMeasure measure, string detail, DateOnly? date) => new(measure, SchoolId, PupilId, Pupil, Upn, YearGroup, Flags, Kind, Id, detail, date);
    }

    // Every case of the schools with its pupil, its reviews due this school year or not yet held, its part-time plan's end and
    // (for a running flexi case) the pupil's yearly figures: one command, one row per case. Row-level security keeps it to the
    // trust; the schools are those the user may see.
    private const string CaseFacts = """
        SELECT a.id, a.school_id, a.pupil_id, p.legal_surname || ', ' || coalesce(p.preferred_forename, p.legal_forename), p.upn, p.year_group,
               p.ehcp, p.looked_after, p.has_social_worker, p.child_protection_plan, p.child_in_need_plan, p.sen_support, p.free_school_meals, p.pupil_premium,
               a.kind, a.stage, a.requested_on, a.started_on, a.ends_on,
               r.kinds, r.due, r.held, t.end_date,
               y.possible, y.present, y.approved_activity, y.authorised, y.unauthorised, y.expected_possible, y.expected_attended
          FROM arrangements a
          JOIN pupils p ON p.id = a.pupil_id
          LEFT JOIN LATERAL (SELECT array_agg(v.kind::text) AS kinds, array_agg(v.due_on) AS due, array_agg(v.held_on) AS held
                               FROM arrangement_reviews v WHERE v.arrangement_id = a.id AND (v.due_on >= @year OR v.held_on IS NULL)) r ON true
          LEFT JOIN part_time_plans t ON t.arrangement_id = a.id
          LEFT JOIN attendance_pupil_years y ON a.kind = 'FlexiSchooling' AND a.stage = 'Running' AND y.pupil_id = a.pupil_id AND y.school_id = a.school_id AND y.year_start = @year
         WHERE a.school_id = ANY(@schools)
         ORDER BY p.legal_surname, p.legal_forename
        """;

    /// <summary>The schools' cases with all the dashboard judges them by, filtered by kind, year group and vulnerable group (the one definition, <see cref="VulnerableGroups"/>).</summary>
    private static async Task<List<CaseRow>> CasesAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, TrustFilter filter, AcademicYear year)
    {
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync();
        }

        var rows = new List<CaseRow>();
        try
        {
            await using var command = new Npgsql.NpgsqlCommand(CaseFacts, connection);
            command.Parameters.AddWithValue("schools", schools.ToArray());
            command.Parameters.AddWithValue("year", year.Start);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var flags = new PupilFlags(reader.GetBoolean(6), reader.GetBoolean(7), reader.GetBoolean(8), reader.GetBoolean(9), reader.GetBoolean(10), reader.GetBoolean(11), reader.GetBoolean(12), reader.GetBoolean(13));
                var kind = Enum.Parse<ArrangementKind>(reader.GetString(14));
                if ((filter.Kind is { } k && k != kind) || (filter.YearGroup is { } yg && yg != reader.GetInt32(5)) || (filter.Group is { } g && !VulnerableGroups.Matches(g, flags)))
                {
                    continue;
                }

                var reviews = reader.IsDBNull(19) ? [] : reader.GetFieldValue<string[]>(19).Select((rk, i) => (Enum.Parse<ReviewKind>(rk), reader.GetFieldValue<DateOnly[]>(20)[i], reader.GetFieldValue<DateOnly?[]>(21)[i])).ToList();
                rows.Add(new CaseRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5), flags, kind,
                    Enum.Parse<ArrangementStage>(reader.GetString(15)), reader.GetFieldValue<DateOnly>(16), Nullable(17), Nullable(18), reviews, Nullable(22),
                    reader.IsDBNull(23) ? null : new AttendanceFigures(reader.GetInt32(23), reader.GetInt32(24), reader.GetInt32(25), reader.GetInt32(26), reader.GetInt32(27), reader.GetInt32(28), reader.GetInt32(29))));
            }

            DateOnly? Nullable(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateOnly>(ordinal);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        return rows;
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
        var weeks = await AttendanceSummaries.WeeklyAsync(db, [.. schools.Select(s => s.Id)], shown, today, pupils);
        static decimal? Percent(IEnumerable<SchoolWeek> ws) => ws.Sum(w => w.Possible) is var possible and > 0 ? Math.Round(100m * ws.Sum(w => w.Attending) / possible, 1) : null;
        var series = new List<ChartSeries> { new(schools.Count == 1 ? schools[0].Name : "All schools", [.. shown.Select(week => Percent(weeks.Where(w => w.WeekStart == week)))]) };
        if (schools.Count > 1)
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

    /// <summary>Scheduled reviews due in each month of the school year so far: held on time, held late, or overdue and not held.</summary>
    private static ChartData OnTime(IEnumerable<(ReviewKind Kind, DateOnly DueOn, DateOnly? HeldOn)> reviews, AcademicYear year, DateOnly today)
    {
        var due = reviews.Where(r => r.Kind == ReviewKind.Scheduled && r.DueOn >= year.Start && r.DueOn < today).ToList();
        var months = new List<DateOnly>();
        for (var month = year.Start; month <= today; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        IReadOnlyList<decimal?> In(Func<(ReviewKind Kind, DateOnly DueOn, DateOnly? HeldOn), bool> which) =>
            [.. months.Select(m => (decimal?)due.Count(r => r.DueOn.Year == m.Year && r.DueOn.Month == m.Month && which(r)))];
        return new ChartData([.. months.Select(m => $"{m:MMM}")],
        [
            new("Held on time", In(r => CaseWatch.ReviewHeldOnTime(r.Kind, r.DueOn, r.HeldOn))),
            new("Held late", In(r => r.HeldOn is not null && !CaseWatch.ReviewHeldOnTime(r.Kind, r.DueOn, r.HeldOn))),
            new("Overdue, not held", In(r => CaseWatch.ReviewOverdue(r.Kind, r.DueOn, r.HeldOn, today))),
        ]);
    }
}
