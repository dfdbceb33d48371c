using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using Microsoft.EntityFrameworkCore;
using FlexiSchooling.Data.Tenancy;
using Npgsql;

namespace FlexiSchooling.Data.Attendance;

/// <summary>
/// Maintains <see cref="AttendancePupilWeek"/> from attendance_marks, and <see cref="AttendancePupilYear"/>
/// from the weeks, in one round trip inside the caller's transaction.
/// </summary>
public static class AttendanceSummaries
{
    /// <summary>SQL twin of <see cref="AttendanceFigures.SummaryWeekOf"/>: the Monday, never before 1 September of the date's year.</summary>
    private const string WeekKey = """
        GREATEST(m.date - (extract(isodow FROM m.date)::int - 1),
                 make_date(extract(year FROM m.date)::int - CASE WHEN extract(month FROM m.date) >= 9 THEN 0 ELSE 1 END, 9, 1))
        """;

    /// <summary>SQL twin of <see cref="AcademicYear.Containing"/>'s start, for a week key.</summary>
    private const string YearKey = "make_date(extract(year FROM w.week_start)::int - CASE WHEN extract(month FROM w.week_start) >= 9 THEN 0 ELSE 1 END, 9, 1)";

    private const string Counts = "possible, present, approved_activity, authorised, unauthorised, expected_possible, expected_attended";

    /// <summary>The figures of <see cref="Counts"/> from the marks <c>m</c>: the SQL twin of <see cref="AttendanceFigures.From"/>.</summary>
    private const string MarkCounts = """
               count(*) FILTER (WHERE m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')) AS possible,
               count(*) FILTER (WHERE m.category = 'Present') AS present,
               count(*) FILTER (WHERE m.category = 'ApprovedEducationalActivity') AS approved_activity,
               count(*) FILTER (WHERE m.category = 'Authorised') AS authorised,
               count(*) FILTER (WHERE m.category = 'Unauthorised') AS unauthorised,
               count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')) AS expected_possible,
               count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity')) AS expected_attended
        """;

    private const string Weeks = $"""
        INSERT INTO attendance_pupil_weeks (trust_id, school_id, pupil_id, week_start, {Counts})
        SELECT m.trust_id, m.school_id, m.pupil_id, {WeekKey},
        {MarkCounts}
          FROM attendance_marks m
        """;

    private const string Years = $"""
        INSERT INTO attendance_pupil_years (trust_id, school_id, pupil_id, year_start, {Counts})
        SELECT w.trust_id, w.school_id, w.pupil_id, {YearKey},
               sum(w.possible), sum(w.present), sum(w.approved_activity), sum(w.authorised), sum(w.unauthorised), sum(w.expected_possible), sum(w.expected_attended)
          FROM attendance_pupil_weeks w
        """;

    private const string UpsertWeeks = $"""
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (pupil_id, school_id, week_start) DO UPDATE SET {UpsertCounts}
        """;

    private const string UpsertYears = $"""
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (pupil_id, school_id, year_start) DO UPDATE SET {UpsertCounts}
        """;

    private const string UpsertCounts = """
            possible = EXCLUDED.possible, present = EXCLUDED.present, approved_activity = EXCLUDED.approved_activity,
            authorised = EXCLUDED.authorised, unauthorised = EXCLUDED.unauthorised,
            expected_possible = EXCLUDED.expected_possible, expected_attended = EXCLUDED.expected_attended
        """;

    private const string RefreshWeeks = $"{Weeks} WHERE m.pupil_id = ANY(@pupils) AND m.date BETWEEN @from AND @to {UpsertWeeks}";

    /// <summary>
    /// The advisory lock on one school's week (ADR 0026): taken exclusively by a change to a closed week's marks, shared by
    /// the read that sums the week into <c>attendance_school_weeks</c>, so a sum is never written from figures a change
    /// has since replaced.
    /// </summary>
    private const string SchoolWeekLock = "hashtextextended('attendance-school-week ' || {0}::text || ' ' || to_char({1}, 'YYYY-MM-DD'), 0)";

    /// <summary>A week is closed, and may be kept summed, once its Sunday has passed in London.</summary>
    private const string Closed = "{0} + 7 <= (now() AT TIME ZONE 'Europe/London')::date";

    private const string LondonToday = "(now() AT TIME ZONE 'Europe/London')::date";

