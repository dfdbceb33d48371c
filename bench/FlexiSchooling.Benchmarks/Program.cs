using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FlexiSchooling.Benchmarks;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.Testing;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

// Issue 3's benchmark: a trust at scale (36 schools, 30,000 pupils, a school year of marks, about
// 11.4 million) and three ratios, each against a reference measured in the same run on the same
// machine. Connection strings come from scripts/benchmark (a throwaway cluster).
var app = Environment.GetEnvironmentVariable("ConnectionStrings__App")!;
var owner = Environment.GetEnvironmentVariable("ConnectionStrings__Owner")!;
var schoolsCount = int.Parse(Environment.GetEnvironmentVariable("BENCH_SCHOOLS") ?? "36", CultureInfo.InvariantCulture);
var pupilsCount = int.Parse(Environment.GetEnvironmentVariable("BENCH_PUPILS") ?? "30000", CultureInfo.InvariantCulture);
// (a) and the page load give each concurrent user an attendance officer of a school of their own (two users of one school
// would save and read the same registers), so a run needs at least as many schools as users: said before minutes of
// generating rather than as an index error after them.
var concurrentUsers = int.Parse(Environment.GetEnvironmentVariable("BENCH_USERS") ?? "8", CultureInfo.InvariantCulture);
if (schoolsCount < concurrentUsers)
{
    Console.Error.WriteLine($"BENCH_SCHOOLS={schoolsCount} is fewer than BENCH_USERS={concurrentUsers}: each concurrent user is the attendance officer of a school of their own. Set BENCH_SCHOOLS to at least {concurrentUsers}, or BENCH_USERS to at most {schoolsCount}.");
    Environment.ExitCode = 2;
    return;
}

var report = new StringBuilder();
void Say(string line)
{
    Console.WriteLine(line);
    report.AppendLine(line);
}

var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddFlexiData(app, owner).BuildServiceProvider();
var systemDb = services.GetRequiredService<SystemDb>();
await systemDb.MigrateAsync(); // the schema, and the shipped bank holidays

// ---- Generate the trust -------------------------------------------------------------------------
var clock = Stopwatch.StartNew();
var random = new Random(7);
var trust = new Trust("Benchmark Multi-Academy Trust");
var schools = new List<School>();
var groups = new List<RegistrationGroup>();
var pupils = new List<Pupil>();
var officers = new List<(string Email, Guid School)>();
const string Password = "benchmark-walnut-harbour";
var hash = new PasswordHasher<AppUser>().HashPassword(new AppUser(), Password);
await using (var db = systemDb.Create())
{
    db.Trusts.Add(trust);
    var template = PolicyTemplates.Get(PolicyTemplates.Ddat);
    var profile = new PolicyProfileVersion(null, 1, template.Key, template.SourcePolicy, template.Settings, new(2025, 7, 1), "Board", new(2025, 8, 1), new(2026, 7, 1), null);
    profile.StampTrust(trust.Id);
    db.PolicyProfileVersions.Add(profile);
    var authority = new LocalAuthority(trust.Id, "Benchmarkshire County Council", null, LocalAuthorityNotice.OnlineForm, "https://forms.benchmarkshire.example/arrangements", 14, null);
    db.LocalAuthorities.Add(authority);
    for (var s = 0; s < schoolsCount; s++)
    {
        var school = new School(trust.Id, $"Benchmark School {s + 1:00}", $"{900000 + s}", authority.Id, SchoolPhase.Secondary, KeyStages.KS3 | KeyStages.KS4);
        schools.Add(school);
        db.Schools.Add(school);
        foreach (var t in new (string, DateOnly, DateOnly, DateOnly, DateOnly)[]
        {
            ("Autumn 2025", new(2025, 9, 1), new(2025, 12, 19), new(2025, 10, 27), new(2025, 10, 31)),
            ("Spring 2026", new(2026, 1, 5), new(2026, 3, 27), new(2026, 2, 16), new(2026, 2, 20)),
            ("Summer 2026", new(2026, 4, 13), new(2026, 7, 22), new(2026, 5, 25), new(2026, 5, 29)),
        })
        {
            var term = new Term(school.Id, t.Item1, t.Item2, t.Item3, t.Item4, t.Item5);
            term.StampTrust(trust.Id);
            db.Terms.Add(term);
        }

        var user = new AppUser
        {
            Id = Guid.CreateVersion7(), TrustId = trust.Id, UserName = $"officer{s}@bench.example", NormalizedUserName = $"OFFICER{s}@BENCH.EXAMPLE",
            Email = $"officer{s}@bench.example", NormalizedEmail = $"OFFICER{s}@BENCH.EXAMPLE", EmailConfirmed = true, DisplayName = $"Officer {s}",
            PasswordHash = hash, SecurityStamp = Guid.NewGuid().ToString("N"), LockoutEnabled = true, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Users.Add(user);
        var role = new RoleAssignment(user.Id, StaffRole.AttendanceOfficer, school.Id);
        role.StampTrust(trust.Id);
        db.RoleAssignments.Add(role);
        officers.Add((user.Email!, school.Id));
    }

    var serial = 0;
    for (var p = 0; p < pupilsCount; p++)
    {
        var school = schools[p % schools.Count];
        var schoolGroups = groups.Where(g => g.SchoolId == school.Id).ToList();
        var group = schoolGroups.LastOrDefault();
        if (group is null || pupils.Count(x => x.RegistrationGroupId == group.Id) >= 30)
        {
            group = new RegistrationGroup(school.Id, $"G{schoolGroups.Count + 1:00}", 7 + schoolGroups.Count % 5);
            group.StampTrust(trust.Id);
            groups.Add(group);
            db.RegistrationGroups.Add(group);
        }

        var pupil = new Pupil(school.Id, Upns.Create($"9{++serial:00000000000}"), "Pupil", $"Number{serial}", new DateOnly(2012, 1, 1).AddDays(serial % 1500), group.YearGroup!.Value, new DateOnly(2025, 9, 1));
        pupil.StampTrust(trust.Id);
        pupil.PlaceInGroup(group, group.YearGroup!.Value);
        pupils.Add(pupil);
        db.Pupils.Add(pupil);
    }

    db.ChangeTracker.AutoDetectChangesEnabled = false;
    await db.SaveChangesAsync();
}

var calendar = new SchoolCalendar(await systemDb.Create().Terms.AsNoTracking().Where(t => t.SchoolId == schools[0].Id).ToListAsync(), [], BankHolidayFeed.Shipped().Select(b => b.Date));
// Marks for the year up to 3 July; the last thirteen school days are left for the measurements: a warm-up
// and the application's registers (days 1-4), the hand-written SQL's registers (days 5-8), the import (days 9-13), whose
// last three days (a) at 32 users' rounds write first and take away again.
var markedDays = calendar.SchoolDaysBetween(new(2025, 9, 1), new(2026, 7, 3)).ToList();
var openDays = calendar.SchoolDaysBetween(new(2026, 7, 6), new(2026, 7, 22)).ToList();
Say($"Generated {schools.Count} schools, {pupils.Count:N0} pupils, {groups.Count} registration groups in {clock.Elapsed.TotalSeconds:0.0} s");

// The trust's new rows analysed before its marks are copied in, as autovacuum would within a minute of their arriving.
// Unanalysed, PostgreSQL can plan each mark's two foreign-key checks badly on tables this small: a small trust's year
// (2,000 pupils) copied in 91 s instead of 12 s (the same COPY on the server, with and without; without the foreign keys
// 4.9 s), which made the reference below seven times slower than the fastest way to load it (docs/performance.md).
await using (var db = systemDb.Create())
{
    await db.Database.ExecuteSqlRawAsync("ANALYZE");
}

// ---- Reference for (c): raw binary COPY of the year's marks --------------------------------------
string[] codes = ["/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "/", "I", "M", "O", "L", "B", "C"];
long marks = 0;
clock.Restart();
await using (var connection = new NpgsqlConnection(owner))
{
    await connection.OpenAsync();
    using var copy = connection.BeginBinaryImport("COPY attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, minutes_late, expected_in_school, recorded_at) FROM STDIN (FORMAT BINARY)");
    var now = DateTimeOffset.UtcNow;
    foreach (var day in markedDays)
    {
        foreach (var pupil in pupils)
        {
            foreach (var session in new[] { Session.AM, Session.PM })
            {
                var code = codes[random.Next(codes.Length)];
                CopyMark(copy, trust.Id, pupil, day, session, code == "/" && session == Session.PM ? "\\" : code, now);
                marks++;
            }
        }
    }

    copy.Complete();
}

var copyRate = marks / clock.Elapsed.TotalSeconds;
Say($"COPY of {marks:N0} marks: {clock.Elapsed.TotalSeconds:0.0} s ({copyRate:N0} rows/s)");
clock.Restart();
await using (var db = systemDb.Create())
{
    db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
    await db.Database.ExecuteSqlRawAsync("ANALYZE");
    await AttendanceSummaries.RebuildAllAsync(db);
}

Say($"Weekly summaries rebuilt from the marks in {clock.Elapsed.TotalSeconds:0.0} s");
clock.Restart();
await using (var db = systemDb.Create())
{
    // A year's bulk load leaves autovacuum minutes of work on 11 million fresh rows, which would compete with
    // every measurement on two cores; a running server's tables are vacuumed. So vacuum once, as autovacuum
    // would, before measuring (it also sets the visibility map the trust view's index scans rely on).
    db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
    await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE)");
    // And checkpoint it. The load's WAL starts a checkpoint as the load ends, which PostgreSQL spreads over minutes
    // and ends by syncing the files the load wrote; left alone it ran on into (b), (a) and the page, and the writes and
    // the sync fell on whichever side of a ratio was being timed (docs/performance.md, twenty-ninth session). A running
    // server's checkpoints carry minutes of registers, not a year loaded at once.
    await db.Database.ExecuteSqlRawAsync("CHECKPOINT");
}

Say($"Vacuumed and checkpointed after the bulk load in {clock.Elapsed.TotalSeconds:0.0} s");


// ---- (b) The trust view: pupils below each threshold, per school ---------------------------------
var allSchools = schools.Select(s => s.Id).ToList();
var settings = PolicyTemplates.Get(PolicyTemplates.Ddat).Settings.Attendance;
var summaryTimes = new List<double>();
var keptTimes = new List<double>();
var rawTimes = new List<double>();
for (var i = 0; i < 33; i++)
{
    // Each time summed afresh from the pupils' yearly rows, as after every school's registers have changed: the kept
    // pairs (ADR 0031) are dropped first, untimed. Then read again, from what that read kept.
    await using (var system = systemDb.Create())
    {
        await system.Database.ExecuteSqlRawAsync("DELETE FROM attendance_school_years");
    }

    foreach (var times in new[] { summaryTimes, keptTimes })
    {
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust.Id, Guid.Empty, true, allSchools, null, null);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var watch = Stopwatch.StartNew();
        var view = await AttendanceSummaries.TrustViewAsync(db, [.. allSchools.Select(id => (id, settings))], new(2025));
        if (view.Sum(v => v.Pupils) != pupils.Count)
        {
            throw new InvalidOperationException("The trust view does not count every pupil.");
        }
        if (i >= 3)
        {
            times.Add(watch.Elapsed.TotalMilliseconds); // the first three warm up the process
        }
    }
}

for (var i = 0; i < 5; i++)
{
    using var scope = services.CreateScope();
    scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust.Id, Guid.Empty, true, allSchools, null, null);
    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
    db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
    var watch = Stopwatch.StartNew();
    var raw = await db.AttendanceMarks.AsNoTracking().Where(m => m.Date >= new DateOnly(2025, 9, 1) && m.Date <= new DateOnly(2026, 8, 31))
        .GroupBy(m => new { m.SchoolId, m.PupilId })
        .Select(g => new { g.Key.SchoolId, Possible = g.Count(m => m.Category != AttendanceCategory.NotPossible && m.Category != AttendanceCategory.Administrative), Attending = g.Count(m => m.Category == AttendanceCategory.Present || m.Category == AttendanceCategory.ApprovedEducationalActivity) })
        .ToListAsync();
    _ = raw.GroupBy(r => r.SchoolId).Select(g => g.Count(r => r.Possible > 0 && 100m * r.Attending / r.Possible <= settings.PersistentAbsenceAtOrBelowPercent)).ToList();
    rawTimes.Add(watch.Elapsed.TotalMilliseconds);
}

double P95(List<double> xs) => xs.Order().ElementAt(Math.Max(0, (int)Math.Ceiling(xs.Count * 0.95) - 1));
Say($"(b) Trust view summed afresh from the yearly summaries: p95 {P95(summaryTimes):0.0} ms (target < 50 ms); from raw marks: p95 {P95(rawTimes):0} ms; ratio {P95(rawTimes) / P95(summaryTimes):0.0}x (target >= 50x)");
Say($"    the same view read from the pairs that read kept (ADR 0031): p95 {P95(keptTimes):0.0} ms");

// ---- (a) Saving a 30-pupil register: the application vs one hand-written SQL round trip ----------
var factory = new WebApplicationFactory<CurrentUser>().WithWebHostBuilder(b =>
{
    b.UseEnvironment("Benchmark");
    b.UseContentRoot(Path.Combine(Directory.GetCurrentDirectory(), "src", "FlexiSchooling.Web"));
    b.UseSetting("ConnectionStrings:App", app);
    b.UseSetting("ConnectionStrings:Owner", owner);
    b.UseSetting("Security:RequireTwoFactor", "false");
    b.UseSetting("FlexiSchooling:DataDirectory", Directory.CreateTempSubdirectory("flexi-bench-").FullName);
    // The night's summaries check (ADR 0057) reads every mark (26 s at full scale), its first pass five minutes after the
    // start: a benchmark run between 01:00 and 06:00 would have it mid-measurement. The day's work is what is timed. (The
    // application started as its own process, for the cold start, the register session and the balancer, has it as
    // shipped: a benchmark run at night could find it there.)
    b.UseSetting("Attendance:NightlySummaryCheck", "false");
});
var users = Enumerable.Range(0, concurrentUsers).Select(i => officers[i]).ToList();
List<RegistrationGroup> SchoolGroups((string Email, Guid School) officer) => [.. groups.Where(g => g.SchoolId == officer.School)];
var saveClients = await Task.WhenAll(users.Select(async officer =>
    (Officer: officer, Client: await SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }), officer.Email))));

