using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages.Attendance;

/// <summary>Issue 3, the trust view: grouped in SQL and thresholded by the domain, it must agree with the domain's arithmetic pupil by pupil.</summary>
public sealed class TrustViewTests : AppTest
{
    [Fact]
    public async Task Trust_view_from_the_yearly_summaries_equals_the_domain_arithmetic_for_every_school_and_threshold()
    {
        await using var services = TestDatabase.Services(Db);
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM trusts WHERE name LIKE 'Northfield%'");
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust, Guid.Empty, true, [], "Test", null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var versions = await db.PolicyProfileVersions.AsNoTracking().ToListAsync();
        var year = AcademicYear.Containing(TestDatabase.SeededOn.Date is var d ? DateOnly.FromDateTime(d) : default);
        var schools = (await db.Schools.AsNoTracking().Select(s => s.Id).ToListAsync())
            .Select(id => (id, PolicyProfileVersion.InForce(versions, id, year.Start.AddDays(80)).Settings.Attendance)).ToList();
        Assert.True(schools.Select(s => string.Join(",", s.Attendance.Waves.Select(w => w.ThresholdPercent))).Distinct().Count() > 1); // schools with different waves

        var view = await AttendanceSummaries.TrustViewAsync(db, schools, year);
        var perPupil = await AttendanceSummaries.PerPupilForYearAsync(db, [.. schools.Select(s => s.id)], year);
        foreach (var ((id, settings), line) in schools.Zip(view))
        {
            var figures = perPupil.Where(p => p.SchoolId == id && p.Figures.Possible > 0).Select(p => p.Figures).ToList();
            Assert.True(figures.Count > 100);
            Assert.Equal(figures.Count, line.Pupils);
            Assert.Equal(figures.Sum(f => f.Attending), line.Attending);
            Assert.Equal(figures.Count(f => f.IsPersistentAbsence(settings)), line.Persistent);
            Assert.Equal(figures.Count(f => f.IsSevereAbsence(settings)), line.Severe);
            foreach (var wave in settings.Waves)
            {
                Assert.Equal(figures.Count(f => wave.Applies(f.Percent!.Value)), line.PupilsPerWave[wave.Stage]);
            }
        }

        Assert.Contains(view, line => line.Persistent > 0);
    }

    [Fact]
    public async Task Attendance_since_a_day_from_the_weekly_summaries_equals_the_pupils_marks_counted_from_that_day()
    {
        // The formal review rule counts from the start or the day after the last formal review held (000 §7; 003
        // Flexi-Schooling Protocol §7), any day of a week; the dashboard counts it for every case from the weekly summaries.
        var random = new Random(20261203);
        var codes = AttendanceCodeSet.Dfe2024.Codes.Where(c => c.Code is not ("L" or "U")).Select(c => c.Code).ToArray();
        await using var services = TestDatabase.Services(Db);
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM trusts WHERE name LIKE 'Northfield%'");
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust, Guid.Empty, true, [], "Test", null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Pupils with marks, the flexi pupil's home sessions (not expected in school) among them.
        var pupils = await db.AttendanceMarks.Where(m => !m.ExpectedInSchool).Select(m => new { m.PupilId, m.SchoolId }).Distinct()
            .Concat(db.AttendanceMarks.Where(m => m.Date == new DateOnly(2026, 11, 4)).Select(m => new { m.PupilId, m.SchoolId }).Distinct().OrderBy(p => p.PupilId).Take(24))
            .ToListAsync();
        Assert.True(pupils.Count > 20);

        // Marks either side of 1 September 2026 (a Tuesday): that week is two summary weeks, one in each academic year.
        var registers = PolicyTemplates.Get(PolicyTemplates.Ddat).Settings.Registers;
        var (written, history) = (new List<AttendanceMark>(), new List<MarkChange>());
        foreach (var (pupilId, schoolId) in pupils.Take(8).Select(p => (p.PupilId, p.SchoolId)))
        {
            foreach (var day in new DateOnly[] { new(2026, 8, 31), new(2026, 9, 1), new(2026, 9, 3), new(2026, 9, 8) })
            {
                var (fresh, change) = AttendanceMark.Record(schoolId, pupilId, day, Session.AM, new MarkEntry(codes[random.Next(codes.Length)], null, null, ExpectedInSchool: random.Next(3) != 0), registers, day, null, DateTimeOffset.UtcNow, null);
                written.Add(fresh);
                history.Add(change);
            }
        }

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await AttendanceBulkWrites.InsertAsync(db, written, history, []);
            await transaction.CommitAsync();
        }

