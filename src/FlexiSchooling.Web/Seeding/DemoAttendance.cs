using FlexiSchooling.Data;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// Realistic demo marks for every pupil since the autumn half-term (<see cref="DemoCalendar.MarksFrom"/>) up to yesterday, written with
/// PostgreSQL's binary COPY (tens of thousands of rows in well under a second), each with its
/// first history entry. Most pupils attend well; a few are persistently absent. Sessions an arrangement or
/// leave declares (<see cref="ExpectedMark"/>) are recorded as the register records them — the declared code,
/// not expected in school where it says so — and <paramref name="planned"/> codes (the demo's running case)
/// replace the random ones.
/// </summary>
internal static class DemoAttendance
{
    public static async Task SeedMarksAsync(AppDbContext db, TimeProvider time, Random random, IReadOnlyDictionary<(Guid Pupil, DateOnly Date, Session Session), string>? planned = null)
    {
        var today = LondonClock.Today(time);
        var from = new DemoCalendar(today).MarksFrom;
        if (today <= from)
        {
            return;
        }

        var holidays = await db.BankHolidays.Select(b => b.Date).ToListAsync();
        var pupils = await db.Pupils.AsNoTracking().Select(p => new { p.Id, p.TrustId, p.SchoolId, p.AdmissionDate }).ToListAsync();
        var calendars = new Dictionary<Guid, SchoolCalendar>();
        foreach (var school in pupils.Select(p => p.SchoolId).Distinct())
        {
            var terms = await db.Terms.AsNoTracking().Where(t => t.SchoolId == school).ToListAsync();
            var closures = await db.ClosureDays.Where(c => c.SchoolId == school).Select(c => c.Date).ToListAsync();
            calendars[school] = new SchoolCalendar(terms, closures, holidays);
        }

        var declared = (await db.ExpectedMarks.AsNoTracking().Where(e => e.WithdrawnAt == null).ToListAsync()).ToLookup(e => e.PupilId);
        var set = AttendanceCodeSet.Dfe2024;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var now = time.GetUtcNow();
        var changes = new List<(Guid Id, Guid Trust, Guid School, Guid Mark, Guid Pupil, DateOnly Date, string Session, string Code)>();
        await using (var marks = await connection.BeginBinaryImportAsync(
            "COPY attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, minutes_late, comment, expected_in_school, expected_mark_id, recorded_at, recorded_by) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var pupil in pupils)
            {
                // About one pupil in twelve is persistently absent in the demo.
                var absenceRate = random.Next(12) == 0 ? 0.15 + random.NextDouble() * 0.2 : random.NextDouble() * 0.05;
                foreach (var date in calendars[pupil.SchoolId].SchoolDaysBetween(from, today.AddDays(-1)).Where(d => d >= pupil.AdmissionDate))
                {
                    foreach (var session in new[] { Session.AM, Session.PM })
                    {
                        var roll = random.NextDouble();
                        var (code, minutes) = roll < absenceRate
                            ? (roll < absenceRate * 0.6 ? "I" : roll < absenceRate * 0.8 ? "O" : "M", (int?)null)
                            : session == Session.AM && random.Next(40) == 0 ? ("L", (int?)random.Next(3, 15)) : (AttendanceCodeSet.Present(session), null);
                        var expected = declared[pupil.Id].FirstOrDefault(e => e.Covers(date, session));
                        if (planned?.GetValueOrDefault((pupil.Id, date, session)) is { } plannedCode)
                        {
                            (code, minutes) = (plannedCode, null);
                        }
                        else if (expected is not null)
                        {
                            (code, minutes) = (expected.Code, null);
                        }

                        var (expectedInSchool, expectedMarkId) = ExpectedMark.Against(expected, code);
                        var id = Ids.New();
                        await marks.StartRowAsync();
                        await marks.WriteAsync(id, NpgsqlDbType.Uuid);
                        await marks.WriteAsync(pupil.TrustId, NpgsqlDbType.Uuid);
                        await marks.WriteAsync(pupil.SchoolId, NpgsqlDbType.Uuid);
                        await marks.WriteAsync(pupil.Id, NpgsqlDbType.Uuid);
                        await marks.WriteAsync(date, NpgsqlDbType.Date);
                        await marks.WriteAsync(session.ToString(), NpgsqlDbType.Varchar);
                        await marks.WriteAsync(code, NpgsqlDbType.Varchar);
                        await marks.WriteAsync(set[code].Category.ToString(), NpgsqlDbType.Varchar);
                        if (minutes is { } m)
                        {
                            await marks.WriteAsync(m, NpgsqlDbType.Integer);
                        }
                        else
                        {
                            await marks.WriteNullAsync();
                        }

                        await marks.WriteNullAsync();
                        await marks.WriteAsync(expectedInSchool, NpgsqlDbType.Boolean);
                        if (expectedMarkId is { } e)
                        {
                            await marks.WriteAsync(e, NpgsqlDbType.Uuid);
                        }
                        else
                        {
                            await marks.WriteNullAsync();
                        }

                        await marks.WriteAsync(now, NpgsqlDbType.TimestampTz);
                        await marks.WriteNullAsync();
                        changes.Add((Ids.New(), pupil.TrustId, pupil.SchoolId, id, pupil.Id, date, session.ToString(), code));
                    }
                }
            }

            await marks.CompleteAsync();
        }

        await using var history = await connection.BeginBinaryImportAsync(
            "COPY attendance_mark_changes (id, trust_id, school_id, mark_id, pupil_id, date, session, new_code, reason, changed_at) FROM STDIN (FORMAT BINARY)");
        foreach (var c in changes)
        {
            await history.WriteRowAsync(default, c.Id, c.Trust, c.School, c.Mark, c.Pupil, c.Date, c.Session, c.Code, "Demo data", now);
        }

        await history.CompleteAsync();
    }
}
