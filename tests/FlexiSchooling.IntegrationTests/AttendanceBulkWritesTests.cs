using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// The set-based mark insert (<see cref="AttendanceBulkWrites"/>) sends a command's school, time, user and first-entry
/// reason once, as single values, not as arrays of one value repeated: marks that differ in any of them must go in
/// commands of their own, each row keeping its own.
/// </summary>
public sealed class AttendanceBulkWritesTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    [Fact]
    public async Task Marks_that_differ_in_school_time_user_or_first_entry_reason_are_each_written_with_their_own()
    {
        await using var services = TestDatabase.Services(_db);
        Guid trust;
        List<(Guid Id, Guid SchoolId)> pupils;
        List<Guid> users;
        await using (var system = services.GetRequiredService<SystemDb>().Create())
        {
            trust = await system.Trusts.OrderBy(t => t.Name).Select(t => t.Id).FirstAsync();
            var schools = await system.Schools.Where(s => s.TrustId == trust).OrderBy(s => s.Name).Select(s => s.Id).Take(2).ToListAsync();
            pupils = [];
            foreach (var school in schools)
            {
                pupils.AddRange((await system.Pupils.Where(p => p.SchoolId == school).OrderBy(p => p.Upn).Take(2).Select(p => new { p.Id, p.SchoolId }).ToListAsync()).Select(p => (p.Id, p.SchoolId)));
            }

            users = await system.Users.Where(u => u.TrustId == trust).OrderBy(u => u.Email).Select(u => u.Id).Take(2).ToListAsync();
        }

        // A day after the demo's marks, so every session here is new.
        var day = new DateOnly(2027, 6, 30);
        var registers = PolicyTemplates.Get(PolicyTemplates.Ddat).Settings.Registers;
        var (early, late) = (new DateTimeOffset(2027, 6, 30, 8, 50, 0, TimeSpan.Zero), new DateTimeOffset(2027, 6, 30, 9, 5, 0, TimeSpan.Zero));
        var entry = new MarkEntry("/", null, null);
        AttendanceMark Imported((Guid Id, Guid SchoolId) pupil, Session session, Guid user, DateTimeOffset at, string file) =>
            AttendanceMark.Import(pupil.SchoolId, pupil.Id, day, session, entry, registers, day, user, at, $"Imported from {file}");
        var marks = new List<AttendanceMark>
        {
            Imported(pupils[0], Session.AM, users[0], early, "a.csv"),
            Imported(pupils[1], Session.AM, users[0], early, "a.csv"), // the same command as the first
            Imported(pupils[0], Session.PM, users[1], early, "a.csv"), // another user
            Imported(pupils[1], Session.PM, users[0], late, "a.csv"), // another time
            Imported(pupils[2], Session.AM, users[0], early, "a.csv"), // another school
            Imported(pupils[2], Session.PM, users[0], early, "b.csv"), // another reason only
            AttendanceMark.Record(pupils[3].SchoolId, pupils[3].Id, day, Session.AM, entry, registers, day, users[1], late, null).Mark, // no reason
        };

        using (var scope = services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust, users[0], true, [], null, null);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await AttendanceBulkWrites.InsertAsync(db, marks, [], addToSummaries: true);
            await transaction.CommitAsync();
        }

        await using (var system = services.GetRequiredService<SystemDb>().Create())
        {
            var ids = marks.Select(m => m.Id).ToList();
            var saved = await system.AttendanceMarks.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id);
            Assert.Equal(marks.Count, saved.Count);
            foreach (var mark in marks)
            {
                var row = saved[mark.Id];
                Assert.Equal((mark.SchoolId, mark.PupilId, mark.Session, mark.RecordedBy, mark.RecordedAt, mark.FirstEntryReason), (row.SchoolId, row.PupilId, row.Session, row.RecordedBy, row.RecordedAt, row.FirstEntryReason));
            }

            // Each pupil's week counts its own new sessions: two for the first three pupils, one for the last.
            var weeks = await system.AttendancePupilWeeks.AsNoTracking().Where(w => w.WeekStart == AttendanceFigures.SummaryWeekOf(day)).ToDictionaryAsync(w => w.PupilId, w => w.Figures.Possible);
            Assert.Equal([2, 2, 2, 1], pupils.Select(p => weeks[p.Id]));
        }
    }
}