        // Every day from before the year to after the last mark, a week start or not, for every pupil.
        var days = Enumerable.Range(0, 100).Select(d => new DateOnly(2026, 8, 28).AddDays(d)).ToList();
        var ids = pupils.Select(p => p.PupilId).ToList();
        var marks = (await db.AttendanceMarks.AsNoTracking().Where(m => ids.Contains(m.PupilId)).Select(m => new { m.PupilId, m.Date, m.Category, m.ExpectedInSchool }).ToListAsync()).ToLookup(m => m.PupilId);
        // Read forwards for every day, then for some days and backwards for the rest, then backwards for every day.
        foreach (var today in new DateOnly[] { new(2026, 8, 1), new(2026, 12, 3), new(2027, 7, 20) })
        {
            var since = await AttendanceSummaries.SinceAsync(db, [.. from p in ids from d in days select (p, d)], today);
            foreach (var pupil in ids)
            {
                foreach (var day in days)
                {
                    Assert.Equal(AttendanceFigures.From(marks[pupil].Where(m => m.Date >= day).Select(m => (m.Category, m.ExpectedInSchool))), since[(pupil, day)]);
                }
            }

            Assert.Contains(since.Values, f => f.ExpectedPossible < f.Possible); // some sessions were not expected in school
            Assert.Contains(since, s => s.Key.From.Day == 2 && s.Key.From.Month == 9 && s.Value.Possible > 0); // a day inside the split week counted
        }
    }

    [Fact]
    public async Task Trust_view_keeps_each_schools_year_and_a_change_to_its_pupils_years_drops_it_in_the_same_transaction()
    {
        // ADR 0031: the first view keeps each school's pairs of sessions; they equal the pupils' years grouped afresh. Any
        // statement that changes a school's pupils' years drops that school's kept pairs (the trigger of 0037), and only
        // that school's; the next view sums them again from the truth.
        await using var trust = await ColdTrustAsync();
        var (db, schools, year, pupil) = (trust.Db, trust.Schools, trust.Year, trust.Pupil);
        var first = await AttendanceSummaries.TrustViewAsync(db, schools, year);
        Assert.Equal(schools.Count, await Records.CountAsync("SELECT count(*) FROM attendance_school_years"));
        var fresh = $"""
            SELECT count(*) FROM (SELECT school_id, possible, present + approved_activity AS attending, count(*)::int AS pupils
                                    FROM attendance_pupil_years WHERE possible > 0 AND year_start = '{year.Start:yyyy-MM-dd}'
                                     AND trust_id = (SELECT id FROM trusts WHERE name LIKE 'Northfield%') GROUP BY 1, 2, 3) f
             FULL JOIN (SELECT k.school_id, u.possible, u.attending, u.pupils FROM attendance_school_years k,
                               unnest(k.possible, k.attending, k.pupils) AS u(possible, attending, pupils)) k
                    ON f.school_id = k.school_id AND f.possible = k.possible AND f.attending = k.attending AND f.pupils = k.pupils
             WHERE f.school_id IS NULL OR k.school_id IS NULL
            """;
        Assert.Equal(0L, await Records.CountAsync(fresh)); // every pair kept is a pair of the pupils' years, and no pair is missing

        // One pupil of the first school attends two more sessions this year.
        var (school, _) = schools[0];
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE attendance_pupil_years SET possible = possible + 2, present = present + 2 WHERE pupil_id = {pupil} AND year_start = {year.Start}");
            await transaction.CommitAsync();
        }

        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM attendance_school_years WHERE school_id = '{school}'"));
        Assert.Equal(schools.Count - 1, await Records.CountAsync("SELECT count(*) FROM attendance_school_years")); // the other schools' pairs stay
        var second = await AttendanceSummaries.TrustViewAsync(db, schools, year);
        Assert.Equal(first[0].Attending + 2, second[0].Attending);
        Assert.Equal(first[0].Possible + 2, second[0].Possible);
        Assert.Equal(first.Skip(1), second.Skip(1), (a, b) => a.Attending == b.Attending && a.Possible == b.Possible && a.Persistent == b.Persistent);
        Assert.Equal(0L, await Records.CountAsync(fresh));
    }

    [Fact]
    public async Task A_trust_view_beside_a_change_in_flight_sums_that_school_and_keeps_nothing_behind_the_change()
    {
        // ADR 0031: a change to a school's pupils' years holds the school's year lock shared until it ends; a view that
        // cannot take it at once sums the school from what is committed and keeps nothing for it, so no kept sum can miss
        // a change. Once the change is committed, the next view keeps the school with it.
        await using var trust = await ColdTrustAsync();
        var (db, schools, year, pupil) = (trust.Db, trust.Schools, trust.Year, trust.Pupil);
        var (school, _) = schools[0];
        var before = await AttendanceSummaries.TrustViewAsync(db, schools, year);
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), "DELETE FROM attendance_school_years");

        using var changeScope = trust.Services.CreateScope();
        changeScope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(await TrustIdAsync(), Guid.Empty, true, [], "Test", null);
        var change = changeScope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using (var transaction = await change.Database.BeginTransactionAsync())
        {
            await change.Database.ExecuteSqlAsync($"UPDATE attendance_pupil_years SET possible = possible + 2, present = present + 2 WHERE pupil_id = {pupil} AND year_start = {year.Start}");

            var during = await AttendanceSummaries.TrustViewAsync(db, schools, year);
            Assert.Equal(before[0].Attending, during[0].Attending); // what is committed, not the change in flight
            Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM attendance_school_years WHERE school_id = '{school}'"));
            Assert.Equal(schools.Count - 1, await Records.CountAsync("SELECT count(*) FROM attendance_school_years")); // the others are kept
            await transaction.CommitAsync();
        }

        var after = await AttendanceSummaries.TrustViewAsync(db, schools, year);
        Assert.Equal(before[0].Attending + 2, after[0].Attending);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_school_years WHERE school_id = '{school}'"));
        Assert.Equal(before[0].Attending + 2, (await AttendanceSummaries.TrustViewAsync(db, schools, year))[0].Attending); // read from what is kept
    }

    private async Task<Guid> TrustIdAsync() => await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM trusts WHERE name LIKE 'Northfield%'");

    /// <summary>
    /// The Northfield trust on the application's role, its kept school years dropped (each test starts cold): its schools
    /// with their attendance settings, the seeded school year, and a pupil of its first school with sessions that year.
    /// </summary>
    private async Task<TrustUnderTest> ColdTrustAsync()
    {
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), "DELETE FROM attendance_school_years");
        var services = TestDatabase.Services(Db);
        var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(await TrustIdAsync(), Guid.Empty, true, [], "Test", null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var versions = await db.PolicyProfileVersions.AsNoTracking().ToListAsync();
        var year = AcademicYear.Containing(DateOnly.FromDateTime(TestDatabase.SeededOn.Date));
        var schools = (await db.Schools.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Id).ToListAsync())
            .Select(id => (id, PolicyProfileVersion.InForce(versions, id, year.Start.AddDays(80)).Settings.Attendance)).ToList();
        var pupil = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT pupil_id FROM attendance_pupil_years WHERE school_id = '{schools[0].id}' AND year_start = '{year.Start:yyyy-MM-dd}' AND possible > 0 ORDER BY pupil_id LIMIT 1");
        return new TrustUnderTest(services, scope, db, schools, year, pupil);
    }

    private sealed record TrustUnderTest(ServiceProvider Services, IServiceScope Scope, AppDbContext Db, List<(Guid SchoolId, AttendanceSettings Settings)> Schools, AcademicYear Year, Guid Pupil) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Scope.Dispose();
            await Services.DisposeAsync();
        }
    }
}
