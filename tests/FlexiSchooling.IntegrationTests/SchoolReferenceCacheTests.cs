using FlexiSchooling.Data;
using FlexiSchooling.Data.Reference;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests;

/// <summary>ADR 0016: each school's calendar and profile versions are cached for a minute, never across trusts, and a change through the application is seen at once.</summary>
public sealed class SchoolReferenceCacheTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 12, 9); // a Wednesday in the demo autumn term
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    [Fact]
    public async Task A_closure_saved_through_the_application_is_seen_at_once_and_another_trust_never_gets_a_cached_calendar()
    {
        await using var services = TestDatabase.Services(_db);
        var (northfield, ashby) = (await TrustAsync("Northfield%"), await SchoolAsync("Ashby%"));
        Assert.True((await CalendarAsync(services, northfield, ashby)).IsSchoolDay(Day));

        // Another trust asking for the same school id reads nothing (row-level security), cached or not.
        Assert.False((await CalendarAsync(services, await TrustAsync("St Aidan%"), ashby)).IsSchoolDay(Day));

        using (var scope = services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(northfield, Guid.Empty, true, [], "Test", null);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.ClosureDays.Add(new ClosureDay(ashby, Day, ClosureKind.Inset, "Staff training"));
            await db.SaveChangesAsync();
        }

        Assert.False((await CalendarAsync(services, northfield, ashby)).IsSchoolDay(Day));
    }

    [Fact]
    public async Task A_change_made_elsewhere_is_seen_once_the_cached_entry_is_a_minute_old()
    {
        var clock = new AdjustableTime(DateTimeOffset.UtcNow);
        await using var services = TestDatabase.Services(_db, time: clock);
        var (northfield, castle) = (await TrustAsync("Northfield%"), await SchoolAsync("Castle Hill%"));
        Assert.True((await CalendarAsync(services, northfield, castle)).IsSchoolDay(Day));

        // Another instance of the application (here: SQL) closes the school that day.
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT trust_id FROM schools WHERE id = '{castle}'");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db),
            $"INSERT INTO closure_days (id, trust_id, school_id, date, kind, description) VALUES (gen_random_uuid(), '{trust}', '{castle}', '{Day:yyyy-MM-dd}', 'Inset', 'Staff training')");
        clock.Advance(SchoolReferenceCache.Lifetime - TimeSpan.FromSeconds(1));
        Assert.True((await CalendarAsync(services, northfield, castle)).IsSchoolDay(Day));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await CalendarAsync(services, northfield, castle)).IsSchoolDay(Day));
    }

    private static async Task<SchoolCalendar> CalendarAsync(IServiceProvider services, Guid trust, Guid school)
    {
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust, Guid.Empty, true, [], "Test", null);
        return await SchoolRules.CalendarAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), school);
    }

    private Task<Guid> TrustAsync(string like) => TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT id FROM trusts WHERE name LIKE '{like}'");

    private Task<Guid> SchoolAsync(string like) => TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT id FROM schools WHERE name LIKE '{like}'");
}
