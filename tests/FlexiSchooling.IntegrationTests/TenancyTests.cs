using System.Reflection;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Outbox;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 2, "Tenancy", test 1: every tenant-owned entity type, found by reflection over the model,
/// is seeded for two trusts and proven not to leak — once through the EF filters alone (on the
/// owner connection, which bypasses RLS) and once through RLS alone (filters ignored).
/// </summary>
public sealed class TenancyTests : IAsyncLifetime
{
    private string _db = "";
    private Guid _trustA;
    private Guid _trustB;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var trusts = await TestDatabase.ScalarAsync<Guid[]>(TestDatabase.Super(_db), "SELECT array_agg(id ORDER BY name) FROM trusts");
        (_trustA, _trustB) = (trusts[0], trusts[1]);

        // Types the demo seed does not fill get a row in each trust here (a QA visit needs a running placement, which the demo has not: written directly).
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), """
            INSERT INTO placement_visits (id, trust_id, school_id, arrangement_id, visited_on, visited_by, external_agencies, safeguarding, attendance, behaviour_and_pastoral, curriculum_and_progress, qualifications_and_next_steps, additional_comments, satisfactory, recorded_by, recorded_at)
            SELECT DISTINCT ON (p.trust_id) gen_random_uuid(), p.trust_id, p.school_id, p.arrangement_id, current_date, 'A. Leader', '', 'None', 'Full', 'Settled', 'Good', 'On track', '', true, gen_random_uuid(), now() FROM placements p;
            INSERT INTO provider_reports (id, trust_id, school_id, arrangement_id, date, outcome, detail, channel, received_at, recorded_by, recorded_at)
            SELECT DISTINCT ON (p.trust_id) gen_random_uuid(), p.trust_id, p.school_id, p.arrangement_id, current_date, 'Attended', '', 'Phone', '09:40', gen_random_uuid(), now() FROM placements p;
            """);
        await using var services = TestDatabase.Services(_db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        foreach (var trust in trusts)
        {
            var user = await system.Users.FirstAsync(u => u.TrustId == trust);
            var invitation = new Invitation(user.Id, Invitation.Hash(Guid.NewGuid().ToString()), DateTimeOffset.UtcNow.AddDays(1), user.Id);
            invitation.StampTrust(trust);
            system.Invitations.Add(invitation);
            var message = new OutboxMessage("x@example.org", "s", "t", "h", DateTimeOffset.UtcNow);
            message.StampTrust(trust);
            system.OutboxMessages.Add(message);
            system.Set<IdentityUserToken<Guid>>().Add(new IdentityUserToken<Guid> { UserId = user.Id, LoginProvider = "test", Name = "n", Value = "v" });
            system.Set<IdentityUserClaim<Guid>>().Add(new IdentityUserClaim<Guid> { UserId = user.Id, ClaimType = "t", ClaimValue = "v" });
            var session = new UserSession(user.Id, "Chrome on Windows", null, DateTimeOffset.UtcNow);
            session.StampTrust(trust);
            system.UserSessions.Add(session);
            var pupil = await system.Pupils.FirstAsync(p => p.TrustId == trust);
            var sar = Domain.Privacy.SubjectAccessRequest.Record(pupil.SchoolId, pupil.Id, "Sam Parent", Domain.Privacy.SubjectAccessRequester.Parent,
                new DateOnly(2026, 11, 2), null, new HashSet<DateOnly>(), new DateOnly(2026, 11, 2), user.Id, DateTimeOffset.UtcNow);
            sar.StampTrust(trust);
            system.SubjectAccessRequests.Add(sar);
            var bundle = new Domain.Privacy.SubjectAccessBundle(sar.Id, "export.zip", [0x50, 0x4b], DateTimeOffset.UtcNow);
            bundle.StampTrust(trust);
            system.SubjectAccessBundles.Add(bundle);
            var hold = new Domain.Privacy.LegalHold(pupil.Id, null, "A claim", user.Id, DateTimeOffset.UtcNow);
            hold.StampTrust(trust);
            system.LegalHolds.Add(hold);
            var run = Domain.Privacy.RetentionRun.Report(new DateOnly(2026, 11, 2), Domain.Privacy.RetentionSchedule.Default, "nothing", DateTimeOffset.UtcNow);
            run.StampTrust(trust);
            system.RetentionRuns.Add(run);
            var settings = new Domain.Privacy.RetentionSettings(Domain.Privacy.RetentionSchedule.Default, user.Id, DateTimeOffset.UtcNow);
            settings.StampTrust(trust);
            system.RetentionSettings.Add(settings);
            var leave = new Domain.Attendance.ExpectedMark(pupil.SchoolId, pupil.Id, new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 2), Domain.Attendance.Sessions.Both, null, "M", false, "Leave of absence", null);
            leave.StampTrust(trust);
            system.ExpectedMarks.Add(leave);
            var group = await system.RegistrationGroups.FirstAsync(g => g.TrustId == trust);
            var submission = new Data.Attendance.RegisterSubmission(Guid.NewGuid(), group.SchoolId, group.Id, new DateOnly(2026, 11, 2), Domain.Attendance.Session.AM, null, DateTimeOffset.UtcNow);
            submission.StampTrust(trust);
            system.RegisterSubmissions.Add(submission);
            var contact = new Domain.Attendance.AbsenceContact(pupil.SchoolId, pupil.Id, DateTimeOffset.UtcNow, new DateOnly(2026, 11, 2), Domain.Attendance.ContactMethod.Call, true, null, "Test", null);
            contact.StampTrust(trust);
            system.AbsenceContacts.Add(contact);
            var batch = new Data.Attendance.ImportBatch(pupil.SchoolId, Data.Attendance.ImportKind.Marks, "x.csv", "UPN", 0, null, DateTimeOffset.UtcNow);
            batch.StampTrust(trust);
            system.ImportBatches.Add(batch);
            // An agreed flexi case with its agreement (the demo cases await their decisions).
            var arrangement = await system.Arrangements.FirstAsync(a => a.TrustId == trust && a.Stage == Domain.Arrangements.ArrangementStage.MeetingHeld);
            arrangement.Decide(Domain.Arrangements.DecisionOutcome.Agreed, [], null, arrangement.MeetingOn!.Value, Guid.NewGuid(), null, DateTimeOffset.UtcNow);
            var calendar = new Domain.Calendar.SchoolCalendar(await system.Terms.Where(t => t.SchoolId == arrangement.SchoolId).ToListAsync(), [], []);
            var start = calendar.SchoolDaysBetween(arrangement.MeetingOn.Value, arrangement.MeetingOn.Value.AddDays(60)).First();
            var (agreement, drafted) = Domain.Flexi.FlexiAgreement.DraftFor(arrangement, new Domain.Flexi.AgreementTerms("a", "b", "c", "d", "e", "f", "g", "h", start,
                Domain.Arrangements.SessionPattern.Of([(DayOfWeek.Monday, Domain.Attendance.Session.AM)])), calendar, null, DateTimeOffset.UtcNow);
            agreement.StampTrust(trust);
            drafted.StampTrust(trust);
            system.FlexiAgreements.Add(agreement);
            system.ArrangementEvents.Add(drafted);
            var (link, _, sent) = Domain.Flexi.AgreementSignatureLink.Send(arrangement, agreement, "parent@example.org", "A parent", null, DateTimeOffset.UtcNow);
            link.StampTrust(trust);
            sent.StampTrust(trust);
            system.AgreementSignatureLinks.Add(link);
            system.ArrangementEvents.Add(sent);
            var (risk, started) = Domain.RiskAssessments.RiskAssessment.Start(arrangement, Domain.RiskAssessments.RiskTemplates.All[0], null, DateTimeOffset.UtcNow);
            risk.StampTrust(trust);
            started.StampTrust(trust);
            system.RiskAssessments.Add(risk);
            system.ArrangementEvents.Add(started);
            var (review, scheduled) = Domain.Arrangements.ArrangementReview.Schedule(arrangement, start, null, DateTimeOffset.UtcNow);
            review.StampTrust(trust);
            scheduled.StampTrust(trust);
            system.ArrangementReviews.Add(review);
            system.ArrangementEvents.Add(scheduled);
            system.Set<IdentityUserLogin<Guid>>().Add(new IdentityUserLogin<Guid> { UserId = user.Id, LoginProvider = "test", ProviderKey = trust.ToString(), ProviderDisplayName = "t" });
            // A half-termly return (only one demo school's authority takes them).
            var returns = new Domain.Trusts.LocalAuthority(trust, "Tenancy test returns authority", null, Domain.Trusts.LocalAuthorityNotice.HalfTermlyReturn, "returns@tenancy.example", 5, null);
            system.LocalAuthorities.Add(returns);
            var halfTerm = new Domain.Trusts.HalfTerm(new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 23));
            var sentReturn = Domain.Trusts.LocalAuthorityReturn.Record(arrangement.SchoolId, returns, halfTerm, new DateOnly(2026, 10, 26), "Returns team", 0, false, new DateOnly(2026, 10, 26), null, DateTimeOffset.UtcNow);
            sentReturn.StampTrust(trust);
            system.LocalAuthorityReturns.Add(sentReturn);
        }

        await system.SaveChangesAsync();
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    public static IEnumerable<object[]> TenantTypes()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>().UseNpgsql("Host=unused").Options;
        using var db = AppDbContext.For(options, TenantContext.System());
        return AppDbContext.TenantOwnedTypes(db.Model).Select(t => new object[] { t.Name });
    }

    [Theory]
    [MemberData(nameof(TenantTypes))]
    public async Task Tenant_owned_type_does_not_leak_between_trusts(string typeName)
    {
        await using var services = TestDatabase.Services(_db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        var type = system.Model.GetEntityTypes().Single(t => t.ClrType.Name == typeName).ClrType;
        var method = typeof(TenancyTests).GetMethod(nameof(TrustsVisibleAsync), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);

        // Both trusts have rows, so "no leak" is not vacuous.
        var all = await (Task<List<Guid>>)method.Invoke(null, [system, false])!;
        Assert.Contains(_trustA, all);
        Assert.Contains(_trustB, all);

        // EF filters alone: owner connection (RLS bypassed), trust A's tenant context.
        await using (var filtersOnly = services.GetRequiredService<SystemDb>().Create(TenantContext.ForTrust(_trustA)))
        {
            Assert.Equal([_trustA], await (Task<List<Guid>>)method.Invoke(null, [filtersOnly, false])!);
        }

        // RLS alone: app connection, filters ignored.
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(_trustB, Guid.Empty, true, [], null, null);
        var rlsOnly = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal([_trustB], await (Task<List<Guid>>)method.Invoke(null, [rlsOnly, true])!);
    }

    // ADR 0042: the request's context comes from a pool, so the same object serves one trust's request and then another's;
    // so does the read context when reads have a connection of their own (here a second string for the same database).
    [Fact]
    public async Task A_pooled_context_is_given_each_requests_tenant_and_goes_back_to_the_pool_without_one()
    {
        await using var services = new ServiceCollection().AddSingleton(TimeProvider.System)
            .AddFlexiData(TestDatabase.App(_db), TestDatabase.Owner(_db), TestDatabase.App(_db) + ";Application Name=flexi-read")
            .BuildServiceProvider();
        foreach (var read in new[] { false, true })
        {
            AppDbContext Resolve(IServiceProvider sp) => read ? sp.GetRequiredService<ReadDb>().Context : sp.GetRequiredService<AppDbContext>();
            AppDbContext first;
            await using (var scope = services.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(_trustA, Guid.Empty, true, [], null, null);
                first = Resolve(scope.ServiceProvider);
                Assert.Equal(read, !ReferenceEquals(first, scope.ServiceProvider.GetRequiredService<AppDbContext>()));
                Assert.Equal([_trustA], await first.Pupils.Select(p => p.TrustId).Distinct().ToListAsync());
            }

            // Back in the pool it holds no tenant: nothing it could read as the last request's trust.
            Assert.Throws<InvalidOperationException>(() => first.Tenant);

            await using (var scope = services.CreateAsyncScope())
            {
                var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
                tenant.SetUser(_trustB, Guid.Empty, true, [], null, null);
                var second = Resolve(scope.ServiceProvider);
                Assert.Same(first, second); // the pool's context again, which is what this test is about
                Assert.Same(tenant, second.Tenant);
                Assert.Equal([_trustB], await second.Pupils.Select(p => p.TrustId).Distinct().ToListAsync()); // the filters
                Assert.Equal([_trustB], await second.Pupils.IgnoreQueryFilters().Select(p => p.TrustId).Distinct().ToListAsync()); // row-level security

                // Its sibling (reads alongside it) comes from the same pool with the same tenant, and goes back without it.
                AppDbContext sibling;
                await using (sibling = second.Sibling())
                {
                    Assert.Same(tenant, sibling.Tenant);
                    Assert.Equal([_trustB], await sibling.Pupils.IgnoreQueryFilters().Select(p => p.TrustId).Distinct().ToListAsync());
                }

                Assert.Throws<InvalidOperationException>(() => sibling.Tenant);
                await using (var again = second.Sibling())
                {
                    Assert.Same(sibling, again); // rented again from the pool, not made afresh
                    Assert.Same(tenant, again.Tenant);
                }
            }
        }

        // A context taken from the pool's factory itself, never given a request's tenant, refuses to read at all.
        await using var bare = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => bare.Pupils.ToListAsync());
        Assert.Contains("no tenant", refused.ToString());
    }

    private static async Task<List<Guid>> TrustsVisibleAsync<T>(AppDbContext db, bool ignoreFilters)
        where T : class
    {
        IQueryable<T> query = db.Set<T>().AsNoTracking();
        if (ignoreFilters)
        {
            query = query.IgnoreQueryFilters();
        }

        var property = typeof(T) == typeof(Trust) ? nameof(Trust.Id) : "TrustId";
        return await query.Select(e => EF.Property<Guid>(e, property)).Distinct().ToListAsync();
    }

    // One delegate, compiled once, run with contexts of different trusts and schools: what ADR 0034's compiled reads rely on.
    private static readonly Func<AppDbContext, IAsyncEnumerable<Pupil>> AllPupils = EF.CompileAsyncQuery((AppDbContext db) => db.Pupils.AsNoTracking());

    [Fact]
    public async Task A_compiled_query_applies_each_contexts_own_trust_and_schools_not_the_first_ones()
    {
        await using var services = TestDatabase.Services(_db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        var schoolsOfA = await system.Schools.Where(s => s.TrustId == _trustA).OrderBy(s => s.Name).Select(s => s.Id).ToListAsync();

        // EF filters alone (the owner's connection bypasses RLS), so a filter carried over from the first context would show.
        var seen = new List<(Guid Trust, Guid School)>();
        foreach (var tenant in new[] { TenantContext.ForTrust(_trustA), TenantContext.ForTrust(_trustB), TenantContext.ForTrust(_trustA, false, schoolsOfA[1]), TenantContext.ForTrust(_trustA) })
        {
            await using var db = services.GetRequiredService<SystemDb>().Create(tenant);
            seen.Clear();
            await foreach (var pupil in AllPupils(db))
            {
                seen.Add((pupil.TrustId, pupil.SchoolId));
            }

            Assert.NotEmpty(seen);
            Assert.All(seen, s => Assert.Equal(tenant.TrustId, s.Trust));
            if (!tenant.AllSchools)
            {
                Assert.All(seen, s => Assert.Equal(schoolsOfA[1], s.School));
            }
            else if (tenant.TrustId == _trustA)
            {
                Assert.True(seen.Select(s => s.School).Distinct().Count() > 1, "a trust-wide context sees every school of its trust");
            }
        }
    }

    [Fact]
    public async Task New_rows_are_stamped_with_the_current_trust()
    {
        await using var services = TestDatabase.Services(_db);
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(_trustA, Guid.Empty, true, [], null, null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var school = await db.Schools.FirstAsync();
        var group = new RegistrationGroup(school.Id, "Stamped", 5);
        db.RegistrationGroups.Add(group);
        await db.SaveChangesAsync();
        Assert.Equal(_trustA, group.TrustId);
    }

    [Fact]
    public async Task A_save_inside_a_begun_transaction_sets_no_savepoint_so_a_refused_save_abandons_the_whole_transaction()
    {
        // ADR 0043: the save interceptor turns Entity Framework's automatic savepoints off. With one, a save that PostgreSQL
        // refuses is rolled back to it and the transaction goes on; without, the transaction is refused whole — which is how
        // every transaction here is used (a failed save rolls it all back), one round trip and one subtransaction a save fewer.
        await using var services = TestDatabase.Services(_db);
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(_trustA, Guid.Empty, true, [], null, null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var group = await db.RegistrationGroups.AsNoTracking().FirstAsync();
        var key = Guid.NewGuid();
        RegisterSubmission Submission() => new(key, group.SchoolId, group.Id, new DateOnly(2026, 11, 23), Domain.Attendance.Session.AM, null, DateTimeOffset.UtcNow);

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.RegisterSubmissions.Add(Submission());
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            db.RegisterSubmissions.Add(Submission()); // the same key again: refused by its primary key
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            db.ChangeTracker.Clear();
            var aborted = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => db.Schools.CountAsync());
            Assert.Equal(Npgsql.PostgresErrorCodes.InFailedSqlTransaction, aborted.SqlState);
        }

        // Nothing of the transaction was kept, the first save included.
        await using var system = services.GetRequiredService<SystemDb>().Create();
        Assert.False(await system.RegisterSubmissions.AnyAsync(s => s.Id == key));
    }

    [Fact]
    public async Task A_write_to_another_trusts_row_is_refused()
    {
        await using var services = TestDatabase.Services(_db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        var foreignSchool = await system.Schools.FirstAsync(s => s.TrustId == _trustB);

        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(_trustA, Guid.Empty, true, [], null, null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var group = new RegistrationGroup(foreignSchool.Id, "Smuggled", 5);
        group.StampTrust(_trustB);
        db.RegistrationGroups.Add(group);
        await Assert.ThrowsAsync<TenantViolationException>(() => db.SaveChangesAsync());

        // Attaching another trust's row and saving a change is refused too.
        var db2 = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db2.ChangeTracker.Clear();
        var foreignPupil = await system.Pupils.AsNoTracking().FirstAsync(p => p.TrustId == _trustB);
        db2.Attach(foreignPupil);
        foreignPupil.Rename("Changed", "ByAnotherTrust", null, null);
        await Assert.ThrowsAsync<TenantViolationException>(() => db2.SaveChangesAsync());
    }

    [Fact]
    public async Task A_school_user_cannot_write_to_a_sibling_school()
    {
        await using var services = TestDatabase.Services(_db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        var schools = await system.Schools.Where(s => s.TrustId == _trustA).OrderBy(s => s.Name).Select(s => s.Id).ToListAsync();

        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(_trustA, Guid.Empty, false, [schools[0]], null, null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Empty(await db.Pupils.Where(p => p.SchoolId == schools[1]).ToListAsync());
        db.RegistrationGroups.Add(new RegistrationGroup(schools[1], "Sibling", 3));
        await Assert.ThrowsAsync<TenantViolationException>(() => db.SaveChangesAsync());
    }
}