// Warm-up (not measured): the afternoon registers of the first day, so the measured saves find the process's code
// compiled and its caches filled, as a running server's would be.
await Task.WhenAll(saveClients.Select(async user =>
{
    foreach (var group in SchoolGroups(user.Officer).Take(6))
    {
        await SaveRegisterAsync(user.Client, group, openDays[0], "PM");
    }
}));

// The reference in its two forms, each the same writes in one round trip: sent as text, parsed and planned by PostgreSQL
// on every save, and prepared once per connection (Npgsql prepares each of its statements; each save then sends only
// the parameters). The application prepares its own statements on its connections (ADR 0033), so the faster of the two
// is the reference; both are reported. Different registers of the same schools on the same mornings, so each form
// inserts its marks afresh; each user has a connection of its own for each form, kept through the rounds.
//
// Timed in turn, a day a round (twenty-third session): the application's saves of the round's day (each user six
// registers of its school), then the text form's and the prepared form's of a later day, four rounds. Timed one block
// after the other, as before, a slow stretch of the shared machine fell on one side of the ratio only (the page load
// showed it, twenty-second session).
var appTimes = new List<double>();
var textSqlTimes = new List<double>();
var preparedSqlTimes = new List<double>();
var textConnections = await Task.WhenAll(users.Select(_ => OpenAsync(owner)));
var preparedConnections = await Task.WhenAll(users.Select(_ => OpenAsync(owner)));
for (var round = 0; round < 4; round++)
{
    await Task.WhenAll(saveClients.Select(async user =>
    {
        foreach (var group in SchoolGroups(user.Officer).Take(6))
        {
            var elapsed = await SaveRegisterAsync(user.Client, group, openDays[round], "AM");
            lock (appTimes)
            {
                appTimes.Add(elapsed);
            }
        }
    }));
    await ReferenceRoundAsync(textConnections, prepared: false, openDays[4 + round], schoolGroups => schoolGroups.Take(6), textSqlTimes);
    await ReferenceRoundAsync(preparedConnections, prepared: true, openDays[4 + round], schoolGroups => schoolGroups.Skip(6).Take(6), preparedSqlTimes);
}

foreach (var connection in textConnections.Concat(preparedConnections))
{
    await connection.DisposeAsync();
}

var referencePrepared = P95(preparedSqlTimes) < P95(textSqlTimes);
var sqlTimes = referencePrepared ? preparedSqlTimes : textSqlTimes;

static async Task<NpgsqlConnection> OpenAsync(string connectionString)
{
    var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    return connection;
}

async Task ReferenceRoundAsync(NpgsqlConnection[] connections, bool prepared, DateOnly day, Func<List<RegistrationGroup>, IEnumerable<RegistrationGroup>> pick, List<double> times, string session = "AM") =>
    await Task.WhenAll(users.Select(async (officer, index) =>
    {
        foreach (var group in pick(SchoolGroups(officer)))
        {
            // The same writes as the application makes, by hand, in one round trip.
            await using var command = await ReferenceCommandAsync(connections[index], group, day, session, prepared);
            var watch = Stopwatch.StartNew();
            await command.ExecuteNonQueryAsync();
            lock (times)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
    }));

// Saves a second by Little's law: each user saves again as soon as a save returns, so users / mean save time.
Say($"(a) Saving a 30-pupil register, {concurrentUsers} concurrent users: application p95 {P95(appTimes):0.0} ms ({concurrentUsers * 1000 / appTimes.Average():0} saves/s); hand-written SQL p95 {P95(sqlTimes):0.0} ms ({concurrentUsers * 1000 / sqlTimes.Average():0} saves/s); ratio {P95(appTimes) / P95(sqlTimes):0.0}x (target <= 2x)");
Say($"    (a)'s reference: as text p95 {P95(textSqlTimes):0.0} ms ({concurrentUsers * 1000 / textSqlTimes.Average():0} saves/s); prepared p95 {P95(preparedSqlTimes):0.0} ms ({concurrentUsers * 1000 / preparedSqlTimes.Average():0} saves/s); the {(referencePrepared ? "prepared" : "text")} form is the reference; the application and both forms timed in turn, a day a round, four rounds");

// Register page load (issue 15): the GET of a 30-pupil register as the officer opens it to mark everyone present (the
// pupils on roll, their expected marks from leave and arrangements, the session's marks, the school's sub-reasons, the
// page rendered), the same users at once and nothing else running — against the fastest hand-written query known here
// returning the same rows: one prepared round trip as the owner (no row-level security), the group's pupils on roll that
// day by the group's index, each with the session's mark by the (trust, pupil, date, session) key and the expected mark
// covering the day by a lateral probe (each read naming the trust, which leads every key: ADR 0032), read to the end and nothing rendered. Afternoons not yet marked, as the morning
// registers were found when they were saved.
var pageClients = await Task.WhenAll(users.Select(async officer =>
    (Officer: officer, Client: await SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }), officer.Email))));

// One round: each user opens each of their school's first six afternoon registers on each of four days (192 pages at 8 users),
// from the application or, given its clients, from the fastest honest page (below).
async Task<List<double>> PageRoundAsync(IEnumerable<((string Email, Guid School) Officer, HttpClient Client)>? clients = null)
{
    var times = new List<double>();
    await Task.WhenAll((clients ?? pageClients).Select(async signedIn =>
    {
        var (officer, client) = signedIn;
        foreach (var day in openDays.Skip(1).Take(4))
        {
            foreach (var group in groups.Where(x => x.SchoolId == officer.School).Take(6))
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync($"/Attendance/Register/{group.Id}?date={day:yyyy-MM-dd}&session=PM&present=all");
                await response.Content.ReadAsByteArrayAsync();
                watch.Stop();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"Register page answered {(int)response.StatusCode}");
                }

                lock (times)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }
    }));
    return times;
}

// The first round is the page's first use in this process, its code at the JIT's first tier. A server serves its pages
// for hours, not for its first minute, so the ratio is judged once the runtime's tiered JIT has settled: untimed rounds
// until one compiles at most two methods (System.Runtime.JitInfo counts every method compiled, the background
// re-compilations at the optimising tier among them; measured outside the benchmark, the application's CPU a page fell
// from 5.1 to 2.2 ms over its first 3,500 pages and then held). The reference query gets an untimed round below: its
// code is Npgsql's alone, already run by the application's own reads, and its statement is prepared in that round.
var firstPages = await PageRoundAsync();
var warmRounds = 0;
long compiledInLastWarmRound;
do
{
    var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    await PageRoundAsync();
    compiledInLastWarmRound = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled;
    warmRounds++;
}
while (compiledInLastWarmRound > 2 && warmRounds < 60);

// The register page against the fastest honest page (FastestRegisterPage, docs/performance.md): the same GET answered
// with the same page by everything a signed-in page must do and nothing else, each part the cheapest way known here.
// Each user signs in again on a client whose cookies the reference can carry (the application's own sign-in and
// antiforgery cookies); every register of the round is opened on both, and the reference's page must be the
// application's, whitespace and its own key and token aside, before either is timed again.
await using var fastest = await FastestRegisterPage.StartAsync(app, factory.Services.GetRequiredService<IDataProtectionProvider>());
var fastestClients = new List<((string Email, Guid School) Officer, HttpClient Client)>();
foreach (var officer in users)
{
    var jar = new CookieContainer();
    var client = await SignInAsync(factory.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(jar)), officer.Email);
    var reference = fastest.Client(jar.GetCookieHeader(new Uri("https://localhost/")));
    foreach (var day in openDays.Skip(1).Take(4))
    {
        foreach (var group in groups.Where(x => x.SchoolId == officer.School).Take(6))
        {
            var url = $"/Attendance/Register/{group.Id}?date={day:yyyy-MM-dd}&session=PM&present=all";
            var page = await client.GetStringAsync(url);
            fastest.Learn(group.Id, day, page);
            using var response = await reference.GetAsync(url);
            var answer = await response.Content.ReadAsStringAsync();
            var (mine, theirs) = (FastestRegisterPage.Comparable(page), FastestRegisterPage.Comparable(answer));
            if (response.StatusCode != HttpStatusCode.OK || mine != theirs)
            {
                var at = Enumerable.Range(0, Math.Min(mine.Length, theirs.Length)).FirstOrDefault(i => mine[i] != theirs[i]);
                throw new InvalidOperationException($"The fastest page for {url} answered {(int)response.StatusCode} and is not the application's: from character {at}, the application's \"{mine[Math.Max(0, at - 80)..Math.Min(mine.Length, at + 160)]}\", the reference's \"{theirs[Math.Max(0, at - 80)..Math.Min(theirs.Length, at + 160)]}\"");
            }
        }
    }

    fastestClients.Add((officer, reference));
}

// Warmed as the page was (untimed rounds until one compiles at most two methods), then as many timed rounds.
var fastestWarmRounds = 0;
do
{
    var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    await PageRoundAsync(fastestClients);
    compiledInLastWarmRound = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled;
    fastestWarmRounds++;
}
while (compiledInLastWarmRound > 2 && fastestWarmRounds < 60);

// Timed: the application's round and the fastest page's in turn, three times, so that a slow stretch of the shared
// machine falls on both. Around each round, PostgreSQL's CPU (every process of the cluster) and this process's (the
// application, or the reference, with its in-process clients), the sign-ins and warm-up before them left out.
const int pageRounds = 3;
var pageLoads = new List<double>();
var fastestLoads = new List<double>();
double pageProcessMs = 0, pagePostgresMs = 0, fastestProcessMs = 0, fastestPostgresMs = 0;
async Task<(List<double> Times, double ProcessMs, double PostgresMs)> TimedPageRoundAsync(IEnumerable<((string Email, Guid School) Officer, HttpClient Client)>? clients)
{
    var postgres = await PostgresCpu.StartAsync(owner);
    var process = ProcessCpu.Now();
    var times = await PageRoundAsync(clients);
    var processMs = (ProcessCpu.Now() - process).TotalMilliseconds;
    return (times, processMs, await postgres.MillisecondsAsync());
}

for (var round = 0; round < pageRounds; round++)
{
    var (times, processMs, postgresMs) = await TimedPageRoundAsync(null);
    pageLoads.AddRange(times);
    (pageProcessMs, pagePostgresMs) = (pageProcessMs + processMs, pagePostgresMs + postgresMs);
    (times, processMs, postgresMs) = await TimedPageRoundAsync(fastestClients);
    fastestLoads.AddRange(times);
    (fastestProcessMs, fastestPostgresMs) = (fastestProcessMs + processMs, fastestPostgresMs + postgresMs);
}

(pageProcessMs, pagePostgresMs) = (pageProcessMs / pageLoads.Count, pagePostgresMs / pageLoads.Count);
(fastestProcessMs, fastestPostgresMs) = (fastestProcessMs / fastestLoads.Count, fastestPostgresMs / fastestLoads.Count);

// The reference, each user on a connection of their own: `rounds` rounds of the same registers, timed into `times`.
async Task QueryRoundsAsync(int rounds, List<double>? times, string? connectionString = null, IEnumerable<(string Email, Guid School)>? only = null) => await Task.WhenAll((only ?? users).Select(async officer =>
{
    await using var connection = new NpgsqlConnection(connectionString ?? owner);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(FastestRegisterPage.RowsSql, connection);
    command.Parameters.Add(new NpgsqlParameter { Value = trust.Id });
    var g = command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid });
    var d = command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Date });
    command.Parameters.Add(new NpgsqlParameter { Value = "PM" });
    command.Parameters.Add(new NpgsqlParameter { Value = 2 });
    var weekday = command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer });
    await command.PrepareAsync();
    for (var round = 0; round < rounds; round++)
    {
        foreach (var day in openDays.Skip(1).Take(4))
        {
            foreach (var group in groups.Where(x => x.SchoolId == officer.School).Take(6))
            {
                g.Value = group.Id;
                d.Value = day;
                weekday.Value = 1 << (int)day.DayOfWeek;
                var watch = Stopwatch.StartNew();
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                    }
                }

                if (times is not null)
                {
                    lock (times)
                    {
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }
            }
        }
    }
}));

// A round untimed first (its code warmed as the page's was; the statement stays prepared on the pooled connection),
// then as many timed as the page had.
await QueryRoundsAsync(1, null);
var loadSqlTimes = new List<double>();
var queriesCpu = await PostgresCpu.StartAsync(owner);
var queriesProcessCpu = ProcessCpu.Now();
await QueryRoundsAsync(pageRounds, loadSqlTimes);
var queryProcessMs = (ProcessCpu.Now() - queriesProcessCpu).TotalMilliseconds / loadSqlTimes.Count;
var queryPostgresMs = await queriesCpu.MillisecondsAsync() / loadSqlTimes.Count;
Say($"Register page load (30 pupils, {concurrentUsers} concurrent users, {pageLoads.Count} pages once the JIT had settled): application p95 {P95(pageLoads):0.0} ms; hand-written query p95 {P95(loadSqlTimes):0.00} ms; ratio {P95(pageLoads) / P95(loadSqlTimes):0.0}x (target <= 2x)");
Say($"    before them: the page's first {firstPages.Count} loads in this process p95 {P95(firstPages):0.0} ms ({P95(firstPages) / P95(loadSqlTimes):0.0}x the query), then {warmRounds} untimed rounds of {firstPages.Count}, the last compiling {compiledInLastWarmRound} methods");
Say($"    PostgreSQL's CPU a page (every postgres process of the cluster, from /proc): the application's {pagePostgresMs:0.00} ms; the hand-written query's {queryPostgresMs:0.00} ms");
// The other side of each: this process's CPU, which for the pages is the application with its in-process HTTP clients
// (no Kestrel: the test server) and for the query its Npgsql client; with PostgreSQL's, the CPU each answer costs in all.
Say($"    This process's CPU a page: the application's (with its in-process clients) {pageProcessMs:0.00} ms; the query's client {queryProcessMs:0.00} ms; in all with PostgreSQL's {pageProcessMs + pagePostgresMs:0.00} against {queryProcessMs + queryPostgresMs:0.00} ms ({(pageProcessMs + pagePostgresMs) / (queryProcessMs + queryPostgresMs):0.0}x)");

