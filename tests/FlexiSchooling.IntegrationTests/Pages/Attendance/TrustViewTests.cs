using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Tenancy;
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
}
