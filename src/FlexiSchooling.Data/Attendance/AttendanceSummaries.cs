using FlexiSchooling.Domain.Attendance;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Data.Attendance;

/// <summary>Maintains <see cref="AttendancePupilWeek"/> from attendance_marks with one SQL statement.</summary>
public static class AttendanceSummaries
{
    private const string Aggregate = """
        SELECT m.trust_id, m.school_id, m.pupil_id, (m.date - (extract(isodow FROM m.date)::int - 1)) AS week_start,
               count(*) FILTER (WHERE m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')),
               count(*) FILTER (WHERE m.category = 'Present'),
               count(*) FILTER (WHERE m.category = 'ApprovedEducationalActivity'),
               count(*) FILTER (WHERE m.category = 'Authorised'),
               count(*) FILTER (WHERE m.category = 'Unauthorised'),
               count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')),
               count(*) FILTER (WHERE m.expected_in_school AND m.category IN ('Present', 'ApprovedEducationalActivity'))
          FROM attendance_marks m
        """;

    private const string Columns = "trust_id, school_id, pupil_id, week_start, possible, present, approved_activity, authorised, unauthorised, expected_possible, expected_attended";

    private const string Upsert = """
         GROUP BY 1, 2, 3, 4
        ON CONFLICT (pupil_id, school_id, week_start) DO UPDATE SET
            possible = EXCLUDED.possible, present = EXCLUDED.present, approved_activity = EXCLUDED.approved_activity,
            authorised = EXCLUDED.authorised, unauthorised = EXCLUDED.unauthorised,
            expected_possible = EXCLUDED.expected_possible, expected_attended = EXCLUDED.expected_attended
        """;

    /// <summary>Recomputes the weeks containing <paramref name="dates"/> for the pupils, inside the caller's transaction.</summary>
    public static Task<int> RefreshAsync(AppDbContext db, IReadOnlyCollection<Guid> pupilIds, IEnumerable<DateOnly> dates, CancellationToken cancellationToken = default)
    {
        var weeks = dates.Select(AttendanceFigures.WeekOf).Distinct().ToList();
        if (pupilIds.Count == 0 || weeks.Count == 0)
        {
            return Task.FromResult(0);
        }

        var from = weeks.Min();
        var to = weeks.Max().AddDays(6);
        var pupils = pupilIds.ToArray();
        return db.Database.ExecuteSqlRawAsync(
            $"INSERT INTO attendance_pupil_weeks ({Columns}) {Aggregate} WHERE m.pupil_id = ANY(@p0) AND m.date BETWEEN @p1 AND @p2 {Upsert}",
            [new Npgsql.NpgsqlParameter("p0", pupils), new Npgsql.NpgsqlParameter("p1", from), new Npgsql.NpgsqlParameter("p2", to)],
            cancellationToken);
    }

    /// <summary>Rebuilds every summary from the marks (system context, owner connection).</summary>
    public static async Task<int> RebuildAllAsync(AppDbContext systemDb, CancellationToken cancellationToken = default)
    {
        await using var transaction = await systemDb.Database.BeginTransactionAsync(cancellationToken);
        await systemDb.Database.ExecuteSqlRawAsync("DELETE FROM attendance_pupil_weeks", cancellationToken);
        var rows = await systemDb.Database.ExecuteSqlRawAsync($"INSERT INTO attendance_pupil_weeks ({Columns}) {Aggregate} {Upsert}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary>Each pupil's figures over whole weeks, for the given schools, read from the summaries only.</summary>
    public static async Task<List<(Guid SchoolId, Guid PupilId, AttendanceFigures Figures)>> PerPupilAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var weekFrom = AttendanceFigures.WeekOf(from);
        var rows = await db.AttendancePupilWeeks.AsNoTracking()
            .Where(w => schools.Contains(w.SchoolId) && w.WeekStart >= weekFrom && w.WeekStart <= to)
            .GroupBy(w => new { w.SchoolId, w.PupilId })
            .Select(g => new
            {
                g.Key.SchoolId,
                g.Key.PupilId,
                Possible = g.Sum(w => w.Possible),
                Present = g.Sum(w => w.Present),
                Aea = g.Sum(w => w.ApprovedActivity),
                Auth = g.Sum(w => w.Authorised),
                Unauth = g.Sum(w => w.Unauthorised),
                ExpectedPossible = g.Sum(w => w.ExpectedPossible),
                ExpectedAttended = g.Sum(w => w.ExpectedAttended),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.SchoolId, r.PupilId, new AttendanceFigures(r.Possible, r.Present, r.Aea, r.Auth, r.Unauth, r.ExpectedPossible, r.ExpectedAttended)))];
    }
}