Say($"    against the fastest honest page (the same page for the same signed-in user: one prepared batch under row-level security, the rows written by hand; {fastestWarmRounds} untimed rounds first; timed in turn with the application's): its p95 {P95(fastestLoads):0.0} ms; the application's {P95(pageLoads):0.0} ms: ratio {P95(pageLoads) / P95(fastestLoads):0.0}x; CPU a page in all {fastestProcessMs + fastestPostgresMs:0.00} ms ({fastestProcessMs:0.00} this process's, {fastestPostgresMs:0.00} PostgreSQL's) against the application's {pageProcessMs + pagePostgresMs:0.00} ms ({(pageProcessMs + pagePostgresMs) / (fastestProcessMs + fastestPostgresMs):0.0}x)");

// ---- Through PgBouncer (issue 15; ADR 0029, 0045) ------------------------------------------------------------------
// The register page and (a)'s saves again, the application's App connection through PgBouncer in transaction pooling with
// twenty server connections: Debian 12's PgBouncer 1.18, through which nothing is prepared (ADR 0033), and PgBouncer 1.24
// (Debian 13's source, built by scripts/lib/common.sh) keeping each client's prepared statements on its server
// connections, the application preparing through it as on its own connections. Its string prepares a statement after
// two runs rather than Npgsql's five, so that the short warm-up below leaves the saves' statements prepared, as a server's
// are after its first minutes. Besides PostgreSQL's CPU, PgBouncer's own (one single-threaded process each), from /proc.
var pooledApps = new[] { Environment.GetEnvironmentVariable("BENCH_PGBOUNCER_APP"), Environment.GetEnvironmentVariable("BENCH_PGBOUNCER_PREPARED_APP") };
var bouncerPidFiles = (Environment.GetEnvironmentVariable("BENCH_PGBOUNCER_PIDS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
if (pooledApps.All(a => a is not null) && bouncerPidFiles.Length == 2)
{
    var poolers = new List<(string Name, int Pid, WebApplicationFactory<CurrentUser> Factory, ((string Email, Guid School) Officer, HttpClient Client)[] Clients)>();
    foreach (var (pooledApp, index) in pooledApps.Select((a, i) => (a!, i)))
    {
        var pooledFactory = factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:App", pooledApp));
        var clients = await Task.WhenAll(users.Select(async officer =>
            (Officer: officer, Client: await SignInAsync(pooledFactory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }), officer.Email))));
        poolers.Add((index == 0 ? "Debian 12's PgBouncer 1.18, nothing prepared" : "PgBouncer 1.24 keeping prepared statements", int.Parse(File.ReadAllText(bouncerPidFiles[index]).Trim(), CultureInfo.InvariantCulture), pooledFactory, clients));

        // Warm-up, not measured: two rounds of the register pages, and three saves for each user of registers nothing else
        // writes (the first day's, beyond the six each school's users save elsewhere; the morning for one pooler, the
        // afternoon for the other).
        await PageRoundAsync(clients);
        await PageRoundAsync(clients);
        await Task.WhenAll(clients.Select(async user =>
        {
            foreach (var group in SchoolGroups(user.Officer).Skip(6).Take(3))
            {
                await SaveRegisterAsync(user.Client, group, openDays[0], index == 0 ? "AM" : "PM");
            }
        }));
    }

    // The register page: the application direct, then through each pooler, in turn, three rounds of the same 192 pages.
    var pooledPages = poolers.Select(_ => (Times: new List<double>(), PostgresMs: 0.0, BouncerMs: 0.0)).ToArray();
    var directPages = (Times: new List<double>(), PostgresMs: 0.0);
    for (var round = 0; round < pageRounds; round++)
    {
        var (times, _, postgresMs) = await TimedPageRoundAsync(null);
        directPages.Times.AddRange(times);
        directPages.PostgresMs += postgresMs;
        foreach (var (pooler, index) in poolers.Select((p, i) => (p, i)))
        {
            var bouncer = ProcessCpu.Of(pooler.Pid);
            (times, _, postgresMs) = await TimedPageRoundAsync(pooler.Clients);
            pooledPages[index].BouncerMs += (ProcessCpu.Of(pooler.Pid) - bouncer).TotalMilliseconds;
            pooledPages[index].Times.AddRange(times);
            pooledPages[index].PostgresMs += postgresMs;
        }
    }

    Say($"Through PgBouncer (transaction pooling, 20 server connections), the register page, {concurrentUsers} users, {pageRounds} rounds of {directPages.Times.Count / pageRounds} pages in turn: direct p95 {P95(directPages.Times):0.0} ms, PostgreSQL's CPU a page {directPages.PostgresMs / directPages.Times.Count:0.00} ms");
    foreach (var (pooler, index) in poolers.Select((p, i) => (p, i)))
    {
        var (times, postgresMs, bouncerMs) = pooledPages[index];
        Say($"    {pooler.Name}: p95 {P95(times):0.0} ms ({P95(times) / P95(directPages.Times):0.0}x direct); PostgreSQL's CPU a page {postgresMs / times.Count:0.00} ms ({postgresMs / times.Count / (directPages.PostgresMs / directPages.Times.Count):0.0}x direct); PgBouncer's {bouncerMs / times.Count:0.000} ms");
    }

    // (a)'s saves through each, a day a pooler in turn: the afternoon registers of the next four days (the mornings are
    // (a)'s own), each user six of its school's, the days alternating between the two poolers.
    var pooledSaves = poolers.Select(_ => (Times: new List<double>(), PostgresMs: 0.0, BouncerMs: 0.0)).ToArray();
    foreach (var (day, dayIndex) in openDays.Skip(1).Take(4).Select((d, i) => (d, i)))
    {
        var index = dayIndex % poolers.Count;
        var pooler = poolers[index];
        var postgres = await PostgresCpu.StartAsync(owner);
        var bouncer = ProcessCpu.Of(pooler.Pid);
        var times = new List<double>();
        await Task.WhenAll(pooler.Clients.Select(async user =>
        {
            foreach (var group in SchoolGroups(user.Officer).Take(6))
            {
                var elapsed = await SaveRegisterAsync(user.Client, group, day, "PM");
                lock (times)
                {
                    times.Add(elapsed);
                }
            }
        }));
        pooledSaves[index].Times.AddRange(times);
        pooledSaves[index].BouncerMs += (ProcessCpu.Of(pooler.Pid) - bouncer).TotalMilliseconds;
        pooledSaves[index].PostgresMs += await postgres.MillisecondsAsync();
    }

    foreach (var (pooler, index) in poolers.Select((p, i) => (p, i)))
    {
        var (times, postgresMs, bouncerMs) = pooledSaves[index];
        Say($"    (a) through {pooler.Name}: application p95 {P95(times):0.0} ms ({concurrentUsers * 1000 / times.Average():0} saves/s; {times.Count} saves); ratio to the hand-written SQL {P95(times) / P95(sqlTimes):0.0}x; a register opened and saved: PostgreSQL's CPU {postgresMs / times.Count:0.00} ms, PgBouncer's {bouncerMs / times.Count:0.000} ms");
    }

    foreach (var pooler in poolers)
    {
        foreach (var (_, client) in pooler.Clients)
        {
            client.Dispose();
        }

        await pooler.Factory.DisposeAsync();
    }
}

// ---- A register session (issue 15, "A register morning"): every registration group of the trust, 32 at once ----------
// Every school's attendance officer signed in (one client each); all the trust's registers of one session (1,008 at full
// scale) queued school by school in turn, and saved with at most 32 in flight — 32 concurrent users, the session's
// registers taken as fast as they come back rather than spread over the quarter hour, so the run says how much of the
// 15-minute window they need. Every save must succeed. Then the same registers of the next day's session by the
// hand-written SQL of (a), 32 connections at once: the first round of (a) at 32 users. Afternoons not written by anything above.
const int MorningUsers = 32;
var morningDay = openDays[5];
var morningClients = await Task.WhenAll(officers.Select(async officer =>
    (officer.School, Client: await SignInAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }), officer.Email))));
var bySchool = groups.GroupBy(g => g.SchoolId).Select(x => x.ToList()).ToList();
var queue = Enumerable.Range(0, bySchool.Max(x => x.Count)).SelectMany(i => bySchool.Where(x => i < x.Count).Select(x => x[i])).ToList();
var (morningTimes, morningFailures, morningElapsed) = await RegisterSessionAsync(morningClients.ToDictionary(c => c.School, c => c.Client), queue, morningDay, "PM");
Say($"A register session: {queue.Count:N0} registers by {MorningUsers} concurrent users: {morningTimes.Count:N0} saved, {morningFailures} failed, in {morningElapsed.TotalSeconds:0.0} s ({morningTimes.Count / morningElapsed.TotalSeconds:0.0} saves/s; {100 * morningElapsed.TotalSeconds / 900:0.0}% of a 15-minute window); save p95 {P95(morningTimes):0.0} ms");

// (a) at 32 users, timed in turn as at 8 (twenty-fourth session): the session above and the reference's of the next day's
// afternoon, then three rounds more on the sessions of the last summary week (20-22 July), each round the application's
// session then the reference's, the two taking the morning and the afternoon in turn. A small trust's session is a burst
// of 72 saves, whose p95 from one round was its fourth slowest save and moved 1.6-3.8x between runs of the same code; four
// rounds give each side four times the saves. Those three days are the import's last, written by nothing else before it:
// the rounds' writes are taken away again after them (below).
//
// The reference's connections in two forms, as (a) at 8 users has two (thirty-first session): a connection for each save
// from Npgsql's default pool (up to a hundred, so 32 at once), and from a pool bounded as the application's is
// (ConnectionPool, ADR 0046), where a save waits for one of fewer connections. Both take the first round, the bounded on
// the next day's afternoon and the other on the afternoon of the import's first day (taken away with the rounds' writes);
// the faster is the reference for the rounds after it.
var morningApp = new List<double>(morningTimes);
var roundFailures = 0;
// Neither form resets a connection it takes from its pool: the reference keeps nothing on a connection for the next save
// to find, and Npgsql's reset of a connection with nothing prepared is DISCARD ALL, which throws away every plan the
// connection had cached, the summaries' triggers' among them (the application's connections keep prepared statements, so
// theirs is the reset that keeps them, ADR 0033).
var ownConnectionsOwner = owner + ";No Reset On Close=true";
// Bounded as the application's App string is: ConnectionPool's bound, or the one the run names (BENCH_POOL_SIZE in
// scripts/benchmark, for a run that tries another).
var appPoolSize = new NpgsqlConnectionStringBuilder(ConnectionPool.Bounded(app)).MaxPoolSize;
var boundedOwner = $"{ownConnectionsOwner};Maximum Pool Size={appPoolSize}";
// Each pool first opened as far as the session will take it, as the application's pool already was by the pages before.
foreach (var (connectionString, most) in new[] { (boundedOwner, appPoolSize), (ownConnectionsOwner, MorningUsers) })
{
    var opened = await Task.WhenAll(Enumerable.Range(0, most).Select(_ => OpenAsync(connectionString)));
    foreach (var connection in opened)
    {
        await connection.DisposeAsync();
    }
}

var firstBounded = await ReferenceSessionAsync(queue, openDays[6], "PM", boundedOwner);
var firstOwnConnections = await ReferenceSessionAsync(queue, openDays[8], "PM", ownConnectionsOwner);
var referenceBounded = P95(firstBounded.Times) <= P95(firstOwnConnections.Times);
var referenceConnections = referenceBounded ? boundedOwner : ownConnectionsOwner;
var first = referenceBounded ? firstBounded : firstOwnConnections;
var morningSql = new List<double>(first.Times);
var morningSqlWaits = new List<double>(first.Waits);

// Each side's rate is its registers opened and saved over its sessions' time (thirty-second session): every user of either
// side opens a register before saving it, so the mean save alone (32 users over it) counts a rate neither side reaches.
var morningAppElapsed = morningElapsed;
var morningSqlElapsed = first.Elapsed;

var roundDays = openDays.Skip(10).ToList();
if (roundDays.Count != 3 || AttendanceFigures.SummaryWeekOf(roundDays[0]) <= openDays[9] || AttendanceFigures.SummaryWeekOf(roundDays[^1]) != roundDays[0])
{
    throw new InvalidOperationException("(a) at 32 users' rounds need the last three school days to be a summary week of their own");
}

foreach (var (day, round) in roundDays.Select((d, i) => (d, i)))
{
    var (appSession, referenceSession) = round % 2 == 0 ? ("AM", "PM") : ("PM", "AM");
    var (times, failures, elapsed) = await RegisterSessionAsync(morningClients.ToDictionary(c => c.School, c => c.Client), queue, day, appSession);
    morningApp.AddRange(times);
    morningAppElapsed += elapsed;
    roundFailures += failures;
    var reference = await ReferenceSessionAsync(queue, day, referenceSession, referenceConnections);
    morningSql.AddRange(reference.Times);
    morningSqlWaits.AddRange(reference.Waits);
    morningSqlElapsed += reference.Elapsed;
}

// The rounds' writes taken away again — marks, history, submissions and the pupils' weeks — with the reference's afternoon
// on the import's first day; the pupils' weeks from that day's week on, and their years, counted again from the marks
// left by the application's own refresh, so the import below finds its days as it always has.
await TakeAwayAsync($"""
    DELETE FROM attendance_marks WHERE date >= '{openDays[8]:yyyy-MM-dd}';
    DELETE FROM attendance_mark_changes WHERE date >= '{openDays[8]:yyyy-MM-dd}';
    DELETE FROM register_submissions WHERE date >= '{openDays[8]:yyyy-MM-dd}';
    DELETE FROM attendance_pupil_weeks WHERE week_start >= '{AttendanceFigures.SummaryWeekOf(openDays[8]):yyyy-MM-dd}';
    """);
await using (var db = systemDb.Create())
{
    db.Database.SetCommandTimeout(1800);
    await AttendanceSummaries.RecountAsync(db, [.. pupils.Select(p => p.Id)], [openDays[8], .. roundDays]);
}

await VacuumAsync("attendance_marks, attendance_mark_changes, register_submissions, attendance_pupil_weeks, attendance_pupil_years");

