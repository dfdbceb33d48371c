using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// ADR 0033: a request's statements are prepared on each connection of the application's own, so PostgreSQL parses and
/// plans them once per connection rather than on every request; never on a connection through PgBouncer in transaction
/// pooling (ADR 0029), whose next transaction may run where nothing was prepared — which
/// <see cref="PgBouncerTests"/>' application-through-PgBouncer test would show by failing.
/// </summary>
public sealed class PreparedStatementsTests : AppTest
{
    [Fact]
    public void Prepared_statements_are_on_for_a_direct_connection_and_off_for_a_pooler_or_when_the_string_says()
    {
        var direct = PreparedStatements.For("Host=db;Database=flexi;Username=flexi_app;Password=p;");
        Assert.Equal(PreparedStatements.PerConnection, new NpgsqlConnectionStringBuilder(direct).MaxAutoPrepare);
        Assert.Equal("p", new NpgsqlConnectionStringBuilder(direct).Password); // nothing else in the string is touched

        // Through PgBouncer (the string says its connection is not the client's to reset), or the operator chose.
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(PreparedStatements.For("Host=bouncer;No Reset On Close=true")).MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(PreparedStatements.For("Host=db;Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(PreparedStatements.For("Host=db;max auto prepare=7")).MaxAutoPrepare);
    }

    [Fact]
    public async Task Prepared_statements_a_request_repeats_are_parsed_once_per_connection_and_still_see_only_its_trust()
    {
        var trusts = await TestDatabase.ScalarAsync<Guid[]>(TestDatabase.Super(Db), "SELECT array_agg(id ORDER BY name) FROM trusts");
        await using var services = TestDatabase.Services(Db);
        await using var scope = services.CreateAsyncScope();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantContext>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        // Generic plans from the prepared statement's first run (PostgreSQL would otherwise choose after five custom ones).
        await using (var generic = new NpgsqlCommand("SET plan_cache_mode = force_generic_plan", connection))
        {
            await generic.ExecuteNonQueryAsync();
        }

        var counts = new List<(Guid Trust, long Count)>();
        foreach (var trust in Enumerable.Repeat(trusts, 10).SelectMany(t => t))
        {
            // The same statement again and again on one connection, the trust changing under it: prepared by Npgsql at its
            // fifth run, its one generic plan used by every run after — which reads the trust when it runs (row-level
            // security and the filters), never the one it was planned under.
            tenant.SetTrust(trust);
            counts.Add((trust, await db.Pupils.IgnoreQueryFilters().LongCountAsync()));
        }

        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE '\\_auto%' AND statement LIKE '%FROM pupils%' AND generic_plans > 0", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! >= 1, "the repeated read was not prepared on the connection");
        foreach (var trust in trusts)
        {
            var own = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), $"SELECT count(*) FROM pupils WHERE trust_id = '{trust}'");
            Assert.All(counts.Where(c => c.Trust == trust), c => Assert.Equal(own, c.Count));
        }
    }
}