    // Before the marks of closed weeks change their pupils' weeks: lock each school's week, then drop its kept sum. A
    // register of this week closes nothing, and the one-time test on @from skips both statements without a scan.
    private static readonly string ForgetRefreshedWeeks = $"""
        SELECT count(pg_advisory_xact_lock({string.Format(SchoolWeekLock, "c.school_id", "c.week_start")}))
          FROM (SELECT DISTINCT m.school_id, {WeekKey} AS week_start FROM attendance_marks m
                 WHERE {string.Format(Closed, "@from")} AND m.pupil_id = ANY(@pupils) AND m.date BETWEEN @from AND @to) c
         WHERE {string.Format(Closed, "c.week_start")};
        DELETE FROM attendance_school_weeks s
         WHERE {string.Format(Closed, "@from")} AND {string.Format(Closed, "s.week_start")} AND s.week_start BETWEEN @from AND @to
           AND s.school_id IN (SELECT m.school_id FROM attendance_marks m WHERE m.pupil_id = ANY(@pupils) AND m.date BETWEEN @from AND @to);
        """;

    // The same for new marks added by their counts (the arrays of AddNewMarksCommands).
    private static readonly string ForgetAddedWeeks = $"""
        SELECT count(pg_advisory_xact_lock({string.Format(SchoolWeekLock, "u.school_id", "u.period")}))
          FROM (SELECT DISTINCT school_id, period FROM unnest(@school, @period) AS x(school_id, period)) u
         WHERE {string.Format(Closed, "u.period")};
        DELETE FROM attendance_school_weeks s USING (SELECT DISTINCT school_id, period FROM unnest(@school, @period) AS x(school_id, period)) u
         WHERE s.school_id = u.school_id AND s.week_start = u.period AND {string.Format(Closed, "u.period")};
        """;

    private const string RefreshYears = $"{Years} WHERE w.pupil_id = ANY(@pupils) AND w.week_start BETWEEN @yearFrom AND @yearTo {UpsertYears}";

    private static readonly string Refresh = $"{ForgetRefreshedWeeks} {RefreshWeeks}; {RefreshYears}";

    private const string RebuildWeeks = $"{Weeks} {UpsertWeeks}";

    private const string RebuildYears = $"{Years} {UpsertYears}";

    /// <summary>
    /// Recomputes the weeks containing <paramref name="dates"/> for the pupils from their marks, then
    /// those pupils' academic years from their weeks: one command, inside the caller's transaction.
    /// </summary>
    public static Task<int> RefreshAsync(AppDbContext db, IReadOnlyCollection<Guid> pupilIds, IEnumerable<DateOnly> dates, CancellationToken cancellationToken = default) =>
        RefreshParameters(pupilIds, dates) is { } parameters ? db.Database.ExecuteSqlRawAsync(Refresh, parameters, cancellationToken) : Task.FromResult(0);