Say($"(a) at {MorningUsers} concurrent users (the register session above and three rounds more, timed in turn): application p95 {P95(morningApp):0.0} ms ({morningApp.Count:N0} saves, {roundFailures} failed in the rounds; {morningApp.Count / morningAppElapsed.TotalSeconds:0} registers opened and saved a second); hand-written SQL p95 {P95(morningSql):0.0} ms ({morningSql.Count:N0} saves; {morningSql.Count / morningSqlElapsed.TotalSeconds:0} a second); ratio {P95(morningApp) / P95(morningSql):0.0}x (target <= 2x); the first round alone {P95(morningTimes) / P95(morningSql.Take(queue.Count).ToList()):0.0}x");
Say($"    the reference's connections in its first round: bounded as the application's ({appPoolSize}) p95 {P95(firstBounded.Times):0.0} ms, {queue.Count / firstBounded.Elapsed.TotalSeconds:0} registers a second; one for each of the 32 at once p95 {P95(firstOwnConnections.Times):0.0} ms, {queue.Count / firstOwnConnections.Elapsed.TotalSeconds:0} a second; the {(referenceBounded ? "bounded" : "unbounded")} form is the reference");
List<double> morningSqlStatements = [.. morningSql.Zip(morningSqlWaits, (save, wait) => save - wait)];
Say($"    the reference's saves: waiting for a connection median {Median(morningSqlWaits):0.0} ms, p95 {P95(morningSqlWaits):0.0}; its statements median {Median(morningSqlStatements):0.0} ms, p95 {P95(morningSqlStatements):0.0}");

// Takes away what the benchmark wrote to measure, in one transaction as the owner. Marks are never deleted and their history
// never changed (triggers, ADR 0012 and migration 0023): the owner lifts those two triggers for these statements only.
async Task TakeAwayAsync(string statements)
{
    await using var connection = new NpgsqlConnection(owner);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand($"""
        BEGIN;
        ALTER TABLE attendance_marks DISABLE TRIGGER attendance_marks_no_delete;
        ALTER TABLE attendance_mark_changes DISABLE TRIGGER attendance_mark_changes_no_update;
        {statements}
        ALTER TABLE attendance_marks ENABLE TRIGGER attendance_marks_no_delete;
        ALTER TABLE attendance_mark_changes ENABLE TRIGGER attendance_mark_changes_no_update;
        COMMIT;
        """, connection) { CommandTimeout = 1800 };
    await command.ExecuteNonQueryAsync();
}

async Task VacuumAsync(string tables)
{
    await using var connection = new NpgsqlConnection(owner);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand($"VACUUM (ANALYZE) {tables}", connection) { CommandTimeout = 1800 };
    await command.ExecuteNonQueryAsync();
}

// The reference's session: the queue's registers by the hand-written SQL of (a), 32 users at once, on the connections given;
// each save's time, the part of it spent waiting for a connection, and the whole session's time.
async Task<(List<double> Times, List<double> Waits, TimeSpan Elapsed)> ReferenceSessionAsync(List<RegistrationGroup> registers, DateOnly day, string session, string connectionString)
{
    var (times, waits) = (new List<double>(), new List<double>());
    using var gate = new SemaphoreSlim(MorningUsers);
    var sessionWatch = Stopwatch.StartNew();
    await Task.WhenAll(registers.Select(async group =>
    {
        await gate.WaitAsync();
        try
        {
            // Each user opens the register before saving it, as the application's users open the page (untimed) before
            // each save: the register's rows by the page's fastest query, on a connection from the same pool. From a
            // bounded pool the opens and the saves queue for the same connections, as the application's do.
            await using (var opening = new NpgsqlConnection(connectionString))
            {
                await opening.OpenAsync();
                await using var rows = new NpgsqlBatch(opening) { BatchCommands = { FastestRegisterPage.RowsCommand(trust.Id, group.Id, day, Enum.Parse<Session>(session)) } };
                await using var reader = await rows.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            }

            // Timed from asking for a connection, as the application's save is timed from its request, which waits for
            // its own connection: from a bounded pool, a save's wait for one is part of its time.
            var watch = Stopwatch.StartNew();
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var waited = watch.Elapsed.TotalMilliseconds;
            await using var command = await ReferenceCommandAsync(connection, group, day, session, referencePrepared);
            await command.ExecuteNonQueryAsync();
            lock (times)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
                waits.Add(waited);
            }
        }
        finally
        {
            gate.Release();
        }
    }));
    return (times, waits, sessionWatch.Elapsed);
}

// ---- (c) Import through the application vs raw COPY ----------------------------------------------
// The last five school days of the year for every pupil of the trust (300,000 marks for 30,000 pupils),
// one MIS file per school, each through the import page's own code path inside its own transaction.
var files = schools.Select(school =>
{
    var csv = new StringBuilder("UPN,Date,Session,Code\n");
    foreach (var day in openDays.Skip(8))
    {
        foreach (var pupil in pupils.Where(p => p.SchoolId == school.Id))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{pupil.Upn},{day:yyyy-MM-dd},AM,/\n{pupil.Upn},{day:yyyy-MM-dd},PM,\\\n");
        }
    }

    return (School: school, Csv: csv.ToString(), Officer: officers.Single(o => o.School == school.Id).Email);
}).ToList();
var importRows = files.Sum(f => f.Csv.Count(c => c == '\n') - 1);
var officerIds = await systemDb.Create().Users.AsNoTracking().ToDictionaryAsync(u => u.Email!, u => u.Id);

// The like-for-like reference: the same marks a week on (the files' five days, each seven days later), by one raw binary
// COPY of the whole trust into the same table as it stands (eleven million marks and their indexes), committed; the
// fastest way known here to write them (docs/performance.md, twenty-ninth session: a COPY a school, even in one
// transaction, is slower). It is timed three times in turn with the files, before them, half-way and after them, as (a)
// and the page are timed in turn, so a slow stretch of the machine cannot fall on one side only; each copy is taken away
// and vacuumed before the next file. Each is timed from its transaction's start to its commit, its connection already
// open (the application's comes from its pool). The year's bulk COPY above filled the table from empty, whose early rows
// are cheaper to index than rows added to a full one.
var referenceDays = openDays.Skip(8).Select(day => day.AddDays(7)).ToList();
var referenceCopyTimes = new List<double>();
async Task ReferenceCopyAsync()
{
    await using (var connection = new NpgsqlConnection(owner))
    {
        await connection.OpenAsync();
        clock.Restart();
        await using var transaction = await connection.BeginTransactionAsync();
        using (var copy = connection.BeginBinaryImport("COPY attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, minutes_late, expected_in_school, recorded_at) FROM STDIN (FORMAT BINARY)"))
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var day in referenceDays)
            {
                foreach (var pupil in pupils)
                {
                    foreach (var (session, code) in new[] { (Session.AM, "/"), (Session.PM, "\\") })
                    {
                        CopyMark(copy, trust.Id, pupil, day, session, code, now);
                    }
                }
            }

            copy.Complete();
        }

        await transaction.CommitAsync(); // timed to the commit, as each import is
        referenceCopyTimes.Add(clock.Elapsed.TotalMilliseconds);
    }

    await TakeAwayAsync($"DELETE FROM attendance_marks WHERE date >= '{referenceDays[0]:yyyy-MM-dd}';");
    await VacuumAsync("attendance_marks");
}

// Each file as the import page takes it: checked first (the upload's preview, which the officer reads before
// confirming, and the batch it keeps), then applied in its own transaction (the confirm). The applies are (c), timed
// file by file; the previews are timed apart and reported beside them. The first file's apply is also the first time
// this process saves an import (the bulk write and the summaries' code compiled then): it is reported on its own line
// as well, so a small trust's few files show what that costs. The reference's copies come before the first file, before
// the middle one and after the last.
var applyTimes = new List<double>();
var previewTimes = new List<double>();
await ReferenceCopyAsync();
foreach (var (index, file) in files.Index())
{
    if (index == files.Count / 2)
    {
        await ReferenceCopyAsync();
    }

    // The preview and the confirm are two requests, each with its own scope, as the officer's are.
    IServiceScope OfficerScope()
    {
        var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust.Id, officerIds[file.Officer], false, [file.School.Id], "Attendance officer", file.School.Id);
        return scope;
    }

    Guid batchId;
    using (var previewScope = OfficerScope())
    {
        clock.Restart();
        var (preview, checkedBatch) = await previewScope.ServiceProvider.GetRequiredService<ImportApplier>().CheckAsync(file.School.Id, ImportKind.Marks, file.Csv, "bench.csv");
        previewTimes.Add(clock.Elapsed.TotalMilliseconds);
        batchId = checkedBatch?.Id ?? throw new InvalidOperationException(string.Join("; ", preview.Errors.Take(5)));
    }

    // The confirm as the page makes it, from finding the checked batch to the commit (ImportApplier.ConfirmAsync: the
    // apply, the batch marked imported, the summaries, the formal reviews the marks call for).
    using var confirmScope = OfficerScope();
    var applier = confirmScope.ServiceProvider.GetRequiredService<ImportApplier>();
    clock.Restart();
    var batch = await applier.BatchAsync(file.School.Id, batchId) ?? throw new InvalidOperationException("The checked batch is gone.");
    var result = await applier.ConfirmAsync(batch);
    applyTimes.Add(clock.Elapsed.TotalMilliseconds);
    if (!result.Valid || result.Created != file.Csv.Count(c => c == '\n') - 1)
    {
        throw new InvalidOperationException($"{result.Created} new, {result.Changed} changed: " + string.Join("; ", result.Errors.Take(5)));
    }
}

await ReferenceCopyAsync();
var weekCopyRate = importRows / (referenceCopyTimes.Average() / 1000);
var importRate = importRows / (applyTimes.Sum() / 1000);
var laterRate = files.Count > 1 ? files.Skip(1).Sum(f => f.Csv.Count(c => c == '\n') - 1) / (applyTimes.Skip(1).Sum() / 1000) : importRate;
var checkedRate = importRows / ((previewTimes.Sum() + applyTimes.Sum()) / 1000);
Say($"(c) Import of {importRows:N0} marks ({files.Count} files) through the application: {importRate:N0} rows/s; raw COPY of the same marks a week on into the same table, timed before, half-way and after ({string.Join(", ", referenceCopyTimes.Select(t => (t / 1000).ToString("0.00", CultureInfo.InvariantCulture)))} s), {weekCopyRate:N0} rows/s: ratio {importRate / weekCopyRate:0.00} (target >= 0.5); against the year's bulk COPY into the empty table ({copyRate:N0} rows/s): {importRate / copyRate:0.00}");
Say($"    each file's apply (the confirm): the first {applyTimes[0]:0} ms (the process's first import saved), the others median {Median(applyTimes.Skip(1).DefaultIfEmpty(applyTimes[0])):0} ms; without the first, {laterRate:N0} rows/s, ratio {laterRate / weekCopyRate:0.00}");
Say($"    each file's check before it (the upload's preview, not in (c)): {previewTimes.Sum():0} ms in all; preview and apply together {checkedRate:N0} rows/s, ratio {checkedRate / weekCopyRate:0.00}");
// ---- (d) The trust dashboard (issue 13): the page against computing its figures from the raw marks ----------
// A realistic load of cases: 1,500 arrangements (every twentieth pupil; two in five flexi, two in five part-time, one
// in five AP; most running, some ended, some in progress) and 6,000 scheduled reviews (four each, some held late, some
// overdue) and a formal review held for one flexi case in three; every decided case decided under the trust's profile
// (its threshold is the dashboard's); written as the owner in one statement each.
var dashboardTrustLead = "trustlead@bench.example";
await using (var connection = new NpgsqlConnection(owner))
{
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("""
        INSERT INTO arrangements (id, trust_id, school_id, pupil_id, kind, stage, requested_on, requested_by, requester_relationship, created_at, criteria, decided_on, started_on, ends_on, profile_version_id)
        SELECT gen_random_uuid(), p.trust_id, p.school_id, p.id,
               CASE WHEN m.n % 5 < 2 THEN 'FlexiSchooling' WHEN m.n % 5 < 4 THEN 'PartTimeTimetable' ELSE 'AlternativeProvision' END,
               CASE WHEN m.s < 6 THEN 'Running' WHEN m.s < 8 THEN 'Ended' WHEN m.s = 8 THEN 'Agreed' ELSE 'MeetingHeld' END,
               DATE '2025-09-01' + (m.n % 90), 'A parent', 'Mother', now(), '[]'::jsonb,
               CASE WHEN m.s < 9 THEN DATE '2025-09-08' + (m.n % 90) END,
               CASE WHEN m.s < 8 THEN DATE '2025-09-15' + (m.n % 90) END,
               CASE WHEN m.s IN (6, 7) THEN DATE '2026-03-01' + (m.n % 60) END,
               CASE WHEN m.s < 9 THEN (SELECT v.id FROM policy_profile_versions v WHERE v.trust_id = p.trust_id ORDER BY v.school_id NULLS FIRST, v.number DESC LIMIT 1) END -- decided under the trust's profile
          FROM (SELECT p.*, (row_number() OVER (ORDER BY p.id))::int AS r FROM pupils p) p
               CROSS JOIN LATERAL (SELECT p.r / 20 AS n, (p.r / 100) % 10 AS s) m -- kind and stage vary apart, over the chosen pupils (r % 20 = 0 alone made every case a running flexi one)
         WHERE p.r % 20 = 0;
        INSERT INTO arrangement_reviews (id, trust_id, school_id, arrangement_id, kind, due_on, held_on, progress_below_standard)
        SELECT gen_random_uuid(), a.trust_id, a.school_id, a.id, 'Scheduled', d.due,
               CASE WHEN d.due >= DATE '2026-07-23' OR (k = 4 AND a.stage = 'Running' AND extract(doy FROM a.requested_on)::int % 3 = 0) THEN NULL
                    ELSE d.due + (extract(doy FROM a.requested_on)::int % 4) - 2 END, false
          FROM arrangements a CROSS JOIN generate_series(1, 4) AS k
          CROSS JOIN LATERAL (SELECT coalesce(a.started_on, a.requested_on) + 56 * k AS due) d;
        -- A formal review held for one flexi case in three, so the dashboard counts their attendance from the day after it.
        INSERT INTO arrangement_reviews (id, trust_id, school_id, arrangement_id, kind, due_on, held_on, progress_below_standard)
        SELECT gen_random_uuid(), a.trust_id, a.school_id, a.id, 'Formal', a.started_on + 100, a.started_on + 100 + extract(doy FROM a.requested_on)::int % 5, false
          FROM arrangements a WHERE a.kind = 'FlexiSchooling' AND a.started_on IS NOT NULL AND extract(doy FROM a.requested_on)::int % 3 = 0;
        ANALYZE arrangements; ANALYZE arrangement_reviews;
        """, connection);
    await command.ExecuteNonQueryAsync();
}

