using System.Collections.Concurrent;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 15, "PgBouncer in transaction pooling mode": the tenancy context is set per transaction (TenantSql), so clients of
/// two trusts sharing PgBouncer's two server connections never see each other's rows, and nothing is left on a server
/// connection for the next client. scripts/test starts two PgBouncers (pool size 2) in front of the test cluster, and each
/// test runs through both: Debian 12's, through which nothing is prepared (ADR 0029, 0033), and one that keeps the
/// clients' prepared statements on its server connections, the application's statements prepared through it (ADR 0045).
/// </summary>
public sealed class PgBouncerTests : AppTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PgBouncer_shared_by_two_trusts_hammering_one_pool_never_crosses_a_row(bool prepared)
    {
        var trusts = await TestDatabase.ScalarAsync<Guid[]>(TestDatabase.Super(Db), "SELECT array_agg(id ORDER BY name) FROM trusts");
        var expected = new Dictionary<Guid, long>();
        foreach (var trust in trusts)
        {
            expected[trust] = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), $"SELECT count(*) FROM pupils WHERE trust_id = '{trust}'");
            Assert.True(expected[trust] > 0);
        }

        var pooled = TestDatabase.ViaPgBouncer(Db, prepared);
        var backends = new ConcurrentDictionary<int, ConcurrentBag<Guid>>();
        var failures = new ConcurrentBag<string>();
        // Sixteen clients at once, alternating trusts, 400 units of work in all: a query, a save in a transaction for every
        // third, a raw query. Every one runs through PgBouncer's two server connections per role.
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var trust = trusts[i % trusts.Length];
            var options = new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(pooled)
                .AddInterceptors(new TenantCommandInterceptor(), new TenantTransactionInterceptor(), new TenantSaveChangesInterceptor(TimeProvider.System)).Options;
            await using var db = AppDbContext.For(options, TenantContext.ForTrust(trust));
            var seen = await db.Pupils.IgnoreQueryFilters().GroupBy(p => p.TrustId).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync();
            if (seen.Count != 1 || seen[0].Key != trust || seen[0].Count != expected[trust])
            {
                failures.Add($"trust {trust} saw {string.Join(", ", seen.Select(s => $"{s.Key}: {s.Count}"))}");
            }

            if (i % 3 == 0)
            {
                // A write inside a transaction, each to a pupil of its own (no two workers race for one): RLS's WITH CHECK
                // on the server accepts it only under the right trust, and a row it cannot see would count as no row saved.
                var pupil = await db.Pupils.IgnoreQueryFilters().OrderBy(p => p.Id).Skip(i / 6).FirstAsync();
                pupil.SetFlags(pupil.Flags with { PupilPremium = !pupil.Flags.PupilPremium });
                await db.SaveChangesAsync();
            }

            var pid = await db.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").SingleAsync();
            backends.GetOrAdd(pid, _ => []).Add(trust);
        });

        Assert.Empty(failures);
        Assert.InRange(backends.Count, 1, 2); // PgBouncer's two server connections served all 400
        Assert.Contains(backends.Values, used => used.Distinct().Count() == trusts.Length); // and one served both trusts

        // Nothing is left behind on a server connection: a client that sets no trust sees no tenant row, whichever one it gets.
        for (var i = 0; i < 10; i++)
        {
            await using var connection = new NpgsqlConnection(pooled);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pupils", connection);
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }

        await AssertPreparedOnServersAsync(pooled, prepared);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PgBouncer_serves_the_application_to_both_trusts_at_once_each_seeing_only_its_own(bool prepared)
    {
        var app = TestDatabase.ViaPgBouncer(Db, prepared);
        using var pooled = new FlexiFactory(Db) { Settings = new Dictionary<string, string> { ["ConnectionStrings:App"] = app } };
        var northfield = await pooled.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var staidans = await pooled.SignInAsync(FlexiFactory.Email("trustlead", "staidans"));
        var pages = new[] { "/", "/Dashboard", "/Attendance/Overview", "/Cases" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var (client, own, other) = i % 2 == 0 ? (northfield, "Ashby Lane", "Millbrook") : (staidans, "Millbrook", "Ashby Lane");
            var page = pages[i / 2 % pages.Length];
            var response = await client.GetAsync(page);
            return (page, own, other, response.StatusCode, Html: await response.HtmlAsync());
        }));
        foreach (var (page, own, other, status, html) in answers)
        {
            Assert.True(status == System.Net.HttpStatusCode.OK, $"{page} answered {status}");
            Assert.DoesNotContain(other, html, StringComparison.Ordinal);
        }

        Assert.Contains(answers, a => a.Html.Contains(a.own, StringComparison.Ordinal));
        await AssertPreparedOnServersAsync(app, prepared);
    }

    // What PgBouncer's server connections hold once the clients are done: through the pooler that keeps them, the
    // statements it prepared there for its clients, under names of its own (PGBOUNCER_n, each client's names mapped onto
    // them); through Debian 12's, none. Asked by a client that prepares nothing itself, on whichever server connection
    // PgBouncer gives it, ten times.
    private static async Task AssertPreparedOnServersAsync(string pooled, bool prepared)
    {
        var asking = new NpgsqlConnectionStringBuilder(pooled) { MaxAutoPrepare = 0 }.ConnectionString;
        long mostByPgBouncer = 0, mostOther = 0;
        for (var i = 0; i < 10; i++)
        {
            await using var connection = new NpgsqlConnection(asking);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FILTER (WHERE name LIKE 'PGBOUNCER\\_%'), count(*) FILTER (WHERE name NOT LIKE 'PGBOUNCER\\_%') FROM pg_prepared_statements", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            (mostByPgBouncer, mostOther) = (Math.Max(mostByPgBouncer, reader.GetInt64(0)), Math.Max(mostOther, reader.GetInt64(1)));
        }

        Assert.Equal(0L, mostOther); // never a client's own statement left on a shared server connection
        if (prepared)
        {
            Assert.True(mostByPgBouncer > 0, "no statement of the clients was kept prepared on PgBouncer's server connections");
        }
        else
        {
            Assert.Equal(0L, mostByPgBouncer);
        }
    }
}
