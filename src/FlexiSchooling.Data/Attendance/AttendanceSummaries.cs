using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using Microsoft.EntityFrameworkCore;
using FlexiSchooling.Data.Tenancy;
using Npgsql;

namespace FlexiSchooling.Data.Attendance;

/// <summary>
/// Keeps <see cref="AttendancePupilWeek"/> and <see cref="AttendancePupilYear"/> equal to the marks: each save moves them
/// by its marks' moves in the caller's round trip (<see cref="MoveCommands"/>, ADR 0056), and <see cref="RebuildAllAsync"/>
/// counts them all again from the marks; and reads them per school, kept summed (<see cref="AttendanceSchoolWeek"/>,
/// <see cref="AttendanceSchoolYear"/>: ADR 0026, 0031).
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
        ON CONFLICT (trust_id, pupil_id, school_id, week_start) DO UPDATE SET {UpsertCounts}
        """;

    private const string UpsertYears = $"""
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (trust_id, pupil_id, school_id, year_start) DO UPDATE SET {UpsertCounts}
        """;

    private const string UpsertCounts = """
            possible = EXCLUDED.possible, present = EXCLUDED.present, approved_activity = EXCLUDED.approved_activity,
            authorised = EXCLUDED.authorised, unauthorised = EXCLUDED.unauthorised,
            expected_possible = EXCLUDED.expected_possible, expected_attended = EXCLUDED.expected_attended
        """;

    private const string LondonToday = "(now() AT TIME ZONE 'Europe/London')::date";

    private const string Recount = $"""
        {Weeks} WHERE m.pupil_id = ANY(@pupils) AND m.date BETWEEN @from AND @to {UpsertWeeks};
        {Years} WHERE w.pupil_id = ANY(@pupils) AND w.week_start BETWEEN @yearFrom AND @yearTo {UpsertYears}
        """;

    /// <summary>
    /// A repair, not a save's path: counts the weeks containing <paramref name="dates"/> for the pupils again from their
    /// marks, then those pupils' academic years from their weeks, in one command — after marks were written or taken away
    /// outside the application (by hand, as the tests and the benchmark do; docs/operations.md). Saves move the summaries
    /// from where they stand (<see cref="MoveCommands"/>), so they must stand where the marks are. A week left with no
    /// marks keeps its row: take it away first.
    /// </summary>
    public static Task<int> RecountAsync(AppDbContext db, IReadOnlyCollection<Guid> pupilIds, IEnumerable<DateOnly> dates, CancellationToken cancellationToken = default)
    {
        var days = dates.Distinct().ToList();
        if (pupilIds.Count == 0 || days.Count == 0)
        {
            return Task.FromResult(0);
        }

        var from = AttendanceFigures.WeekOf(days.Min());
        var to = AttendanceFigures.WeekOf(days.Max()).AddDays(6);
        return db.Database.ExecuteSqlRawAsync(Recount,
        [
            new NpgsqlParameter("pupils", pupilIds.ToArray()), new NpgsqlParameter("from", from), new NpgsqlParameter("to", to),
            new NpgsqlParameter("yearFrom", AcademicYear.Containing(from).Start), new NpgsqlParameter("yearTo", AcademicYear.Containing(to).End),
        ], cancellationToken);
    }

    /// <summary>SQL twin of <see cref="AcademicYear.Containing"/>'s start, for a mark's date.</summary>
    private const string MarkYearKey = "make_date(extract(year FROM m.date)::int - CASE WHEN extract(month FROM m.date) >= 9 THEN 0 ELSE 1 END, 9, 1)";

    private const string Differ = """
        ROW(c.possible, c.present, c.approved_activity, c.authorised, c.unauthorised, c.expected_possible, c.expected_attended)
          IS DISTINCT FROM ROW(k.possible, k.present, k.approved_activity, k.authorised, k.unauthorised, k.expected_possible, k.expected_attended)
        """;

    // Each pupil's weeks and years from @since counted from the marks beside those kept; a key on one side only differs too.
    // How many weeks and years differ, and the pupils whose do; of one trust (@trust), or of every trust.
    private static string Drift(bool oneTrust)
    {
        var trust = oneTrust ? " AND trust_id = @trust" : "";
        return $"""
            WITH counted_weeks AS (
              SELECT m.trust_id, m.school_id, m.pupil_id, {WeekKey} AS period, {MarkCounts}
                FROM attendance_marks m WHERE m.date >= @since{trust} GROUP BY 1, 2, 3, 4),
            kept_weeks AS (SELECT trust_id, school_id, pupil_id, week_start AS period, {Counts} FROM attendance_pupil_weeks WHERE week_start >= @since{trust}),
            counted_years AS (
              SELECT m.trust_id, m.school_id, m.pupil_id, {MarkYearKey} AS period, {MarkCounts}
                FROM attendance_marks m WHERE m.date >= @since{trust} GROUP BY 1, 2, 3, 4),
            kept_years AS (SELECT trust_id, school_id, pupil_id, year_start AS period, {Counts} FROM attendance_pupil_years WHERE year_start >= @since{trust}),
            drifted_weeks AS (SELECT pupil_id FROM counted_weeks c FULL JOIN kept_weeks k USING (trust_id, school_id, pupil_id, period) WHERE {Differ}),
            drifted_years AS (SELECT pupil_id FROM counted_years c FULL JOIN kept_years k USING (trust_id, school_id, pupil_id, period) WHERE {Differ})
            SELECT (SELECT count(*) FROM drifted_weeks)::int, (SELECT count(*) FROM drifted_years)::int,
                   ARRAY(SELECT pupil_id FROM drifted_weeks UNION SELECT pupil_id FROM drifted_years)
            """;
    }

    /// <summary>
    /// How many pupils' weeks and years, from the academic year before <paramref name="today"/>'s on, differ from a count of
    /// their marks (other figures, or a row on one side only), in every trust: none, unless marks were written or taken
    /// away outside the application since the summaries were last counted (ADR 0056). Earlier years are left out: the
    /// retention job takes marks away and keeps some weeks and years whole (system context, owner connection; reads every
    /// mark of two years).
    /// </summary>
    public static async Task<(int Weeks, int Years)> DriftAsync(AppDbContext systemDb, DateOnly today, CancellationToken cancellationToken = default)
    {
        var drift = await FindDriftAsync(systemDb, null, DriftSince(today), cancellationToken);
        return (drift.Weeks, drift.Years);
    }

    /// <summary>The first day <see cref="DriftAsync"/> and <see cref="RepairDriftAsync"/> look at: 1 September of the academic year before today's.</summary>
    private static DateOnly DriftSince(DateOnly today) => AcademicYear.Containing(today).Start.AddYears(-1);

    private static Task<SummaryDrift> FindDriftAsync(AppDbContext systemDb, Guid? trustId, DateOnly since, CancellationToken cancellationToken) =>
        OnConnectionAsync(systemDb, async connection =>
        {
            await using var command = new NpgsqlCommand(Drift(trustId is not null), connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("since", since);
            if (trustId is { } trust)
            {
                command.Parameters.AddWithValue("trust", trust);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new SummaryDrift(reader.GetInt32(0), reader.GetInt32(1), reader.GetFieldValue<Guid[]>(2));
        }, cancellationToken);

    // The trust's pupils' weeks and years from @since taken away and counted again from their marks (weeks from a date on
    // are the marks from it: no summary week straddles 1 September).
    private const string Repair = $"""
        DELETE FROM attendance_pupil_weeks WHERE trust_id = @trust AND pupil_id = ANY(@pupils) AND week_start >= @since;
        DELETE FROM attendance_pupil_years WHERE trust_id = @trust AND pupil_id = ANY(@pupils) AND year_start >= @since;
        {Weeks} WHERE m.trust_id = @trust AND m.pupil_id = ANY(@pupils) AND m.date >= @since {UpsertWeeks};
        {Years} WHERE w.trust_id = @trust AND w.pupil_id = ANY(@pupils) AND w.week_start >= @since {UpsertYears}
        """;

    /// <summary>
    /// Finds the trust's pupils whose weeks or years differ from their marks, as <see cref="DriftAsync"/> does, and counts
    /// those pupils' weeks and years of the two years again from their marks: the repair after marks written by hand, for
    /// the few pupils they touch rather than every pupil of every trust (<see cref="RebuildAllAsync"/>). One trust at a
    /// time, so that each statement reads one trust's rows (every key is led by the trust, ADR 0032; one shard's, were the
    /// trusts spread over several) and the one whose marks were changed can be named. In the caller's transaction, or one
    /// of its own. The summary tables are locked against writes (SHARE ROW EXCLUSIVE) between finding and counting, for
    /// the counting only: a save in flight has then either written its marks and moved their rows, and is waited for, or
    /// waits for the repair and moves the rows counted from where they stand — neither is counted twice nor lost (a count
    /// read in a snapshot taken before a waiting save committed would have overwritten its move, ADR 0057). The lock is
    /// given up after five seconds (as is any other lock the repair waits for) rather than left queued ahead of every save
    /// behind it: the repair fails and saves nothing, to be tried again. Each pupil counted again gets an audit row, the
    /// application's own (<see cref="Audit.AuditActions.AttendanceRecounted"/>), at <paramref name="now"/>, whose day in
    /// England says which two academic years are looked at.
    /// </summary>
    public static async Task<SummaryDrift> RepairDriftAsync(AppDbContext systemDb, Guid trustId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var owned = systemDb.Database.CurrentTransaction is null ? await systemDb.Database.BeginTransactionAsync(cancellationToken) : null;
        await using (owned)
        {
            var since = DriftSince(DateOnly.FromDateTime(LondonClock.ToLondon(now)));
            var drift = await FindDriftAsync(systemDb, trustId, since, cancellationToken);
            if (drift.Pupils.Count > 0)
            {
                await systemDb.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '5s'; LOCK TABLE attendance_pupil_weeks, attendance_pupil_years IN SHARE ROW EXCLUSIVE MODE", cancellationToken);
                await systemDb.Database.ExecuteSqlRawAsync(Repair, [new NpgsqlParameter("trust", trustId), new NpgsqlParameter("pupils", drift.Pupils.ToArray()), new NpgsqlParameter("since", since)], cancellationToken);
                // Each pupil's figures changed on the dashboards overnight: the audit trail says by what, under the pupil
                // (their name in the trust's audit search finds it), as the application making the change itself.
                var pupils = drift.Pupils.ToList();
                var schools = await systemDb.Pupils.AsNoTracking().Where(p => pupils.Contains(p.Id)).Select(p => new { p.Id, p.SchoolId }).ToListAsync(cancellationToken);
                systemDb.AuditEvents.AddRange(schools.Select(p => new Audit.AuditEvent(trustId, p.SchoolId, null, Audit.AuditEvent.SystemRole, "Pupil", p.Id.ToString(), Audit.AuditActions.AttendanceRecounted, now, null)));
                await systemDb.SaveChangesAsync(cancellationToken);
            }

            if (owned is not null)
            {
                await owned.CommitAsync(cancellationToken);
            }

            return drift;
        }
    }

    private const string RebuildWeeks = $"{Weeks} {UpsertWeeks}";

    private const string RebuildYears = $"{Years} {UpsertYears}";

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
        ON CONFLICT (trust_id, pupil_id, school_id, week_start) DO UPDATE SET {AddCounts}
        """;

    private const string AddToYears = $"""
        INSERT INTO attendance_pupil_years AS t (trust_id, school_id, pupil_id, year_start, {Counts}) {AddFromArrays}
        ON CONFLICT (trust_id, pupil_id, school_id, year_start) DO UPDATE SET {AddCounts}
        """;

    /// <summary>
    /// Moves the pupils' weeks and years by their marks' moves (<see cref="SummaryMove"/>: a new mark's figures, a changed
    /// mark's new less its old), counted by the domain's own arithmetic and added onto the rows where they stand in one
    /// upsert per table, instead of counting each touched week and year again from its marks: a year so counted read
    /// every week of its pupils' year, a heap page a week (docs/performance.md, forty-eighth session), and two saves of the
    /// same pupils at once lost one's marks (ADR 0056). The rows are written in the order of their keys, as every save
    /// writes them, so two saves wait for each other rather than deadlock.
    /// </summary>
    internal static IEnumerable<NpgsqlBatchCommand> MoveCommands(Guid trustId, IReadOnlyCollection<SummaryMove> moves)
    {
        if (moves.Count == 0)
        {
            yield break;
        }

        foreach (var (sql, period) in new (string, Func<DateOnly, DateOnly>)[] { (AddToWeeks, AttendanceFigures.SummaryWeekOf), (AddToYears, d => AcademicYear.Containing(d).Start) })
        {
            var groups = moves.GroupBy(m => (m.PupilId, m.SchoolId, Period: period(m.Date)))
                .Select(g => (g.Key, Figures: g.Aggregate(AttendanceFigures.Zero, (sum, m) => sum + m.By), Creates: g.Any(m => m.Creates)))
                .Where(g => g.Creates || g.Figures != AttendanceFigures.Zero)
                .OrderBy(g => g.Key.PupilId).ThenBy(g => g.Key.SchoolId).ThenBy(g => g.Key.Period).ToList();
            if (groups.Count == 0)
            {
                continue;
            }

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

    // Each school's weeks closed more than a day ago, kept summed as WeeklyAsync would keep them (ADR 0026); the rest are
    // kept when first read.
    private const string KeepClosedWeeks = $"""
        INSERT INTO attendance_school_weeks (trust_id, school_id, week_start, possible, attending)
        SELECT w.trust_id, w.school_id, w.week_start, sum(w.possible), sum(w.present + w.approved_activity)
          FROM attendance_pupil_weeks w WHERE w.week_start + 8 <= {LondonToday} GROUP BY 1, 2, 3
        """;

    // Each school's years as the trust view keeps them (ADR 0031): the pairs of sessions its pupils have, and how many have each.
    private const string KeepYears = """
        INSERT INTO attendance_school_years (trust_id, school_id, year_start, possible, attending, pupils)
        SELECT h.trust_id, h.school_id, h.year_start, array_agg(h.possible), array_agg(h.attending), array_agg(h.pupils)
          FROM (SELECT y.trust_id, y.school_id, y.year_start, y.possible, y.present + y.approved_activity AS attending, count(*)::int AS pupils
                  FROM attendance_pupil_years y WHERE y.possible > 0 GROUP BY 1, 2, 3, 4, 5) h
         GROUP BY 1, 2, 3
        """;

    /// <summary>Rebuilds every summary from the marks, and keeps the closed weeks and the years summed (system context, owner connection).</summary>
    public static async Task<int> RebuildAllAsync(AppDbContext systemDb, CancellationToken cancellationToken = default)
    {
        await using var transaction = await systemDb.Database.BeginTransactionAsync(cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync("DELETE FROM attendance_school_weeks; DELETE FROM attendance_school_years; DELETE FROM attendance_pupil_years; DELETE FROM attendance_pupil_weeks", cancellationToken);
        var rows = await systemDb.Database.ExecuteSqlRawAsync(RebuildWeeks, cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync(RebuildYears, cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync(KeepClosedWeeks, cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync(KeepYears, cancellationToken);
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
    // group (a few thousand for a large trust) instead of one per pupil. For the filter of the trust's lists only.
    private const string TrustView = """
        SELECT y.school_id, y.possible, y.present + y.approved_activity, count(*)::int
          FROM attendance_pupil_years y
         WHERE y.school_id = ANY(@school) AND y.year_start = @year AND y.possible > 0 AND y.pupil_id = ANY(@pupils)
         GROUP BY 1, 2, 3
        """;

    /// <summary>
    /// Each school's year as the pairs (sessions possible, attended) its pupils with sessions have, and how many pupils
    /// have each (ADR 0031): three parallel arrays per school (one aggregate node fills all three in the same order; a
    /// school with no sessions gets empty ones); kept in <c>attendance_school_years</c>. The pupils' years of the wanted
    /// schools and periods are found by the (trust, school, year) index and grouped once; the outer join keeps the exact
    /// (school, period) pairs asked for. For one school after its registers changed: 1.1–1.9 ms against 8–13 ms for the
    /// join to the wanted pairs this replaced (which scanned every pupil's year); for 36 schools 18–21 ms against 22–27.
    /// </summary>
    private static readonly KeptSums<SchoolYearPairs> SchoolYears = new(
        """
        SELECT k.school_id, k.year_start, k.possible, k.attending, k.pupils
          FROM attendance_school_years k JOIN unnest(@school, @period) AS w(s, p) ON k.school_id = w.s AND k.year_start = w.p
        """,
        """
        SELECT w.s, w.p, coalesce(array_agg(h.possible) FILTER (WHERE h.possible IS NOT NULL), '{}') AS possible,
               coalesce(array_agg(h.attending) FILTER (WHERE h.possible IS NOT NULL), '{}') AS attending,
               coalesce(array_agg(h.pupils) FILTER (WHERE h.possible IS NOT NULL), '{}') AS pupils
          FROM unnest(@school, @period) AS w(s, p)
          LEFT JOIN (SELECT y.school_id, y.year_start, y.possible, y.present + y.approved_activity AS attending, count(*)::int AS pupils
                       FROM attendance_pupil_years y
                      WHERE y.school_id = ANY(@school) AND y.year_start = ANY(@period) AND y.possible > 0
                      GROUP BY 1, 2, 3, 4) h ON h.school_id = w.s AND h.year_start = w.p
         GROUP BY w.s, w.p
        """,
        "INSERT INTO attendance_school_years (trust_id, school_id, year_start, possible, attending, pupils)",
        "ON CONFLICT (trust_id, school_id, year_start) DO UPDATE SET possible = EXCLUDED.possible, attending = EXCLUDED.attending, pupils = EXCLUDED.pupils RETURNING school_id, year_start, possible, attending, pupils",
        "attendance_school_year_lock",
        r => new SchoolYearPairs(r.GetGuid(0), r.GetFieldValue<DateOnly>(1), r.GetFieldValue<int[]>(2), r.GetFieldValue<int[]>(3), r.GetFieldValue<int[]>(4)),
        y => (y.SchoolId, y.YearStart));

    /// <summary>One school's year as kept (ADR 0031): parallel arrays, a pair of sessions and how many pupils have it.</summary>
    private sealed record SchoolYearPairs(Guid SchoolId, DateOnly YearStart, int[] Possible, int[] Attending, int[] Pupils);

    /// <summary>Each school's week: sessions possible and attended over its pupils' weeks, by the school's own index scan; kept in <c>attendance_school_weeks</c> (ADR 0026).</summary>
    private static readonly KeptSums<SchoolWeek> SchoolWeeks = new(
        """
        SELECT k.school_id, k.week_start, k.possible, k.attending
          FROM attendance_school_weeks k JOIN unnest(@school, @period) AS w(s, p) ON k.school_id = w.s AND k.week_start = w.p
        """,
        """
        SELECT w.s, w.p, x.possible, x.attending
          FROM unnest(@school, @period) AS w(s, p)
         CROSS JOIN LATERAL (SELECT coalesce(sum(pw.possible), 0)::int AS possible, coalesce(sum(pw.present + pw.approved_activity), 0)::int AS attending
                               FROM attendance_pupil_weeks pw WHERE pw.school_id = w.s AND pw.week_start = w.p) x
        """,
        "INSERT INTO attendance_school_weeks (trust_id, school_id, week_start, possible, attending)",
        "ON CONFLICT (trust_id, school_id, week_start) DO UPDATE SET possible = EXCLUDED.possible, attending = EXCLUDED.attending RETURNING school_id, week_start, possible, attending",
        "attendance_school_week_lock",
        r => new SchoolWeek(r.GetGuid(0), r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt32(3)),
        w => (w.SchoolId, w.WeekStart));

    /// <summary>
    /// A school's figures for a period kept summed (ADR 0026, 0031): the read of what is kept, the sum from the pupils'
    /// rows, the insert that keeps that sum (its head and its conflict clause, around the sum), the advisory lock function
    /// that a change to the pupils' rows takes shared (by trigger), and how a row is read and keyed. Every statement takes
    /// the pairs of schools and periods wanted as @school and @period.
    /// </summary>
    private sealed record KeptSums<T>(string Kept, string Sum, string KeepInto, string KeepConflict, string Lock, Func<NpgsqlDataReader, T> Read, Func<T, (Guid School, DateOnly Period)> Key);

    /// <summary>
    /// The wanted schools' periods: read where kept; otherwise summed, and kept for each whose lock this read takes at once
    /// — exclusively, without waiting. A change to that school's period in flight holds the lock shared (the triggers of
    /// 0037), and the period is then summed and not kept: the change drops a kept sum when it takes the lock, and a sum kept
    /// behind it would not have seen it. The lock is taken in a statement before the one that sums, so the sum's snapshot
    /// sees every change committed before the lock was had. A streaming replica (ReadDb, ADR 0028) keeps nothing.
    /// </summary>
    private static async Task<List<T>> KeptAsync<T>(AppDbContext db, NpgsqlConnection connection, KeptSums<T> sums, IReadOnlyCollection<(Guid School, DateOnly Period)> wanted, CancellationToken cancellationToken)
    {
        var found = await ReadForPairsAsync(db, connection, null, sums.Kept, sums.Read, wanted, cancellationToken);
        var have = found.Select(sums.Key).ToHashSet();
        var missing = wanted.Where(w => !have.Contains(w)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return found;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = (await ReadForPairsAsync(db, connection, transaction,
            $"SELECT w.s, w.p FROM unnest(@school, @period) AS w(s, p) WHERE NOT pg_is_in_recovery() AND pg_try_advisory_xact_lock({sums.Lock}(w.s, w.p))",
            r => (r.GetGuid(0), r.GetFieldValue<DateOnly>(1)), missing, cancellationToken)).ToHashSet();
        found.AddRange(await ReadForPairsAsync(db, connection, transaction, $"{sums.KeepInto} SELECT app_current_trust(), x.* FROM ({sums.Sum}) AS x {sums.KeepConflict}",
            sums.Read, [.. missing.Where(locked.Contains)], cancellationToken));
        found.AddRange(await ReadForPairsAsync(db, connection, transaction, sums.Sum, sums.Read, [.. missing.Where(m => !locked.Contains(m))], cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return found;
    }

    /// <summary>Runs one of <see cref="KeptAsync"/>'s statements for the (school, period) pairs given as @school and @period, and reads its rows; none when no pair is given.</summary>
    private static async Task<List<T>> ReadForPairsAsync<T>(AppDbContext db, NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Func<NpgsqlDataReader, T> read, IReadOnlyCollection<(Guid School, DateOnly Period)> pairs, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        if (pairs.Count == 0)
        {
            return rows;
        }

        await using var command = new NpgsqlCommand(TenantSql.Scoped(db, sql), connection, transaction);
        command.Parameters.AddWithValue("school", pairs.Select(p => p.School).ToArray());
        command.Parameters.AddWithValue("period", pairs.Select(p => p.Period).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// The trust view — pupils, attendance, persistent and severe absence, and pupils in each attendance wave,
    /// per school, each school by its own profile's thresholds — from the yearly summaries. Pupils with identical
    /// figures are grouped (each school's pairs of sessions possible and attended, kept per school: ADR 0031); the
    /// thresholds are then applied here by the domain's own rules (<see cref="AttendanceFigures.IsPersistentAbsence"/>,
    /// <see cref="Domain.Policy.AttendanceWave.Applies"/>), once per group, so there is no second copy of the arithmetic
    /// in SQL. A test holds the view equal to the per-pupil figures.
    /// </summary>
    /// <param name="pupils">Only these pupils (the dashboard's year-group and vulnerable-group filter), grouped afresh; null for every pupil.</param>
    public static async Task<IReadOnlyList<SchoolAttendance>> TrustViewAsync(AppDbContext db, IReadOnlyList<(Guid SchoolId, Domain.Policy.AttendanceSettings Settings)> schools, AcademicYear year, CancellationToken cancellationToken = default, IReadOnlyCollection<Guid>? pupils = null)
    {
        var lines = await OnConnectionAsync(db, async connection =>
        {
            var found = schools.ToDictionary(s => s.SchoolId, s => new TrustViewLine(s.Settings));
            if (pupils is null)
            {
                foreach (var pairs in await KeptAsync(db, connection, SchoolYears, [.. found.Keys.Select(s => (s, year.Start))], cancellationToken))
                {
                    for (var i = 0; i < pairs.Pupils.Length; i++)
                    {
                        found[pairs.SchoolId].Add(new AttendanceFigures(pairs.Possible[i], pairs.Attending[i], 0, 0, 0, 0, 0), pairs.Pupils[i]);
                    }
                }

                return found;
            }

            await using var command = new NpgsqlCommand(TenantSql.Scoped(db, TrustView), connection);
            command.Parameters.AddWithValue("school", schools.Select(s => s.SchoolId).ToArray());
            command.Parameters.AddWithValue("year", year.Start);
            command.Parameters.AddWithValue("pupils", pupils.ToArray());
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
    /// Each school's week is read from its kept sum, summed and kept the first time it is asked for after a change
    /// (ADR 0026).
    /// </summary>
    public static async Task<IReadOnlyList<SchoolWeek>> WeeklyAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, IReadOnlyCollection<DateOnly> weeks,
        IReadOnlyCollection<Guid>? pupils = null, CancellationToken cancellationToken = default)
    {
        return await OnConnectionAsync<IReadOnlyList<SchoolWeek>>(db, async connection =>
        {
            if (pupils is null)
            {
                return await KeptAsync(db, connection, SchoolWeeks, [.. from school in schools from week in weeks select (school, week)], cancellationToken);
            }

            await using var command = new NpgsqlCommand(TenantSql.Scoped(db, $"{SumWeeks} WHERE w.school_id = ANY(@school) AND w.week_start = ANY(@weeks) AND w.pupil_id = ANY(@pupils) GROUP BY 1, 2"), connection);
            command.Parameters.AddWithValue("school", schools.ToArray());
            command.Parameters.AddWithValue("weeks", weeks.ToArray());
            command.Parameters.AddWithValue("pupils", pupils.ToArray());
            var found = new List<SchoolWeek>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(new SchoolWeek(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt32(2), reader.GetInt32(3)));
            }

            return found;
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

/// <summary>
/// What <see cref="AttendanceSummaries.RepairDriftAsync"/> found in a trust: how many pupils' weeks and years differed from their marks
/// (other figures, or a row on one side only), and whose they were.
/// </summary>
public sealed record SummaryDrift(int Weeks, int Years, IReadOnlyList<Guid> Pupils);

/// <summary>One school's week: sessions possible and attended (present or an approved educational activity).</summary>
public sealed record SchoolWeek(Guid SchoolId, DateOnly WeekStart, int Possible, int Attending);

/// <summary>One school's line of the trust view.</summary>
public sealed record SchoolAttendance(Guid SchoolId, int Pupils, int Possible, int Attending, int Persistent, int Severe, IReadOnlyDictionary<int, int> PupilsPerWave)
{
    public decimal? Percent => Possible == 0 ? null : 100m * Attending / Possible;
}