var arrangementCount = await systemDb.Create().Arrangements.CountAsync();
var reviewCount = await systemDb.Create().ArrangementReviews.CountAsync();
await using (var db = systemDb.Create())
{
    var lead = new AppUser
    {
        Id = Guid.CreateVersion7(), TrustId = trust.Id, UserName = dashboardTrustLead, NormalizedUserName = dashboardTrustLead.ToUpperInvariant(),
        Email = dashboardTrustLead, NormalizedEmail = dashboardTrustLead.ToUpperInvariant(), EmailConfirmed = true, DisplayName = "Trust lead",
        PasswordHash = hash, SecurityStamp = Guid.NewGuid().ToString("N"), LockoutEnabled = true, CreatedAt = DateTimeOffset.UtcNow,
    };
    db.Users.Add(lead);
    var role = new RoleAssignment(lead.Id, StaffRole.TrustLead, null);
    role.StampTrust(trust.Id);
    db.RoleAssignments.Add(role);
    await db.SaveChangesAsync();
}

// The application as it would run on the day after the benchmark's year ends: its clock set to 23 July 2026, so the
// dashboard's school year is the one the marks fill.
var dashboardDay = new DateTimeOffset(2026, 7, 23, 11, 0, 0, TimeSpan.Zero);
var dashboardFactory = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(new ShiftedClock(dashboardDay - DateTimeOffset.UtcNow))));
var leadClient = await SignInAsync(dashboardFactory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }), dashboardTrustLead);
// The first view is measured cold: the sums the rebuild kept (and the saves and imports since then left) are taken away.
await using (var connection = new NpgsqlConnection(owner))
{
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("DELETE FROM attendance_school_weeks", connection);
    await command.ExecuteNonQueryAsync();
}

// Three stages. The first 35 views after the page is first served: the first sums the closed weeks (cold), the next four
// are not timed, the 30 after them are the page as a just-started server answers it — its code still as .NET's tiered
// JIT first compiled it (quickly, unoptimised), which it replaces by optimised code only once a method has been called 30
// times and the process has been quiet of new compilation for a moment. Then 100 views not timed, by which the page is
// steady here (probed against a kept full-scale cluster: steady after 50 to 240 views). Then 100 timed views, the page as
// a server in use answers it, which the target is judged by: a p95 of 100 views, not 30, so that one slow moment of a
// shared two-core machine is not the figure (docs/performance.md). Both figures are reported.
async Task<(double Milliseconds, string[] Phases)> ViewDashboardAsync()
{
    var watch = Stopwatch.StartNew();
    using var response = await leadClient.GetAsync("/Dashboard");
    var page = await response.Content.ReadAsStringAsync();
    watch.Stop();
    if (response.StatusCode != HttpStatusCode.OK || !page.Contains("Benchmark School 36", StringComparison.Ordinal) && schools.Count == 36)
    {
        throw new InvalidOperationException($"The dashboard answered {(int)response.StatusCode}");
    }

    return (watch.Elapsed.TotalMilliseconds, response.Headers.TryGetValues("Server-Timing", out var timing) ? string.Join(",", timing).Split(',', StringSplitOptions.TrimEntries) : []);
}

double Median(IEnumerable<double> xs) => xs.Order().ElementAt(xs.Count() / 2);
var dashboardStartTimes = new List<double>();
var dashboardCold = 0.0;
for (var i = 0; i < 35; i++)
{
    var (elapsed, _) = await ViewDashboardAsync();
    if (i == 0)
    {
        dashboardCold = elapsed; // the first view sums and keeps the weeks and years (ADR 0026, 0031)
    }
    else if (i >= 5)
    {
        dashboardStartTimes.Add(elapsed);
    }
}

const int dashboardWarmViews = 100;
for (var i = 0; i < dashboardWarmViews; i++)
{
    await ViewDashboardAsync();
}

var dashboardTimes = new List<double>();
var dashboardPhases = new Dictionary<string, List<double>>();
for (var i = 0; i < 100; i++)
{
    var (elapsed, phases) = await ViewDashboardAsync();
    dashboardTimes.Add(elapsed);
    foreach (var phase in phases)
    {
        var parts = phase.Split(";dur=");
        dashboardPhases[parts[0]] = [.. dashboardPhases.GetValueOrDefault(parts[0]) ?? [], double.Parse(parts[1], CultureInfo.InvariantCulture)];
    }
}

await using (var db = systemDb.Create())
{
    Say($"    kept summed after the views: {await db.AttendanceSchoolWeeks.CountAsync()} school weeks, {await db.AttendanceSchoolYears.CountAsync()} school years");
}

// The reference: the dashboard's attendance figures computed from the raw marks instead of the summaries, by the fastest
// SQL known here (one pass over the year's marks as the owner, without row-level security; then the school weeks of the
// trend from the marks of those weeks). The case counts are left out: they come from the same tables either way, so the
// reference is a lower bound of the raw computation, and the ratio understates the summaries' gain.
var dashboardRawTimes = new List<double>();
var rawSettings = PolicyTemplates.Get(PolicyTemplates.Ddat).Settings.Attendance;
for (var i = 0; i < 5; i++)
{
    await using var connection = new NpgsqlConnection(owner);
    await connection.OpenAsync();
    var watch = Stopwatch.StartNew();
    var persistent = new Dictionary<Guid, int>();
    await using (var command = new NpgsqlCommand("""
        SELECT school_id,
               count(*) FILTER (WHERE category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised'))::int,
               count(*) FILTER (WHERE category IN ('Present', 'ApprovedEducationalActivity'))::int
          FROM attendance_marks WHERE date BETWEEN '2025-09-01' AND '2026-07-23' GROUP BY school_id, pupil_id
        """, connection) { CommandTimeout = 600 })
    await using (var reader = await command.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
            var figures = new AttendanceFigures(reader.GetInt32(1), reader.GetInt32(2), 0, 0, 0, 0, 0);
            persistent[reader.GetGuid(0)] = persistent.GetValueOrDefault(reader.GetGuid(0)) + (figures.IsPersistentAbsence(rawSettings) ? 1 : 0);
        }
    }

    await using (var command = new NpgsqlCommand("""
        SELECT school_id, date - (extract(isodow FROM date)::int - 1),
               count(*) FILTER (WHERE category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised'))::int,
               count(*) FILTER (WHERE category IN ('Present', 'ApprovedEducationalActivity'))::int
          FROM attendance_marks WHERE date BETWEEN '2026-05-25' AND '2026-07-23' GROUP BY 1, 2
        """, connection) { CommandTimeout = 600 })
    await using (var reader = await command.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
        }
    }

    dashboardRawTimes.Add(watch.Elapsed.TotalMilliseconds);
}

// Where the page's time goes: its two attendance reads alone, as the page makes them (the trend's weeks, the yearly view).
var trendTimes = new List<double>();
var trendWeeks = calendar.SchoolDaysBetween(new(2026, 4, 13), new(2026, 7, 22)).Select(AttendanceFigures.SummaryWeekOf).Distinct().TakeLast(8).ToList();
for (var i = 0; i < 20; i++)
{
    using var scope = services.CreateScope();
    scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust.Id, Guid.Empty, true, allSchools, null, null);
    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
    var watch = Stopwatch.StartNew();
    await AttendanceSummaries.WeeklyAsync(db, allSchools, trendWeeks);
    trendTimes.Add(watch.Elapsed.TotalMilliseconds);
}

Say($"    of which the weekly trend's read (8 school weeks, every school, read where kept summed): p95 {P95(trendTimes):0.0} ms");
Say($"    the page's reads in the steady views, median ms: {string.Join(", ", dashboardPhases.Select(p => $"{p.Key} {p.Value.Order().ElementAt(p.Value.Count / 2):0.0}"))}");
Say($"    its first views (6 to 35 after the page was first served, its code not yet optimised by the JIT): p95 {P95(dashboardStartTimes):0.0} ms, median {Median(dashboardStartTimes):0.0} ms; then {dashboardWarmViews} views not timed before the 100 timed");
Say($"(d) Trust dashboard, {arrangementCount:N0} arrangements and {reviewCount:N0} reviews over {schools.Count} schools: page p95 {P95(dashboardTimes):0.0} ms, median {Median(dashboardTimes):0.0} ms, over 100 views of the steady page (target p95 < 100 ms; the first view, which sums and keeps the weeks and years, {dashboardCold:0} ms); its attendance from raw marks alone p95 {P95(dashboardRawTimes):0} ms; ratio {P95(dashboardRawTimes) / P95(dashboardTimes):0.0}x (target >= 20x)");
// What setting the trust for each command costs (ADR 0029, 0044): bare commands against the same beginning with the
// statement every command of a user's context begins with (TenantSql.SetForTransaction: a CALL of app_set_trust), and with
// the DO block it replaced, 20,000 of each in turn over three rounds on one connection with its statements prepared (as the
// application's are, ADR 0033): the time at the client and the server's CPU a command (PostgresCpu, from /proc).
await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(app) { MaxAutoPrepare = 20, AutoPrepareMinUsages = 2 }.ConnectionString))
{
    await connection.OpenAsync();
    var trustStatement = FlexiSchooling.Data.Tenancy.TenantSql.SetForTransaction(FlexiSchooling.Data.Tenancy.TenantContext.ForTrust(trust.Id));
    var forms = new (string Name, string Sql)[]
    {
        ("bare", "SELECT 1"),
        ("app", trustStatement + "SELECT 1"),
        ("do", $"DO $trust$BEGIN PERFORM set_config('app.trust_id', '{trust.Id:D}', true); END$trust$;\nSELECT 1"),
    };
    var clientUs = forms.ToDictionary(f => f.Name, _ => 0.0);
    var serverUs = forms.ToDictionary(f => f.Name, _ => 0.0);
    const int PerRound = 20_000, Rounds = 3;
    async Task RunAsync(string sql, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteScalarAsync();
        }
    }

    foreach (var form in forms)
    {
        await RunAsync(form.Sql, 500); // prepared and warm
    }

    for (var round = 0; round < Rounds; round++)
    {
        foreach (var form in forms)
        {
            var cpu = await PostgresCpu.StartAsync(owner);
            var watch = Stopwatch.StartNew();
            await RunAsync(form.Sql, PerRound);
            clientUs[form.Name] += watch.Elapsed.TotalMilliseconds * 1000 / (PerRound * Rounds);
            serverUs[form.Name] += await cpu.MillisecondsAsync() * 1000 / (PerRound * Rounds);
        }
    }

    Say($"    the trust's setting for each command (ADR 0029, 0044; {Rounds} x {PerRound:N0} of each, prepared): a bare command {clientUs["bare"]:0} µs, the server's CPU {serverUs["bare"]:0.0} µs; with the trust set as the application sets it {clientUs["app"]:0} µs, {serverUs["app"]:0.0} µs; with the DO block that did it before {clientUs["do"]:0} µs, {serverUs["do"]:0.0} µs");
}

// ---- Cold start and resident memory (issue 15): the application as a process of its own ---------------------------
// Started as the image starts it (deploy/Dockerfile: the published dll under `dotnet`, ReadyToRun, ADR 0039; here on a
// loopback address) and timed from the process start to the first answered sign-in page, against an empty Razor Pages app
// (bench/FlexiSchooling.EmptyRazor: one page and nothing else) published the same way (scripts/benchmark: Release,
// ReadyToRun, the same SDK, Directory.Build.props and Runtime.props) and started the same way, timed to its first answered
// page. One start of each first, not timed (it fills the file cache, as a deployed
// server's would be), then five of each in turn. Then the application once more: every officer signs in over HTTP and
// the trust's registers of a session are saved through it as in the register session above (the afternoon of the eighth
// day, written by nothing else), and its resident memory is read from /proc.
string Published(string variable) => Environment.GetEnvironmentVariable(variable)
    ?? throw new InvalidOperationException($"{variable} is not set: run the benchmark with scripts/benchmark, which publishes what it starts");
var webRoot = Published("BENCH_WEB_PUBLISHED");
var webDll = Path.Combine(webRoot, "FlexiSchooling.Web.dll");
var emptyRoot = Published("BENCH_EMPTY_PUBLISHED");
var emptyDll = Path.Combine(emptyRoot, "FlexiSchooling.EmptyRazor.dll");
var processData = Directory.CreateTempSubdirectory("flexi-bench-process-").FullName;
var appStarts = new List<double>();
var emptyStarts = new List<double>();
long emptyResident = 0;
for (var i = 0; i < 6; i++)
{
    foreach (var (dll, root, page, starts) in new[] { (webDll, webRoot, "/Account/Login", appStarts), (emptyDll, emptyRoot, "/", emptyStarts) })
    {
        var started = await StartProcessAsync(dll, root, page, processData);
        if (i > 0)
        {
            starts.Add(started.Milliseconds);
        }

        if (dll == emptyDll)
        {
            emptyResident = ResidentMegabytes(started.Process).Current;
        }

        await StopProcessAsync(started.Process);
    }
}

