using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using Microsoft.EntityFrameworkCore;
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

    private const string Weeks = $"""
        INSERT INTO attendance_pupil_weeks (trust_id, school_id, pupil_id, week_start, {Counts})
        SELECT m.trust_id, m.school_id, m.pupil_id, {WeekKey},
               count(*) FILTER (WHERE m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')),
               count(*) FILTER (WHERE m.category = 'Present'),
               count(*) FILTER (WHERE m.category = 'ApprovedEducationalActivity'),
               count(*) FILTER (WHERE m.category = 'Authorised'),
               count(*) FILTER (WHERE m.category = 'Unauthorised'),
               count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')),
               count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity'))
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

    private const string RefreshYears = $"{Years} WHERE w.pupil_id = ANY(@pupils) AND w.week_start BETWEEN @yearFrom AND @yearTo {UpsertYears}";

    private const string Refresh = $"{RefreshWeeks}; {RefreshYears}";

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
        foreach (var sql in new[] { RefreshWeeks, RefreshYears })
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

    /// <summary>Rebuilds every summary from the marks (system context, owner connection).</summary>
    public static async Task<int> RebuildAllAsync(AppDbContext systemDb, CancellationToken cancellationToken = default)
    {
        await using var transaction = await systemDb.Database.BeginTransactionAsync(cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync("DELETE FROM attendance_pupil_years; DELETE FROM attendance_pupil_weeks", cancellationToken);
        var rows = await systemDb.Database.ExecuteSqlRawAsync(RebuildWeeks, cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync(RebuildYears, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>Each pupil's figures for a whole academic year, for the given schools: one row per pupil from the yearly summaries.</summary>
    public static async Task<List<(Guid SchoolId, Guid PupilId, AttendanceFigures Figures)>> PerPupilForYearAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, AcademicYear year, CancellationToken cancellationToken = default)
    {
        var start = year.Start;
        var rows = await db.AttendancePupilYears.AsNoTracking()
            .Where(y => schools.Contains(y.SchoolId) && y.YearStart == start)
            .Select(y => new { y.SchoolId, y.PupilId, y.Possible, y.Present, y.ApprovedActivity, y.Authorised, y.Unauthorised, y.ExpectedPossible, y.ExpectedAttended })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.SchoolId, r.PupilId, new AttendanceFigures(r.Possible, r.Present, r.ApprovedActivity, r.Authorised, r.Unauthorised, r.ExpectedPossible, r.ExpectedAttended)))];
    }

    /// <summary>Up to this many attendance waves per school are counted (Hinckley has four).</summary>
    public const int MaxWaves = 6;

    /// <summary>Thresholds are compared as whole numbers at this scale, so the comparison is exact and fast.</summary>
    private const int Scale = 10_000;

    private const string TrustView = """
        SELECT y.school_id, count(*)::int, sum(y.possible)::int, sum(y.present + y.approved_activity)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) <= t.persistent * y.possible)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) <= t.severe * y.possible)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) < t.w1 * y.possible + t.i1)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) < t.w2 * y.possible + t.i2)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) < t.w3 * y.possible + t.i3)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) < t.w4 * y.possible + t.i4)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) < t.w5 * y.possible + t.i5)::int,
               count(*) FILTER (WHERE 1000000::bigint * (y.present + y.approved_activity) < t.w6 * y.possible + t.i6)::int
          FROM attendance_pupil_years y
          JOIN unnest(@school, @persistent, @severe, @w1, @w2, @w3, @w4, @w5, @w6, @i1, @i2, @i3, @i4, @i5, @i6)
               AS t(school_id, persistent, severe, w1, w2, w3, w4, w5, w6, i1, i2, i3, i4, i5, i6) ON t.school_id = y.school_id
         WHERE y.school_id = ANY(@school) AND y.year_start = @year AND y.possible > 0
         GROUP BY y.school_id
        """;

    /// <summary>
    /// The trust view — pupils, attendance, persistent and severe absence, and pupils in each attendance wave,
    /// per school, each school by its own profile's thresholds — counted inside PostgreSQL in one pass over
    /// the yearly summaries (one row per pupil), so one row per school comes back. The same arithmetic as
    /// <see cref="AttendanceFigures.IsPersistentAbsence"/> and <see cref="Domain.Policy.AttendanceWave.Applies"/>,
    /// in whole numbers (100 × 10,000 × attending compared with 10,000 × threshold × possible), so exact and fast;
    /// a test holds the two equal.
    /// </summary>
    public static async Task<IReadOnlyList<SchoolAttendance>> TrustViewAsync(AppDbContext db, IReadOnlyList<(Guid SchoolId, Domain.Policy.AttendanceSettings Settings)> schools, AcademicYear year, CancellationToken cancellationToken = default)
    {
        static long Scaled(decimal percent) => decimal.Truncate(percent * Scale) == percent * Scale
            ? (long)(percent * Scale)
            : throw new InvalidOperationException($"A threshold of {percent}% has more than four decimal places.");

        var waves = schools.Select(s => s.Settings.Waves.OrderBy(w => w.Stage).ToList()).ToList();
        if (waves.Any(w => w.Count > MaxWaves))
        {
            throw new InvalidOperationException($"The trust view counts at most {MaxWaves} attendance waves per school.");
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = new NpgsqlCommand(TrustView, connection);
            command.Parameters.AddWithValue("school", schools.Select(s => s.SchoolId).ToArray());
            command.Parameters.AddWithValue("persistent", schools.Select(s => Scaled(s.Settings.PersistentAbsenceAtOrBelowPercent)).ToArray());
            command.Parameters.AddWithValue("severe", schools.Select(s => Scaled(s.Settings.SevereAbsenceAtOrBelowPercent)).ToArray());
            for (var i = 0; i < MaxWaves; i++)
            {
                var index = i;
                command.Parameters.AddWithValue($"w{i + 1}", waves.Select(w => index < w.Count ? Scaled(w[index].ThresholdPercent) : (long?)null).ToArray());
                // An inclusive wave ("at or below") in whole numbers: x <= y  ⇔  x < y + 1.
                command.Parameters.AddWithValue($"i{i + 1}", waves.Select(w => index < w.Count && w[index].Inclusive ? 1L : 0L).ToArray());
            }

            command.Parameters.AddWithValue("year", year.Start);
            var lines = new Dictionary<Guid, SchoolAttendance>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var school = reader.GetGuid(0);
                    var schoolWaves = waves[schools.Select((s, i) => (s.SchoolId, i)).First(x => x.SchoolId == school).i];
                    lines[school] = new SchoolAttendance(school, reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                        schoolWaves.Select((w, i) => (w.Stage, Count: reader.GetInt32(6 + i))).ToDictionary(x => x.Stage, x => x.Count));
                }
            }

            return [.. schools.Select((s, i) => lines.GetValueOrDefault(s.SchoolId) ?? new SchoolAttendance(s.SchoolId, 0, 0, 0, 0, 0, waves[i].ToDictionary(w => w.Stage, _ => 0)))];
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}

/// <summary>One school's line of the trust view.</summary>
public sealed record SchoolAttendance(Guid SchoolId, int Pupils, int Possible, int Attending, int Persistent, int Severe, IReadOnlyDictionary<int, int> PupilsPerWave)
{
    public decimal? Percent => Possible == 0 ? null : 100m * Attending / Possible;
}
