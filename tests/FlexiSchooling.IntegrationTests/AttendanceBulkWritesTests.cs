using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
            await AttendanceBulkWrites.InsertAsync(db, marks, [], []);
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

    [Fact]
    public async Task A_new_register_saved_again_under_its_key_fails_on_the_submissions_key_and_keeps_nothing_of_the_second_batch()
    {
        // RegisterModel answers a double submission as saved when the one-batch save fails on PK_register_submissions (ADR
        // 0054): the batch inserts the submission first, and PostgreSQL runs it as one implicit transaction, so nothing of a
        // second batch under the same key stays — not its marks (the other session's here, so that no other key refuses
        // them), their history, its audit row or its summaries.
        await using var services = TestDatabase.Services(_db);
        Guid trust, school, group, user;
        List<Guid> pupils;
        await using (var system = services.GetRequiredService<SystemDb>().Create())
        {
            trust = await system.Trusts.OrderBy(t => t.Name).Select(t => t.Id).FirstAsync();
            var first = await system.RegistrationGroups.Where(g => g.TrustId == trust).OrderBy(g => g.Name).Select(g => new { g.SchoolId, g.Id }).FirstAsync();
            (school, group) = (first.SchoolId, first.Id);
            pupils = await system.Pupils.Where(p => p.RegistrationGroupId == group).OrderBy(p => p.Upn).Select(p => p.Id).Take(3).ToListAsync();
            user = await system.Users.Where(u => u.TrustId == trust).OrderBy(u => u.Email).Select(u => u.Id).FirstAsync();
        }

        var day = new DateOnly(2027, 6, 30);
        var at = new DateTimeOffset(2027, 6, 30, 8, 50, 0, TimeSpan.Zero);
        var key = Guid.NewGuid();
        var registers = PolicyTemplates.Get(PolicyTemplates.Ddat).Settings.Registers;
        async Task SaveAsync(Session session)
        {
            using var scope = services.CreateScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust, user, true, [], null, null);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var recorded = pupils.Select(p => AttendanceMark.Record(school, p, day, session, new MarkEntry("/", null, null), registers, day, user, at, null)).ToList();
            await AttendanceBulkWrites.SaveNewRegisterAsync(db, new RegisterSubmission(key, school, group, day, session, user, at),
                [.. recorded.Select(r => r.Mark)], [.. recorded.Select(r => r.Change)], at);
        }

        await SaveAsync(Session.AM);
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => SaveAsync(Session.PM));
        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.StartsWith("PK_register_submissions", refused.ConstraintName, StringComparison.Ordinal);

        var counts = await TestDatabase.ScalarAsync<long[]>(TestDatabase.Super(_db), $"""
            SELECT ARRAY[(SELECT count(*) FROM attendance_marks WHERE date = '2027-06-30' AND session = 'AM'),
                         (SELECT count(*) FROM attendance_marks WHERE date = '2027-06-30' AND session = 'PM'),
                         (SELECT count(*) FROM attendance_mark_changes WHERE date = '2027-06-30'),
                         (SELECT count(*) FROM audit_events WHERE entity_id = '{key}'),
                         (SELECT coalesce(sum(possible), 0) FROM attendance_pupil_weeks WHERE week_start = '2027-06-28')]
            """);
        Assert.Equal([pupils.Count, 0L, pupils.Count, 1L, pupils.Count], counts);
    }
}