string Spread(List<double> xs) => $"median {xs.Order().ElementAt(xs.Count / 2):N0} ms ({xs.Min():N0}–{xs.Max():N0} over {xs.Count} starts)";
var startRatio = appStarts.Order().ElementAt(appStarts.Count / 2) / emptyStarts.Order().ElementAt(emptyStarts.Count / 2);
Say($"Cold start, process start to the first answered page: the application's sign-in page {Spread(appStarts)}; an empty Razor Pages app published (ReadyToRun) and started the same way {Spread(emptyStarts)}; ratio of the medians {startRatio:0.0}x (target <= 2x)");
// Started as an instance behind the load balancer runs (ADR 0049), for the balancer's part below: forwarded headers taken
// from 127.0.0.2 alone, the address the balancer connects from. Its direct clients connect from 127.0.0.1, so they are
// served as they were before the setting (the middleware passes their requests over).
var server = await StartProcessAsync(webDll, webRoot, "/Account/Login", processData, new Dictionary<string, string>
{
    ["Hosting__BehindProxy"] = "true",
    ["Hosting__KnownProxies"] = "127.0.0.2",
});
try
{
    var atStart = ResidentMegabytes(server.Process).Current;
    var serverClients = new Dictionary<Guid, HttpClient>();
    foreach (var officer in officers)
    {
        serverClients[officer.School] = await SignInAsync(new HttpClient(new LoopbackCookieJar()) { BaseAddress = server.Address }, officer.Email);
    }

    var (serverTimes, serverFailures, serverElapsed) = await RegisterSessionAsync(serverClients, queue, openDays[7], "PM");
    var (resident, peak) = ResidentMegabytes(server.Process);
    Say($"    the application's own process over HTTP: a register session of {queue.Count:N0} registers by {MorningUsers} concurrent users, {serverTimes.Count:N0} saved, {serverFailures} failed, in {serverElapsed.TotalSeconds:0.0} s; save p95 {P95(serverTimes):0.0} ms");
    Say($"Resident memory after that register session: {resident} MB (peak {peak} MB; {atStart} MB after its first page; the empty app {emptyResident} MB) (target <= 320 MB)");
    await BalancerAsync(server.Process, server.Address, serverClients);
}
finally
{
    await StopProcessAsync(server.Process);
}

// ---- A synchronous standby's cost (issue 15, "past one machine"; ADR 0052) -----------------------------------------------
// ADR 0052 has every commit wait for a standby, so that a save reported saved is on two machines; what that costs a save
// was not measured. A standby of this cluster is made as the failover test's is (a base backup through a slot, fsync on
// as here) and the trust's registers of an afternoon saved as the register session above saves them (every officer
// signed in, 32 at once, through the in-process application), once for each way the primary can stand:
//   - no standby at all (stopped, none named): the reference, the same saves with nothing to wait for or stream to;
//   - an asynchronous standby (streaming, none named: ADR 0028's replica);
//   - synchronous, `synchronous_commit = remote_write` (a commit waits until the standby has the WAL, not on its disk);
//   - synchronous, `synchronous_commit = on` (waits until the standby has flushed it: ADR 0052 as shipped).
// The four in turn and back (each pass the reverse of the one before, so that none is always first or last, and the
// standby starts and stops once a pair of passes), each session's afternoon made unwritten first. The primary's CPU (the
// walsender among its processes) and the standby's, a register saved, around each session. Both clusters share this
// machine's two cores and its disk: across a network each commit that waits adds a round trip, and the standby's flush
// is on a disk of its own.
var standbyDirectory = Environment.GetEnvironmentVariable("BENCH_STANDBY");
if (standbyDirectory is not null)
{
    var standby = new Standby(standbyDirectory, int.Parse(Environment.GetEnvironmentVariable("BENCH_PG_PORT")!, CultureInfo.InvariantCulture), Environment.GetEnvironmentVariable("BENCH_PG_SUPER")!);
    var modes = new (string Name, string? Names, string Commit)[]
    {
        ("no standby", null, "on"),
        ("an asynchronous standby", "", "on"),
        ("synchronous, remote_write", "*", "remote_write"),
        ("synchronous, on (as shipped)", "*", "on"),
    };
    var standbyResults = modes.ToDictionary(m => m.Name, _ => (Times: new List<double>(), Failures: 0, Elapsed: TimeSpan.Zero, PrimaryMs: 0.0, StandbyMs: 0.0));
    var standbyDay = openDays[7];
    var madeIn = TimeSpan.Zero;
    var standbyRunning = false;
    var passes = int.Parse(Environment.GetEnvironmentVariable("BENCH_STANDBY_PASSES") ?? "4", CultureInfo.InvariantCulture);
    var clientsBySchool = morningClients.ToDictionary(c => c.School, c => c.Client);
    try
    {
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var (name, standbyNames, commit) in pass % 2 == 0 ? modes : modes.Reverse())
            {
                await AfternoonUnwrittenAsync(standbyDay);
                if (standbyNames is null)
                {
                    await standby.WithoutAsync();
                    standbyRunning = false;
                }
                else
                {
                    if (!standbyRunning)
                    {
                        var took = await standby.StartAsync();
                        madeIn = madeIn == TimeSpan.Zero ? took : madeIn;
                        standbyRunning = true;
                    }

                    await standby.SetAsync(standbyNames, commit);
                }

                var primaryCpu = await PostgresCpu.StartAsync(owner);
                var standbyCpu = standbyRunning ? await PostgresCpu.StartAsync(standby.On(owner)) : null;
                var (times, failures, elapsed) = await RegisterSessionAsync(clientsBySchool, queue, standbyDay, "PM");
                var primaryMs = await primaryCpu.MillisecondsAsync();
                var standbyMs = standbyCpu is null ? 0 : await standbyCpu.MillisecondsAsync();
                var sofar = standbyResults[name];
                standbyResults[name] = ([.. sofar.Times, .. times], sofar.Failures + failures, sofar.Elapsed + elapsed, sofar.PrimaryMs + primaryMs, sofar.StandbyMs + standbyMs);
            }
        }
    }
    finally
    {
        await standby.WithoutAsync();
    }

    var databaseBytes = await standby.DatabaseBytesAsync(new NpgsqlConnectionStringBuilder(owner).Database!);
    var without = standbyResults[modes[0].Name].Times;
    Say($"A synchronous standby's cost (ADR 0052): the trust's {queue.Count:N0} registers of an afternoon saved by {MorningUsers} users at once, {passes} times for each way the primary stands, in turn; the standby made by a base backup of {databaseBytes / (1024.0 * 1024 * 1024):0.00} GB in {madeIn.TotalSeconds:0.0} s");
    foreach (var (name, _, _) in modes)
    {
        var (times, failures, elapsed, primaryMs, standbyMs) = standbyResults[name];
        Say($"    {name}: save p95 {P95(times):0.0} ms ({P95(times) / P95(without):0.00}x no standby), median {Median(times):0.0} ms; {times.Count / elapsed.TotalSeconds:0} registers opened and saved a second; {times.Count:N0} saved, {failures} failed; CPU a register: the primary's {primaryMs / times.Count:0.00} ms, the standby's {standbyMs / times.Count:0.00} ms");
    }
}

// ---- Across a network (issue 15, "past one machine") ---------------------------------------------------------------
// Everything above reached PostgreSQL on the loopback address, where a round trip costs a few microseconds; between two
// machines it costs the link's round-trip time. The application's App connection and the references' connections again,
// through NetworkBetween (tests/Shared): a relay in front of the cluster's port that holds what it passes on a fixed time
// each way (this kernel has no netem) and counts the round trips its clients wait for. Four ways, in turn: direct (no
// relay, as above), through the relay holding nothing (the relay's own cost: its threads are this process's and share
// the two cores), a quarter of a millisecond each way (a 0.5 ms round trip, machines in one data centre) and a
// millisecond each way (2 ms, across a cloud region's zones). Each way:
// 1. the register page against the bare query, one request at a time (each user's 24 registers in turn, every user),
//    where what a round trip costs shows whole in the median: an untimed pass of each, then BENCH_NETWORK_ROUNDS timed
//    (default 2), page and query in turn;
// 2. the same at 8 users at once, the issue's form of the target (p95), as many rounds;
// 3. (a)'s saves against its reference at 8 users, twice, then one at a time once, the afternoon of openDays[7] made
//    unwritten before each: each user six of its school's registers by the application, and the reference in the form
//    chosen above on the school's registers after those six, on connections of its own through the same relay.
// 4. the home page ("Today", the request every user makes first), each user's at half past nine in the morning of
//    openDays[7], one at a time (each user BENCH_NETWORK_HOMES times, default 5, after two untimed): its median and the
//    round trips a page, against the same page direct — no reference but itself, since what it shows is what a link
//    costs a page that reads in turn (RoundTripsTests holds each role's count).
// The references are the same as above, each still one round trip, so each ratio says what the application's round
// trips cost across the link. The afternoon is left unwritten again at the end.
{
    var networkRounds = int.Parse(Environment.GetEnvironmentVariable("BENCH_NETWORK_ROUNDS") ?? "2", CultureInfo.InvariantCulture);
    var target = new NpgsqlConnectionStringBuilder(app);
    using var network = NetworkBetween.To(target.Host!, target.Port);
    await using var networked = factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:App", network.Through(app)));
    var networkClients = await Task.WhenAll(users.Select(async officer =>
        (Officer: officer, Client: await SignInAsync(networked.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }), officer.Email))));
    var ways = new (string Name, TimeSpan? OneWay)[]
    {
        ("direct", null),
        ("through the relay, nothing held", TimeSpan.Zero),
        ("0.25 ms each way (0.5 ms round trip)", TimeSpan.FromMicroseconds(250)),
        ("1 ms each way (2 ms round trip)", TimeSpan.FromMilliseconds(1)),
    };
    var networkDay = openDays[7];
    // 4.'s clients: the clock at 09:30 in London (summer time) on networkDay, directly and through the relay.
    var homeMorning = new DateTimeOffset(networkDay.ToDateTime(new TimeOnly(8, 30)), TimeSpan.Zero);
    var homeRepeats = int.Parse(Environment.GetEnvironmentVariable("BENCH_NETWORK_HOMES") ?? "5", CultureInfo.InvariantCulture);
    await using var homeDirect = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(new ShiftedClock(homeMorning - DateTimeOffset.UtcNow))));
    await using var homeNetworked = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(new ShiftedClock(homeMorning - DateTimeOffset.UtcNow)))
        .UseSetting("ConnectionStrings:App", network.Through(app)));
    async Task<List<HttpClient>> HomeClientsAsync(WebApplicationFactory<FlexiSchooling.Web.Infrastructure.CurrentUser> of) => [.. await Task.WhenAll(users.Select(officer =>
        SignInAsync(of.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }), officer.Email)))];
    var homeDirectClients = await HomeClientsAsync(homeDirect);
    var homeNetworkClients = await HomeClientsAsync(homeNetworked);
    var homeLines = new List<string>();
    double? homeDirectMedian = null;
    var heading = true;
    foreach (var (name, oneWay) in ways)
    {
        network.OneWay = oneWay ?? TimeSpan.Zero;
        var clients = oneWay is null ? pageClients : networkClients;
        var through = oneWay is null ? owner : network.Through(owner);

        // 1. One at a time.
        async Task<List<double>> OneAtATimeAsync(bool page)
        {
            var times = new List<double>();
            foreach (var user in clients)
            {
                if (page)
                {
                    times.AddRange(await PageRoundAsync([user]));
                }
                else
                {
                    await QueryRoundsAsync(1, times, through, [user.Officer]);
                }
            }

            return times;
        }

        await OneAtATimeAsync(page: true);
        await OneAtATimeAsync(page: false);
        List<double> alonePages = [], aloneQueries = [], pages = [], queries = [], saves = [], references = [];
        long pageTrips = 0, saveTrips = 0, referenceTrips = 0;
        for (var round = 0; round < networkRounds; round++)
        {
            network.Reset();
            alonePages.AddRange(await OneAtATimeAsync(page: true));
            pageTrips += network.RoundTrips;
            aloneQueries.AddRange(await OneAtATimeAsync(page: false));
        }

        // 2. Eight at once.
        for (var round = 0; round < networkRounds; round++)
        {
            pages.AddRange(await PageRoundAsync(clients));
            await QueryRoundsAsync(1, queries, through);
        }

        // 3. Saves, twice at 8 users at once, then once one at a time.
        List<double> aloneSaves = [], aloneReferences = [];
        for (var pass = 0; pass < 3; pass++)
        {
            await AfternoonUnwrittenAsync(networkDay);
            var before = network.RoundTrips;
            if (pass == 2)
            {
                foreach (var (officer, client) in clients)
                {
                    foreach (var group in SchoolGroups(officer).Take(6))
                    {
                        aloneSaves.Add(await SaveRegisterAsync(client, group, networkDay, "PM"));
                    }
                }

                foreach (var officer in users)
                {
                    await using var connection = await OpenAsync(through);
                    foreach (var group in SchoolGroups(officer).Skip(6).Take(6))
                    {
                        await using var command = await ReferenceCommandAsync(connection, group, networkDay, "PM", referencePrepared);
                        var watch = Stopwatch.StartNew();
                        await command.ExecuteNonQueryAsync();
                        aloneReferences.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }

                continue;
            }

            await Task.WhenAll(clients.Select(async user =>
            {
                foreach (var group in SchoolGroups(user.Officer).Take(6))
                {
                    var elapsed = await SaveRegisterAsync(user.Client, group, networkDay, "PM");
                    lock (saves)
                    {
                        saves.Add(elapsed);
                    }
                }
            }));
            saveTrips += network.RoundTrips - before;
            var networkReferences = await Task.WhenAll(users.Select(_ => OpenAsync(through)));
            before = network.RoundTrips;
            await ReferenceRoundAsync(networkReferences, referencePrepared, networkDay, schoolGroups => schoolGroups.Skip(6).Take(6), references, "PM");
            referenceTrips += network.RoundTrips - before;
            foreach (var connection in networkReferences)
            {
                await connection.DisposeAsync();
            }
        }

        // 4. The home page, one at a time.
        var homes = new List<double>();
        var homeClients = oneWay is null ? homeDirectClients : homeNetworkClients;
        foreach (var client in homeClients)
        {
            for (var i = 0; i < 2; i++)
            {
                (await client.GetAsync("/")).EnsureSuccessStatusCode();
            }
        }

        network.Reset();
        for (var repeat = 0; repeat < homeRepeats; repeat++)
        {
            foreach (var client in homeClients)
            {
                var watch = Stopwatch.StartNew();
                using var response = await client.GetAsync("/");
                await response.Content.ReadAsStringAsync();
                homes.Add(watch.Elapsed.TotalMilliseconds);
                response.EnsureSuccessStatusCode();
            }
        }

        homeDirectMedian ??= Median(homes);
        homeLines.Add($"    {name}: the home page median {Median(homes):0.0} ms ({Median(homes) / homeDirectMedian:0.00}x direct), p95 {P95(homes):0.0} ms{(oneWay is null ? "" : $", {(double)network.RoundTrips / homes.Count:0.0} round trips a page")}");

        var counted = oneWay is null ? "" : $"; round trips: a page {(double)pageTrips / alonePages.Count:0.0}, a register opened and saved {(double)saveTrips / saves.Count:0.0}, a reference save {(double)referenceTrips / references.Count:0.0} (their statements prepared in the same count)";
        if (heading)
        {
            Say($"Across a network (NetworkBetween: a relay holding what it passes a fixed time each way), each way in turn: the register page one at a time ({alonePages.Count} pages, {networkRounds} rounds) and at {users.Count} users at once ({pages.Count}); (a) one at a time ({aloneSaves.Count} saves, {aloneReferences.Count} of the reference) and at {users.Count} users ({saves.Count}, {references.Count}):");
            heading = false;
        }

        Say($"    {name}: one at a time, the register page median {Median(alonePages):0.00} ms against the bare query's {Median(aloneQueries):0.00} ms ({Median(alonePages) / Median(aloneQueries):0.0}x), (a) save median {Median(aloneSaves):0.0} ms against the hand-written SQL's {Median(aloneReferences):0.0} ms ({Median(aloneSaves) / Median(aloneReferences):0.0}x); at {users.Count} users, the page p95 {P95(pages):0.0} ms against {P95(queries):0.00} ms ({P95(pages) / P95(queries):0.0}x), (a) save p95 {P95(saves):0.0} ms ({users.Count * 1000 / saves.Average():0} saves/s) against {P95(references):0.0} ms ({P95(saves) / P95(references):0.0}x){counted}");
    }

    Say($"The home page across the same ways (each school's attendance officer's Today at 09:30 on {networkDay:d MMMM yyyy}, one at a time, {homeRepeats} each after two untimed):");
    foreach (var line in homeLines)
    {
        Say(line);
    }

    await AfternoonUnwrittenAsync(networkDay);
    foreach (var client in networkClients.Select(c => c.Client).Concat(homeDirectClients).Concat(homeNetworkClients))
    {
        client.Dispose();
    }
}