    /// <summary>The same refresh as commands of a batch (<see cref="AttendanceBulkWrites"/>): weeks, then years.</summary>
    internal static IEnumerable<NpgsqlBatchCommand> RefreshCommands(IReadOnlyCollection<Guid> pupilIds, IReadOnlyCollection<DateOnly> dates)
    {
        foreach (var sql in ForgetRefreshedWeeks.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Append(RefreshWeeks).Append(RefreshYears))
        {
            if (RefreshParameters(pupilIds, dates) is { } parameters)
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.AddRange(parameters);
                yield return command;
            }
        }
    }

    private static NpgsqlParameter[]? RefreshParameters(IReadOnlyCollection<Guid> pupilIds, IEnumerable<DateOnly> dates)
    {
        var days = dates.Distinct().ToList();
        if (pupilIds.Count == 0 || days.Count == 0)
        {
            return null;
        }

        var from = AttendanceFigures.WeekOf(days.Min());
        var to = AttendanceFigures.WeekOf(days.Max()).AddDays(6);
        return
        [
            new NpgsqlParameter("pupils", pupilIds.ToArray()), new NpgsqlParameter("from", from), new NpgsqlParameter("to", to),
            new NpgsqlParameter("yearFrom", AcademicYear.Containing(from).Start), new NpgsqlParameter("yearTo", AcademicYear.Containing(to).End),
        ];
    }

    private const string AddCounts = """
            possible = t.possible + EXCLUDED.possible, present = t.present + EXCLUDED.present,
            approved_activity = t.approved_activity + EXCLUDED.approved_activity, authorised = t.authorised + EXCLUDED.authorised,
            unauthorised = t.unauthorised + EXCLUDED.unauthorised, expected_possible = t.expected_possible + EXCLUDED.expected_possible,
            expected_attended = t.expected_attended + EXCLUDED.expected_attended
        """;

    private const string AddFromArrays = $"""
        SELECT @trust, u.school_id, u.pupil_id, u.period, u.possible, u.present, u.approved_activity, u.authorised, u.unauthorised, u.expected_possible, u.expected_attended
          FROM unnest(@school, @pupil, @period, @possible, @present, @activity, @authorised, @unauthorised, @expectedPossible, @expectedAttended)
            AS u(school_id, pupil_id, period, possible, present, approved_activity, authorised, unauthorised, expected_possible, expected_attended)
        """;

    private const string AddToWeeks = $"""
        INSERT INTO attendance_pupil_weeks AS t (trust_id, school_id, pupil_id, week_start, {Counts}) {AddFromArrays}
        ON CONFLICT (pupil_id, school_id, week_start) DO UPDATE SET {AddCounts}
        """;

    private const string AddToYears = $"""
        INSERT INTO attendance_pupil_years AS t (trust_id, school_id, pupil_id, year_start, {Counts}) {AddFromArrays}
        ON CONFLICT (pupil_id, school_id, year_start) DO UPDATE SET {AddCounts}
        """;

    /// <summary>
    /// Adds marks that did not exist before to their pupils' weeks and years — counted here by the domain's own
    /// arithmetic (<see cref="AttendanceFigures.From"/>) and added in one upsert per table — instead of counting each
    /// touched week again from all its marks. Only for new marks: a changed mark's old counts would have to be taken
    /// away, so those pupils' weeks are recomputed (<see cref="RefreshAsync"/>), after this, as the whole truth.
    /// </summary>
    internal static IEnumerable<NpgsqlBatchCommand> AddNewMarksCommands(Guid trustId, IReadOnlyCollection<AttendanceMark> marks)
    {
        if (marks.Count == 0)
        {
            yield break;
        }

        var weeks = marks.Select(m => (m.SchoolId, Period: AttendanceFigures.SummaryWeekOf(m.Date))).Distinct().ToList();
        foreach (var forget in ForgetAddedWeeks.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var command = new NpgsqlBatchCommand(forget);
            command.Parameters.AddWithValue("school", weeks.Select(w => w.SchoolId).ToArray());
            command.Parameters.AddWithValue("period", weeks.Select(w => w.Period).ToArray());
            yield return command;
        }

        foreach (var (sql, period) in new (string, Func<DateOnly, DateOnly>)[] { (AddToWeeks, AttendanceFigures.SummaryWeekOf), (AddToYears, d => AcademicYear.Containing(d).Start) })
        {
            var groups = marks.GroupBy(m => (m.SchoolId, m.PupilId, Period: period(m.Date)))
                .Select(g => (g.Key, Figures: AttendanceFigures.From(g.Select(m => (m.Category, m.ExpectedInSchool))))).ToList();
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("trust", trustId);
            command.Parameters.AddWithValue("school", groups.Select(g => g.Key.SchoolId).ToArray());
            command.Parameters.AddWithValue("pupil", groups.Select(g => g.Key.PupilId).ToArray());
            command.Parameters.AddWithValue("period", groups.Select(g => g.Key.Period).ToArray());
            command.Parameters.AddWithValue("possible", groups.Select(g => g.Figures.Possible).ToArray());
            command.Parameters.AddWithValue("present", groups.Select(g => g.Figures.Present).ToArray());
            command.Parameters.AddWithValue("activity", groups.Select(g => g.Figures.ApprovedActivity).ToArray());
            command.Parameters.AddWithValue("authorised", groups.Select(g => g.Figures.Authorised).ToArray());
            command.Parameters.AddWithValue("unauthorised", groups.Select(g => g.Figures.Unauthorised).ToArray());
            command.Parameters.AddWithValue("expectedPossible", groups.Select(g => g.Figures.ExpectedPossible).ToArray());
            command.Parameters.AddWithValue("expectedAttended", groups.Select(g => g.Figures.ExpectedAttended).ToArray());
            yield return command;
        }
    }

    // Each school's weeks closed more than a day ago, kept summed as WeeklyAsync would keep them (ADR 0026).
    private const string KeepClosedWeeks = $"""
        INSERT INTO attendance_school_weeks (trust_id, school_id, week_start, possible, attending)
        SELECT w.trust_id, w.school_id, w.week_start, sum(w.possible), sum(w.present + w.approved_activity)
          FROM attendance_pupil_weeks w WHERE w.week_start + 8 <= {LondonToday} GROUP BY 1, 2, 3
        """;

    /// <summary>Rebuilds every summary from the marks, and keeps the closed weeks summed (system context, owner connection).</summary>
    public static async Task<int> RebuildAllAsync(AppDbContext systemDb, CancellationToken cancellationToken = default)
    {
        await using var transaction = await systemDb.Database.BeginTransactionAsync(cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync("DELETE FROM attendance_school_weeks; DELETE FROM attendance_pupil_years; DELETE FROM attendance_pupil_weeks", cancellationToken);
        var rows = await systemDb.Database.ExecuteSqlRawAsync(RebuildWeeks, cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync(RebuildYears, cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync(KeepClosedWeeks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>
    /// Each pupil's figures from a day on (to the last mark), as <see cref="AttendanceFigures.From"/> makes them of the
    /// pupil's marks from that day, read from the summaries: the marks of the day's own summary week from the day, and
    /// the whole weeks after it — summed forwards (the weeks from then on) or, when that is fewer rows, backwards (the
    /// day's academic year and those after it, less that year's weeks before). A few rows per pupil instead of every
    /// mark since the day. For the formal review rule's period counted across many cases at once (the trust dashboard);
    /// a test holds it equal to the marks counted one by one.
    /// </summary>
    public static async Task<IReadOnlyDictionary<(Guid PupilId, DateOnly From), AttendanceFigures>> SinceAsync(AppDbContext db, IReadOnlyCollection<(Guid PupilId, DateOnly From)> since, DateOnly today, CancellationToken cancellationToken = default)
    {
        var figures = new Dictionary<(Guid, DateOnly), AttendanceFigures>();
        var wanted = since.Distinct().Select(w => (w.PupilId, w.From, Weeks: FirstSummaryWeekFrom(w.From), Year: AcademicYear.Containing(w.From).Start)).ToList();
        if (wanted.Count == 0)
        {
            return figures;
        }

        return await OnConnectionAsync<IReadOnlyDictionary<(Guid PupilId, DateOnly From), AttendanceFigures>>(db, async connection =>
        {
            await using var command = new NpgsqlCommand(TenantSql.Scoped(db, Since), connection);
            command.Parameters.AddWithValue("pupil", wanted.Select(w => w.PupilId).ToArray());
            command.Parameters.AddWithValue("from", wanted.Select(w => w.From).ToArray());
            command.Parameters.AddWithValue("weeks", wanted.Select(w => w.Weeks).ToArray());
            command.Parameters.AddWithValue("year", wanted.Select(w => w.Year).ToArray());
            // Backwards when the year's weeks before are fewer than the weeks after: a case started in the autumn.
            command.Parameters.AddWithValue("backward", wanted.Select(w => w.Weeks.DayNumber - w.Year.DayNumber < today.DayNumber - w.Weeks.DayNumber).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                figures[(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1))] = new AttendanceFigures(reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8));
            }

            return figures;
        }, cancellationToken);
    }

    /// <summary>The first summary week (<see cref="AttendanceFigures.SummaryWeekOf"/>) starting on or after a day.</summary>
    private static DateOnly FirstSummaryWeekFrom(DateOnly day)
    {
        while (AttendanceFigures.SummaryWeekOf(day) != day)
        {
            day = day.AddDays(1);
        }

        return day;
    }

    private static readonly string[] CountColumns = Counts.Split(", ");

    private static string Sums(string alias) => string.Join(", ", CountColumns.Select(n => $"sum({alias}.{n}) AS {n}"));

    /// <summary>
    /// <see cref="SinceAsync"/>: per (pupil, day, first summary week on or after it, the day's academic year, backwards?),
    /// the marks between the day and that week (d), and either the weeks from that week on (f) or the years from the day's
    /// on (y) less that year's weeks before that week (b) — the other side gated off by its one-time filter, unread. Each
    /// by its index on the pupil. Week starts and year starts are both summary week starts, so the weeks before that week
    /// cover exactly the year's days before it.
    /// </summary>
    private static readonly string Since = $"""
        SELECT c.pupil_id, c.from_date, {string.Join(", ", CountColumns.Select(n => $"(coalesce(f.{n}, 0) + coalesce(y.{n}, 0) - coalesce(b.{n}, 0) + d.{n})::int"))}
          FROM unnest(@pupil, @from, @weeks, @year, @backward) AS c(pupil_id, from_date, weeks_from, year_from, backward)
         CROSS JOIN LATERAL (SELECT {Sums("w")} FROM attendance_pupil_weeks w
                              WHERE NOT c.backward AND w.pupil_id = c.pupil_id AND w.week_start >= c.weeks_from) f
         CROSS JOIN LATERAL (SELECT {Sums("y")} FROM attendance_pupil_years y
                              WHERE c.backward AND y.pupil_id = c.pupil_id AND y.year_start >= c.year_from) y
         CROSS JOIN LATERAL (SELECT {Sums("w")} FROM attendance_pupil_weeks w
                              WHERE c.backward AND w.pupil_id = c.pupil_id AND w.week_start >= c.year_from AND w.week_start < c.weeks_from) b
         CROSS JOIN LATERAL (SELECT {MarkCounts}
                               FROM attendance_marks m WHERE m.pupil_id = c.pupil_id AND m.date >= c.from_date AND m.date < c.weeks_from) d
        """;

    /// <summary>Each pupil's figures for a whole academic year, for the given schools: one row per pupil from the yearly summaries.</summary>
    /// <param name="attendingAtOrBelowPercent">Only pupils with sessions whose attendance (<see cref="AttendanceFigures.Percent"/>) is at or below this.</param>
    public static async Task<List<(Guid SchoolId, Guid PupilId, AttendanceFigures Figures)>> PerPupilForYearAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, AcademicYear year, CancellationToken cancellationToken = default, decimal? attendingAtOrBelowPercent = null)
    {
        var start = year.Start;
        var years = db.AttendancePupilYears.AsNoTracking().Where(y => schools.Contains(y.SchoolId) && y.YearStart == start);
        if (attendingAtOrBelowPercent is { } bound)
        {
            // Percent <= bound, multiplied out: 100 * attending <= bound * possible, sessions possible.
            years = years.Where(y => y.Possible > 0 && 100 * (y.Present + y.ApprovedActivity) <= bound * y.Possible);
        }

        var rows = await years
            .Select(y => new { y.SchoolId, y.PupilId, y.Possible, y.Present, y.ApprovedActivity, y.Authorised, y.Unauthorised, y.ExpectedPossible, y.ExpectedAttended })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.SchoolId, r.PupilId, new AttendanceFigures(r.Possible, r.Present, r.ApprovedActivity, r.Authorised, r.Unauthorised, r.ExpectedPossible, r.ExpectedAttended)))];
    }



    // Pupils sharing a school, possible sessions and attending sessions have the same figures: one row per such
    // group (a few thousand for a large trust) instead of one per pupil, read with an index-only scan.
    private const string TrustView = """
        SELECT y.school_id, y.possible, y.present + y.approved_activity, count(*)::int
          FROM attendance_pupil_years y
         WHERE y.school_id = ANY(@school) AND y.year_start = @year AND y.possible > 0{0}
         GROUP BY 1, 2, 3
        """;

    /// <summary>Only these pupils (a year group, a vulnerable group): the filter of the trust's lists.</summary>
    private const string OnlyPupils = " AND y.pupil_id = ANY(@pupils)";



    /// <summary>
    /// The trust view — pupils, attendance, persistent and severe absence, and pupils in each attendance wave,
    /// per school, each school by its own profile's thresholds — from the yearly summaries. PostgreSQL groups
    /// pupils with identical figures; the thresholds are then applied here by the domain's own rules
    /// (<see cref="AttendanceFigures.IsPersistentAbsence"/>, <see cref="Domain.Policy.AttendanceWave.Applies"/>),
    /// once per group, so there is no second copy of the arithmetic in SQL. A test holds the view equal to the
    /// per-pupil figures.
    /// </summary>
    /// <param name="pupils">Only these pupils (the dashboard's year-group and vulnerable-group filter); null for every pupil.</param>
    public static async Task<IReadOnlyList<SchoolAttendance>> TrustViewAsync(AppDbContext db, IReadOnlyList<(Guid SchoolId, Domain.Policy.AttendanceSettings Settings)> schools, AcademicYear year, CancellationToken cancellationToken = default, IReadOnlyCollection<Guid>? pupils = null)
    {
        var lines = await OnConnectionAsync(db, async connection =>
        {
            var found = schools.ToDictionary(s => s.SchoolId, s => new TrustViewLine(s.Settings));
            await using var command = new NpgsqlCommand(TenantSql.Scoped(db, string.Format(System.Globalization.CultureInfo.InvariantCulture, TrustView, pupils is null ? "" : OnlyPupils)), connection);
            command.Parameters.AddWithValue("school", schools.Select(s => s.SchoolId).ToArray());
            command.Parameters.AddWithValue("year", year.Start);
            if (pupils is not null)
            {
                command.Parameters.AddWithValue("pupils", pupils.ToArray());
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetGuid(0)].Add(new AttendanceFigures(reader.GetInt32(1), reader.GetInt32(2), 0, 0, 0, 0, 0), reader.GetInt32(3));
            }

            return found;
        }, cancellationToken);

        return [.. schools.Select(s => lines[s.SchoolId].ToSchoolAttendance(s.SchoolId))];
    }

    /// <summary>
    /// Each school's attendance in the given weeks (week keys, <see cref="AttendanceFigures.SummaryWeekOf"/>): sessions
    /// possible and attended, summed over the school's pupils — or over <paramref name="pupils"/> only, counted afresh.
    /// A week closed more than a day ago (the day's margin covers clocks a little apart) is read from its kept sum
    /// (ADR 0026), summed and kept the first time it is asked for; this week and last are summed from the pupils' weeks.
    /// </summary>
    public static async Task<IReadOnlyList<SchoolWeek>> WeeklyAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, IReadOnlyCollection<DateOnly> weeks, DateOnly today,
        IReadOnlyCollection<Guid>? pupils = null, CancellationToken cancellationToken = default)
    {
        return await OnConnectionAsync<IReadOnlyList<SchoolWeek>>(db, async connection =>
        {
            if (pupils is not null)
            {
                return await ReadWeeksAsync(db, connection, null, $"{SumWeeks} WHERE w.school_id = ANY(@school) AND w.week_start = ANY(@weeks) AND w.pupil_id = ANY(@pupils) GROUP BY 1, 2",
                    ("school", schools.ToArray()), ("weeks", weeks.ToArray()), ("pupils", pupils.ToArray()));
            }

            var kept = weeks.Where(w => w.AddDays(8) <= today).ToArray();
            var result = kept.Length == 0 ? [] : await ReadWeeksAsync(db, connection, null,
                "SELECT s.school_id, s.week_start, s.possible, s.attending FROM attendance_school_weeks s WHERE s.school_id = ANY(@school) AND s.week_start = ANY(@weeks)",
                ("school", schools.ToArray()), ("weeks", kept));
            var missing = (from school in schools from week in kept where !result.Any(r => r.SchoolId == school && r.WeekStart == week) select (School: school, Week: week)).ToList();
            if (missing.Count > 0)
            {
                // Summed under the shared lock of each school's week, so a change to its marks (which takes the lock
                // exclusively) either comes before and is counted, or waits and then drops what is kept here.
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                // A streaming replica (ReadDb, ADR 0028) cannot keep anything: there the weeks are summed and not kept.
                await using var probe = new NpgsqlCommand(TenantSql.Scoped(db, "SELECT pg_is_in_recovery()"), connection, transaction);
                var standby = (bool)(await probe.ExecuteScalarAsync(cancellationToken))!;
                var pairs = new (string, object)[] { ("ms", missing.Select(m => m.School).ToArray()), ("mw", missing.Select(m => m.Week).ToArray()) };
                if (!standby)
                {
                    await ReadWeeksAsync(db, connection, transaction, $"SELECT NULL::uuid, NULL::date, count(pg_advisory_xact_lock_shared({string.Format(SchoolWeekLock, "m.s", "m.w")}))::int, 0 FROM unnest(@ms, @mw) AS m(s, w)", pairs);
                }

                // Each pair summed by its own index scan, and kept even when the school had no sessions that week (a zero
                // kept is a week never summed again), so a view never sums the same week twice.
                var summed = await ReadWeeksAsync(db, connection, transaction, """
                    SELECT m.s, m.w, x.possible, x.attending FROM unnest(@ms, @mw) AS m(s, w)
                    CROSS JOIN LATERAL (SELECT coalesce(sum(w.possible), 0)::int AS possible, coalesce(sum(w.present + w.approved_activity), 0)::int AS attending
                                          FROM attendance_pupil_weeks w WHERE w.school_id = m.s AND w.week_start = m.w) x
                    """, pairs);
                if (standby)
                {
                    await transaction.CommitAsync(cancellationToken);
                    return [.. result, .. summed, .. await OpenWeeksAsync()];
                }

                await using (var keep = new NpgsqlCommand(TenantSql.Scoped(db, """
                    INSERT INTO attendance_school_weeks (trust_id, school_id, week_start, possible, attending)
                    SELECT app_current_trust(), k.s, k.w, k.p, k.a FROM unnest(@ks, @kw, @kp, @ka) AS k(s, w, p, a)
                    ON CONFLICT (school_id, week_start) DO NOTHING
                    """), connection, transaction))
                {
                    keep.Parameters.AddWithValue("ks", summed.Select(x => x.SchoolId).ToArray());
                    keep.Parameters.AddWithValue("kw", summed.Select(x => x.WeekStart).ToArray());
                    keep.Parameters.AddWithValue("kp", summed.Select(x => x.Possible).ToArray());
                    keep.Parameters.AddWithValue("ka", summed.Select(x => x.Attending).ToArray());
                    await keep.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                result = [.. result, .. summed];
            }

            return [.. result, .. await OpenWeeksAsync()];

            async Task<IReadOnlyList<SchoolWeek>> OpenWeeksAsync()
            {
                var open = weeks.Where(w => w.AddDays(8) > today).ToArray();
                return open.Length == 0 ? [] : await ReadWeeksAsync(db, connection, null, $"{SumWeeks} WHERE w.school_id = ANY(@school) AND w.week_start = ANY(@weeks) GROUP BY 1, 2",
                    ("school", schools.ToArray()), ("weeks", open));
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Runs a read on the context's own connection: opened for it and closed after, unless the caller already holds it
    /// open (in a transaction, say), when it is left as it was.
    /// </summary>
    private static async Task<T> OnConnectionAsync<T>(AppDbContext db, Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            return await read(connection);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private const string SumWeeks = "SELECT w.school_id, w.week_start, sum(w.possible)::int, sum(w.present + w.approved_activity)::int FROM attendance_pupil_weeks w";

    private static async Task<List<SchoolWeek>> ReadWeeksAsync(AppDbContext db, NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(TenantSql.Scoped(db, sql), connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var weeks = new List<SchoolWeek>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            weeks.Add(reader.IsDBNull(0) ? new SchoolWeek(Guid.Empty, default, 0, 0) : new SchoolWeek(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt32(2), reader.GetInt32(3)));
        }

        return weeks;
    }

    private sealed class TrustViewLine(Domain.Policy.AttendanceSettings settings)
    {
        private readonly Dictionary<int, int> _waves = settings.Waves.ToDictionary(w => w.Stage, _ => 0);
        private int _pupils;
        private int _possible;
        private int _attending;
        private int _persistent;
        private int _severe;

        public void Add(AttendanceFigures figures, int pupils)
        {
            _pupils += pupils;
            _possible += figures.Possible * pupils;
            _attending += figures.Attending * pupils;
            _persistent += figures.IsPersistentAbsence(settings) ? pupils : 0;
            _severe += figures.IsSevereAbsence(settings) ? pupils : 0;
            foreach (var wave in settings.Waves)
            {
                _waves[wave.Stage] += wave.Applies(figures.Percent!.Value) ? pupils : 0;
            }
        }

        public SchoolAttendance ToSchoolAttendance(Guid schoolId) => new(schoolId, _pupils, _possible, _attending, _persistent, _severe, _waves);
    }
}

/// <summary>One school's week: sessions possible and attended (present or an approved educational activity).</summary>
public sealed record SchoolWeek(Guid SchoolId, DateOnly WeekStart, int Possible, int Attending);

/// <summary>One school's line of the trust view.</summary>
public sealed record SchoolAttendance(Guid SchoolId, int Pupils, int Possible, int Attending, int Persistent, int Severe, IReadOnlyDictionary<int, int> PupilsPerWave)
{
    public decimal? Percent => Possible == 0 ? null : 100m * Attending / Possible;
}