Say($"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
var output = Environment.GetEnvironmentVariable("BENCH_REPORT");
if (output is not null)
{
    await File.WriteAllTextAsync(output, report.ToString());
}

// ---- The load balancer's own cost (issue 15, "past one machine"; ADR 0049) ------------------------------------------
// The process above behind HAProxy configured by the shipped deploy/haproxy.cfg (TLS ended there, HTTP/2 from the
// client as a browser speaks it through ALPN, the instance reached over kept HTTP/1.1 connections), against the same
// process reached directly: the reference is the same request without the balancer, the fastest way to the same page.
// 1. The register page, the same users and registers as the page load above, each user signed in both ways: rounds in
//    turn, direct and through the balancer, the first of the two turned from round to round; the balancer's CPU (one
//    process, its threads summed, from /proc), the instance's and this process's (the clients': the browser's share,
//    TLS's client side among it) around each round.
// 2. A request on a connection of its own, as a browser's first of the day: /health/live (no database) by a new client
//    each time, one at a time, with a full TLS handshake (no session resumed), directly and through two balancers, one
//    with an RSA 2048 certificate and one with ECDSA P-256 — the handshake is the balancer's costliest work, and its
//    signature's cost depends on the key's kind; then through the RSA one with sessions resumed, as a browser back
//    within the session's lifetime.
// 3. A register session through it: the trust's registers of the afternoon the process's session saved, taken away
//    and saved again, every other register through the balancer and the rest directly, 16 users each way at once (32 in
//    all), so that both share the same moments of the machine; the balancer's CPU a register opened and saved.
async Task BalancerAsync(Process instance, Uri direct, IReadOnlyDictionary<Guid, HttpClient> directClients)
{
    var haproxy = Environment.GetEnvironmentVariable("BENCH_HAPROXY") ?? "/usr/sbin/haproxy";
    var configuration = Path.Combine(Directory.GetCurrentDirectory(), "deploy", "haproxy.cfg");
    await using var rsa = await Balancer.StartAsync(haproxy, configuration, direct);
    await using var ecdsa = await Balancer.StartAsync(haproxy, configuration, direct, ecdsa: true);
    var balancedClients = new Dictionary<Guid, HttpClient>();
    foreach (var officer in officers)
    {
        balancedClients[officer.School] = await SignInAsync(rsa.Client(), officer.Email);
    }

    List<((string Email, Guid School) Officer, HttpClient Client)> Each(IReadOnlyDictionary<Guid, HttpClient> clients) => [.. users.Select(o => (o, clients[o.School]))];
    await PageRoundAsync(Each(directClients));
    await PageRoundAsync(Each(balancedClients));
    const int BalancerRounds = 5;
    var directPages = new List<double>();
    var balancedPages = new List<double>();
    double directInstanceMs = 0, balancedInstanceMs = 0, directClientMs = 0, balancedClientMs = 0, balancerMs = 0;
    // Each round's two halves in turn, and which goes first turned from round to round, so that neither is always the one
    // after the other (a collection or a compilation the first set off falls on the second).
    async Task DirectRoundAsync()
    {
        var (instanceCpu, clientCpu) = (ProcessCpu.Of(instance.Id), ProcessCpu.Now());
        directPages.AddRange(await PageRoundAsync(Each(directClients)));
        directInstanceMs += (ProcessCpu.Of(instance.Id) - instanceCpu).TotalMilliseconds;
        directClientMs += (ProcessCpu.Now() - clientCpu).TotalMilliseconds;
    }

    async Task BalancedRoundAsync()
    {
        var (instanceCpu, clientCpu, balancerCpu) = (ProcessCpu.Of(instance.Id), ProcessCpu.Now(), ProcessCpu.Of(rsa.Pid));
        balancedPages.AddRange(await PageRoundAsync(Each(balancedClients)));
        balancerMs += (ProcessCpu.Of(rsa.Pid) - balancerCpu).TotalMilliseconds;
        balancedInstanceMs += (ProcessCpu.Of(instance.Id) - instanceCpu).TotalMilliseconds;
        balancedClientMs += (ProcessCpu.Now() - clientCpu).TotalMilliseconds;
    }

    for (var round = 0; round < BalancerRounds; round++)
    {
        foreach (var half in round % 2 == 0 ? [DirectRoundAsync, BalancedRoundAsync] : new Func<Task>[] { BalancedRoundAsync, DirectRoundAsync })
        {
            await half();
        }
    }

    var (directCount, balancedCount) = ((double)directPages.Count, (double)balancedPages.Count);
    Say($"Through the load balancer (HAProxy {HaproxyVersion(haproxy)}, deploy/haproxy.cfg, TLS there; ADR 0049), the register page, {users.Count} users, {BalancerRounds} rounds of {directPages.Count / BalancerRounds} pages in turn: direct p95 {P95(directPages):0.0} ms, through the balancer {P95(balancedPages):0.0} ms ({P95(balancedPages) / P95(directPages):0.00}x); the balancer's CPU a page {balancerMs / balancedCount:0.000} ms; the instance's {directInstanceMs / directCount:0.00} ms direct, {balancedInstanceMs / balancedCount:0.00} ms through it; the clients' {directClientMs / directCount:0.00} and {balancedClientMs / balancedCount:0.00} ms");

    // 2. Handshakes: a new client for each request, one request at a time, three rounds of each in turn, the balancers'
    //    order turned from round to round. Besides the full handshakes, the RSA balancer's again with resumption allowed,
    //    as a browser back within HAProxy's session lifetime makes it; HAProxy's own counters (its stats socket) say how
    //    many of each series' connections were resumed from its session cache.
    const int HandshakesARound = 200, HandshakeRounds = 3;
    var series = new (string Name, string Label, Func<HttpClient> NewClient, Balancer? Balancer)[]
    {
        ("rsa", "an RSA 2048 certificate", () => rsa.Client(resumeTls: false), rsa),
        ("ecdsa", "an ECDSA P-256 certificate", () => ecdsa.Client(resumeTls: false), ecdsa),
        ("resumed", "the RSA certificate, sessions resumed where the client can", () => rsa.Client(resumeTls: true), rsa),
    };
    var firstRequests = new Dictionary<string, (List<double> Times, double BalancerMs, long Connections, long Resumed)> { ["direct"] = ([], 0, 0, 0) };
    foreach (var one in series)
    {
        firstRequests[one.Name] = ([], 0, 0, 0);
    }

    async Task HandshakesAsync(string name, Func<HttpClient> newClient, Balancer? balancer, bool timed)
    {
        var before = balancer is null ? TimeSpan.Zero : ProcessCpu.Of(balancer.Pid);
        (long Connections, long Resumed) counters = balancer is null ? default : await balancer.TlsCountersAsync();
        var times = new List<double>();
        for (var i = 0; i < HandshakesARound; i++)
        {
            using var client = newClient();
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync("/health/live");
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"/health/live answered {(int)response.StatusCode} ({name})");
            }

            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        if (timed)
        {
            var spent = balancer is null ? 0 : (ProcessCpu.Of(balancer.Pid) - before).TotalMilliseconds;
            (long Connections, long Resumed) after = balancer is null ? default : await balancer.TlsCountersAsync();
            var sofar = firstRequests[name];
            firstRequests[name] = ([.. sofar.Times, .. times], sofar.BalancerMs + spent, sofar.Connections + after.Connections - counters.Connections, sofar.Resumed + after.Resumed - counters.Resumed);
        }
    }

    HttpClient DirectClient() => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = direct };
    for (var round = 0; round <= HandshakeRounds; round++)
    {
        var timed = round > 0; // the first round warms each side's code, not timed
        await HandshakesAsync("direct", DirectClient, null, timed);
        foreach (var one in round % 2 == 0 ? series : series.Reverse())
        {
            await HandshakesAsync(one.Name, one.NewClient, one.Balancer, timed);
        }
    }

    var handshakes = (double)HandshakesARound * HandshakeRounds;
    string FirstRequest(string name)
    {
        var (times, balancerMs, connections, resumed) = firstRequests[name];
        return $"median {Median(times):0.0} ms, p95 {P95(times):0.0}" + (name == "direct" ? "" : $", the balancer's CPU a request {balancerMs / handshakes:0.00} ms, {resumed:N0} of its {connections:N0} TLS connections resumed");
    }

    Say($"    a request on a connection of its own ({handshakes:0} of each, one at a time, /health/live): direct {FirstRequest("direct")}; through the balancer with a full TLS handshake each, {string.Join("; ", series.Where(x => x.Name != "resumed").Select(x => $"{x.Label} {FirstRequest(x.Name)}"))}; with {series.Single(x => x.Name == "resumed").Label}, {FirstRequest("resumed")}");

    // 3. A register session, half of it through the balancer. Every afternoon of the measured days is written by then, so
    //    the process's own session above is taken away first, as (a) at 32 users' rounds are (marks, history and
    //    submissions deleted, the pupils' weeks and years counted again from the marks left, the tables vacuumed), and
    //    its afternoon saved again: the same writes, each register new again.
    var day = openDays[7];
    await AfternoonUnwrittenAsync(day);

    var sessionBalancerCpu = ProcessCpu.Of(rsa.Pid);
    var halves = await Task.WhenAll(
        RegisterSessionAsync(directClients, [.. queue.Where((_, i) => i % 2 == 0)], day, "PM", MorningUsers / 2),
        RegisterSessionAsync(balancedClients, [.. queue.Where((_, i) => i % 2 == 1)], day, "PM", MorningUsers / 2));
    var sessionBalancerMs = (ProcessCpu.Of(rsa.Pid) - sessionBalancerCpu).TotalMilliseconds;
    var (directHalf, balancedHalf) = (halves[0], halves[1]);
    Say($"    a register session of {queue.Count:N0} registers, every other one through the balancer, {MorningUsers / 2} users each way at once: {directHalf.Times.Count + balancedHalf.Times.Count:N0} saved, {directHalf.Failures + balancedHalf.Failures} failed, in {(directHalf.Elapsed > balancedHalf.Elapsed ? directHalf.Elapsed : balancedHalf.Elapsed).TotalSeconds:0.0} s; save p95 direct {P95(directHalf.Times):0.0} ms, through the balancer {P95(balancedHalf.Times):0.0} ms ({P95(balancedHalf.Times) / P95(directHalf.Times):0.00}x); the balancer's CPU a register opened and saved {sessionBalancerMs / balancedHalf.Times.Count:0.000} ms");
    foreach (var client in balancedClients.Values)
    {
        client.Dispose();
    }
}

// The afternoon of `day` made unwritten again for a register session to save anew: its marks, history and submissions
// taken away, the pupils' weeks and years counted again from the marks left (as (a) at 32 users' rounds are), the tables
// vacuumed; the benchmark stops if any of it is left.
async Task AfternoonUnwrittenAsync(DateOnly day)
{
    await TakeAwayAsync($"""
        DELETE FROM attendance_marks WHERE date = '{day:yyyy-MM-dd}' AND session = 'PM';
        DELETE FROM attendance_mark_changes WHERE date = '{day:yyyy-MM-dd}' AND session = 'PM';
        DELETE FROM register_submissions WHERE date = '{day:yyyy-MM-dd}' AND session = 'PM';
        """);
    await using (var db = systemDb.Create())
    {
        db.Database.SetCommandTimeout(1800);
        await AttendanceSummaries.RecountAsync(db, [.. pupils.Select(p => p.Id)], [day]);
    }

    await VacuumAsync("attendance_marks, attendance_mark_changes, register_submissions, attendance_pupil_weeks, attendance_pupil_years");
    await using var connection = new NpgsqlConnection(owner);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT count(*) FROM attendance_marks WHERE date = @d AND session = 'PM'", connection);
    command.Parameters.AddWithValue("d", day);
    if ((long)(await command.ExecuteScalarAsync())! != 0)
    {
        throw new InvalidOperationException($"A register session needs the afternoon of {day} unwritten");
    }
}

static string HaproxyVersion(string haproxy)
{
    using var process = Process.Start(new ProcessStartInfo(haproxy, ["-v"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
    var first = process.StandardOutput.ReadLine() ?? "";
    process.WaitForExit();
    return Regex.Match(first, @"version (\S+)").Groups[1].Value;
}

// The hand-written SQL of (a) for one register: everyone present in the session, with its parameters.
NpgsqlCommand RegisterCommand(NpgsqlConnection connection, RegistrationGroup group, DateOnly day, string session)
{
    var command = new NpgsqlCommand(RegisterSql(session), connection);
    command.Parameters.AddWithValue("t", trust.Id);
    command.Parameters.AddWithValue("s", group.SchoolId);
    command.Parameters.AddWithValue("g", group.Id);
    command.Parameters.AddWithValue("d", day);
    command.Parameters.AddWithValue("w", AttendanceFigures.SummaryWeekOf(day));
    command.Parameters.AddWithValue("p", pupils.Where(p => p.RegistrationGroupId == group.Id).Select(p => p.Id).ToArray());
    command.Parameters.AddWithValue("y", FlexiSchooling.Domain.Common.AcademicYear.Containing(day).Start);
    return command;
}

// (a)'s reference for one register in the form chosen: prepared, the statements are parsed and planned on the connection's
// first save and kept there (a pooled connection reopened keeps them: Npgsql finds the text already prepared), and each
// save after sends only its parameters.
async Task<NpgsqlCommand> ReferenceCommandAsync(NpgsqlConnection connection, RegistrationGroup group, DateOnly day, string session, bool prepared)
{
    var command = RegisterCommand(connection, group, day, session);
    if (prepared)
    {
        await command.PrepareAsync();
    }

    return command;
}

// Signs an officer in through the sign-in page, as a person would; a refused sign-in stops the run.
async Task<HttpClient> SignInAsync(HttpClient client, string email)
{
    var login = await client.GetStringAsync("/Account/Login");
    using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent([new("Input.Email", email), new("Input.Password", Password), new("__RequestVerificationToken", Token(login))]));
    if (response.StatusCode != HttpStatusCode.Redirect)
    {
        throw new InvalidOperationException($"Signing in as {email} answered {(int)response.StatusCode}");
    }

    return client;
}

// A register session: every register in the queue (school by school in turn) saved by its school's signed-in officer,
// at most 32 in flight (or as many as `concurrent` says); each save's time, the saves that failed, and the whole
// session's time.
async Task<(List<double> Times, int Failures, TimeSpan Elapsed)> RegisterSessionAsync(IReadOnlyDictionary<Guid, HttpClient> clients, List<RegistrationGroup> registers, DateOnly day, string session, int concurrent = MorningUsers)
{
    var times = new List<double>();
    var failures = 0;
    using var gate = new SemaphoreSlim(concurrent);
    var sessionWatch = Stopwatch.StartNew();
    await Task.WhenAll(registers.Select(async group =>
    {
        await gate.WaitAsync();
        try
        {
            var elapsed = await SaveRegisterAsync(clients[group.SchoolId], group, day, session);
            lock (times)
            {
                times.Add(elapsed);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
        {
            Interlocked.Increment(ref failures); // a refused save or a page that failed: counted, and the session goes on
        }
        finally
        {
            gate.Release();
        }
    }));
    return (times, failures, sessionWatch.Elapsed);
}

// Starts a published web app as the image does, on a free loopback port, and times it to the first 200 from its page. The
// data directory (logs; the empty app's data-protection keys, the application's being the database's, ADR 0050) is kept
// from start to start, as a server's is.
static async Task<(Process Process, double Milliseconds, Uri Address)> StartProcessAsync(string dll, string contentRoot, string page, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
{
    var port = LoopbackPort.Free();
    var address = new Uri($"http://localhost:{port}");
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in new[] { dll, "--contentRoot", contentRoot, "--urls", $"http://localhost:{port}" })
    {
        start.ArgumentList.Add(argument);
    }

    start.Environment["ASPNETCORE_ENVIRONMENT"] = "Benchmark";
    start.Environment["Security__RequireTwoFactor"] = "false";
    start.Environment["Security__TreatLoopbackAsSecure"] = "true"; // http://localhost as a secure context, as scripts/run serves it (ADR 0006)
    start.Environment["FlexiSchooling__DataDirectory"] = dataDirectory;
    foreach (var (name, value) in settings ?? new Dictionary<string, string>())
    {
        start.Environment[name] = value;
    }

    var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
    var process = new Process { StartInfo = start }; // not disposed here: its output is read until it is stopped
    process.OutputDataReceived += (_, e) => Keep(e.Data);
    process.ErrorDataReceived += (_, e) => Keep(e.Data);
    using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    var watch = Stopwatch.StartNew();
    process.Start();
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    while (true)
    {
        if (process.HasExited || watch.Elapsed > TimeSpan.FromMinutes(2))
        {
            throw new InvalidOperationException($"{Path.GetFileName(dll)} did not answer {page}: {string.Join(Environment.NewLine, output)}");
        }

        try
        {
            using var response = await client.GetAsync(new Uri(address, page));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (process, watch.Elapsed.TotalMilliseconds, address);
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(5);
    }

    void Keep(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
            while (output.Count > 40 && output.TryDequeue(out _))
            {
            }
        }
    }
}

static async Task StopProcessAsync(Process process)
{
    process.Kill(entireProcessTree: true);
    await process.WaitForExitAsync();
    process.Dispose();
}

// A process's resident set now and at its peak, in MB, from /proc (Linux).
static (long Current, long Peak) ResidentMegabytes(Process process)
{
    var status = File.ReadAllLines($"/proc/{process.Id}/status");
    long Field(string name) => long.Parse(status.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
    return (Field("VmRSS"), Field("VmHWM"));
}

async Task<double> SaveRegisterAsync(HttpClient client, RegistrationGroup group, DateOnly day, string session)
{
    var url = $"/Attendance/Register/{group.Id}?date={day:yyyy-MM-dd}&session={session}&present=all"; // everyone present, chosen as a person would
    var form = await client.GetStringAsync(url);

    var fields = Regex.Matches(form[form.IndexOf($"<form method=\"post\" action=\"/Attendance/Register/{group.Id}", StringComparison.Ordinal)..], "name=\"([^\"]+)\"[^>]*?value=\"([^\"]*)\"")
        .Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
    var watch = Stopwatch.StartNew();
    var response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
    watch.Stop();
    if (response.StatusCode != HttpStatusCode.Redirect)
    {
        throw new InvalidOperationException($"Register save answered {(int)response.StatusCode}");
    }

    return watch.Elapsed.TotalMilliseconds;
}

// One mark by binary COPY, as both COPY references write them (minutes late only for L, as the domain keeps them).
static void CopyMark(NpgsqlBinaryImporter copy, Guid trustId, Pupil pupil, DateOnly day, Session session, string code, DateTimeOffset now)
{
    copy.StartRow();
    copy.Write(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
    copy.Write(trustId, NpgsqlDbType.Uuid);
    copy.Write(pupil.SchoolId, NpgsqlDbType.Uuid);
    copy.Write(pupil.Id, NpgsqlDbType.Uuid);
    copy.Write(day, NpgsqlDbType.Date);
    copy.Write(session.ToString(), NpgsqlDbType.Varchar);
    copy.Write(code, NpgsqlDbType.Varchar);
    copy.Write(AttendanceCodeSet.Dfe2024[code].Category.ToString(), NpgsqlDbType.Varchar);
    if (code == "L")
    {
        copy.Write(5, NpgsqlDbType.Integer);
    }
    else
    {
        copy.WriteNull();
    }

    copy.Write(true, NpgsqlDbType.Boolean);
    copy.Write(now, NpgsqlDbType.TimestampTz);
}

// The hand-written SQL of (a): a register's marks with their history, the submission, and the pupils' weekly and yearly
// summaries moved by the marks' figures less those of the marks they replace (none for a new register), in one round trip
// — the form the application writes since the forty-eighth session (ADR 0056). Until then both counted the touched week
// and year again from the marks and the weeks; the year's count read every week of each pupil's year, a heap page a week
// at full scale (11.3 ms a save of the reference's 8-user rounds in that session's run, pg_stat_statements), the move
// a row a pupil. Each read names the trust, which leads every key (ADR 0032), so each is an index range whichever role
// runs it.
static string RegisterSql(string session) => """
                WITH old AS (
                  SELECT pupil_id, category, expected_in_school FROM attendance_marks WHERE trust_id = @t AND pupil_id = ANY(@p) AND date = @d AND session = '{SESSION}'),
                m AS (
                  INSERT INTO attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, expected_in_school, recorded_at)
                  SELECT gen_random_uuid(), @t, @s, p, @d, '{SESSION}', '/', 'Present', true, now() FROM unnest(@p) AS p
                  ON CONFLICT (trust_id, pupil_id, date, session) DO UPDATE SET code = EXCLUDED.code, category = EXCLUDED.category, expected_in_school = EXCLUDED.expected_in_school
                  RETURNING id, pupil_id),
                h AS (
                  INSERT INTO attendance_mark_changes (id, trust_id, school_id, mark_id, pupil_id, date, session, new_code, changed_at)
                  SELECT gen_random_uuid(), @t, @s, m.id, m.pupil_id, @d, '{SESSION}', '/', now() FROM m),
                moved AS (
                  SELECT p AS pupil_id,
                         1 - count(o.pupil_id) FILTER (WHERE o.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')) AS possible,
                         1 - count(o.pupil_id) FILTER (WHERE o.category = 'Present') AS present,
                         - count(o.pupil_id) FILTER (WHERE o.category = 'ApprovedEducationalActivity') AS activity,
                         - count(o.pupil_id) FILTER (WHERE o.category = 'Authorised') AS authorised,
                         - count(o.pupil_id) FILTER (WHERE o.category = 'Unauthorised') AS unauthorised,
                         1 - count(o.pupil_id) FILTER (WHERE o.expected_in_school AND o.category IN ('Present', 'ApprovedEducationalActivity', 'Authorised', 'Unauthorised')) AS expected_possible,
                         1 - count(o.pupil_id) FILTER (WHERE o.expected_in_school AND o.category IN ('Present', 'ApprovedEducationalActivity')) AS expected_attended
                    FROM unnest(@p) AS p LEFT JOIN old o ON o.pupil_id = p GROUP BY p ORDER BY p),
                w AS (
                  INSERT INTO attendance_pupil_weeks AS t (trust_id, school_id, pupil_id, week_start, possible, present, approved_activity, authorised, unauthorised, expected_possible, expected_attended)
                  SELECT @t, @s, pupil_id, @w, possible, present, activity, authorised, unauthorised, expected_possible, expected_attended FROM moved
                  ON CONFLICT (trust_id, pupil_id, school_id, week_start) DO UPDATE SET possible = t.possible + EXCLUDED.possible, present = t.present + EXCLUDED.present,
                    approved_activity = t.approved_activity + EXCLUDED.approved_activity, authorised = t.authorised + EXCLUDED.authorised, unauthorised = t.unauthorised + EXCLUDED.unauthorised,
                    expected_possible = t.expected_possible + EXCLUDED.expected_possible, expected_attended = t.expected_attended + EXCLUDED.expected_attended)
                INSERT INTO attendance_pupil_years AS t (trust_id, school_id, pupil_id, year_start, possible, present, approved_activity, authorised, unauthorised, expected_possible, expected_attended)
                SELECT @t, @s, pupil_id, @y, possible, present, activity, authorised, unauthorised, expected_possible, expected_attended FROM moved
                ON CONFLICT (trust_id, pupil_id, school_id, year_start) DO UPDATE SET possible = t.possible + EXCLUDED.possible, present = t.present + EXCLUDED.present,
                  approved_activity = t.approved_activity + EXCLUDED.approved_activity, authorised = t.authorised + EXCLUDED.authorised, unauthorised = t.unauthorised + EXCLUDED.unauthorised,
                  expected_possible = t.expected_possible + EXCLUDED.expected_possible, expected_attended = t.expected_attended + EXCLUDED.expected_attended;
                INSERT INTO register_submissions (id, trust_id, school_id, group_id, date, session, submitted_at) VALUES (gen_random_uuid(), @t, @s, @g, @d, '{SESSION}', now());
                """.Replace("{SESSION}", session, StringComparison.Ordinal);

static string Token(string html) => Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;


/// <summary>The system clock moved by a fixed offset: the application's "today" on a chosen day, still ticking.</summary>
sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}

/// <summary>This process's CPU time so far, read afresh from the operating system each call.</summary>
static class ProcessCpu
{
    public static TimeSpan Now()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Another process's CPU so far (user and system time from /proc/PID/stat).</summary>
    public static TimeSpan Of(int pid) => TimeSpan.FromMilliseconds(Ticks(pid) * 10.0);

    /// <summary>
    /// A process's user and system time from /proc/PID/stat, in Linux's USER_HZ ticks of 1/100 s: the fields after the
    /// command's name, which is in parentheses, utime and stime the 12th and 13th of them.
    /// </summary>
    public static long Ticks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// The CPU time of the benchmark cluster's PostgreSQL processes over a stretch of work: every process
/// <c>pg_stat_activity</c> lists (the backends and the background processes), read from <c>/proc/PID/stat</c> (user and
/// system time, in clock ticks of 1/100 s, Linux's USER_HZ) at the start and at the end; a process started in between
/// counts from nothing, and one that ends in between is not counted (the clients' pooled connections stay open across
/// the stretch). ADR 0033's figures were read the same way by hand.
/// </summary>
sealed class PostgresCpu
{
    private readonly string connectionString;
    private readonly Dictionary<int, long> start;

    private PostgresCpu(string connectionString, Dictionary<int, long> start) => (this.connectionString, this.start) = (connectionString, start);

    public static async Task<PostgresCpu> StartAsync(string connectionString) => new(connectionString, await TicksAsync(connectionString));

    public async Task<double> MillisecondsAsync()
    {
        var end = await TicksAsync(connectionString);
        return end.Sum(p => p.Value - start.GetValueOrDefault(p.Key)) * 10.0;
    }

    private static async Task<Dictionary<int, long>> TicksAsync(string connectionString)
    {
        var pids = new List<int>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
        }

        var ticks = new Dictionary<int, long>();
        foreach (var pid in pids)
        {
            try
            {
                ticks[pid] = ProcessCpu.Ticks(pid);
            }
            catch (IOException)
            {
                // the process ended between the list and the read
            }
        }

        return ticks;
    }
}
