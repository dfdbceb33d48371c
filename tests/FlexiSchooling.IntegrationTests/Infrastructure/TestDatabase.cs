using FlexiSchooling.Data;
using FlexiSchooling.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>
/// The throwaway cluster started by scripts/test — or, where no test database is given (plain <c>dotnet test</c> on a
/// developer's machine) and a Docker engine answers, one PostgreSQL container started by Testcontainers
/// (<see cref="ContainerServer"/>). One template database is migrated and seeded with
/// the demo trusts once (guarded by an advisory lock across test processes); every test class gets
/// its own copy with CREATE DATABASE … TEMPLATE, which takes well under a second, and drops it as it ends (<see cref="DropAsync"/>).
/// </summary>
public static class TestDatabase
{
    public const string Template = "flexi_template";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _templateReady;

    private static string Env(string name)
    {
        ContainerServer.EnsureStarted();
        return Environment.GetEnvironmentVariable(name)
            ?? throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test, which starts PostgreSQL.");
    }

    // Idle pooled connections close after 20 s, not Npgsql's five minutes: every test has its own database, so a test's
    // pool is never reused once it ends, and two hundred of them would otherwise hold the cluster's slots.
    private static string Base => $"Host={Environment.GetEnvironmentVariable("FLEXI_TEST_PG_HOST") ?? "127.0.0.1"};Port={Env("FLEXI_TEST_PG_PORT")};Include Error Detail=true;Connection Idle Lifetime=20;Connection Pruning Interval=5";

    public static string Super(string database = "postgres") => $"{Base};Database={database};Username=postgres;Password={Env("FLEXI_TEST_PG_SUPER")};Pooling=false";

    public static string Owner(string database, bool pooling = true) => $"{Base};Database={database};Username=flexi_owner;Password={Env("FLEXI_TEST_PG_OWNER")};Pooling={pooling}";

    public static string App(string database) => $"{Base};Database={database};Username=flexi_app;Password={Env("FLEXI_TEST_PG_APP")}";

    /// <summary>The streaming replica scripts/test starts beside the test cluster (issue 15), as the application's role.</summary>
    public static string ReplicaApp(string database) => $"{Base.Replace($"Port={Env("FLEXI_TEST_PG_PORT")}", $"Port={Env("FLEXI_TEST_PG_REPLICA_PORT")}", StringComparison.Ordinal)};Database={database};Username=flexi_app;Password={Env("FLEXI_TEST_PG_APP")}";

    /// <summary>The replica as the superuser (to pause and resume its replay).</summary>
    public static string ReplicaSuper(string database = "postgres") => $"Host=127.0.0.1;Port={Env("FLEXI_TEST_PG_REPLICA_PORT")};Database={database};Username=postgres;Password={Env("FLEXI_TEST_PG_SUPER")};Pooling=false";

    /// <summary>
    /// The application's "Read" string as an operator would write it: the replica first, the primary after it, a standby
    /// preferred (Npgsql's multi-host connection string).
    /// </summary>
    public static string ReadPreferringReplica(string database) =>
        $"Host=127.0.0.1:{Env("FLEXI_TEST_PG_REPLICA_PORT")},127.0.0.1:{Env("FLEXI_TEST_PG_PORT")};Target Session Attributes=prefer-standby;Database={database};Username=flexi_app;Password={Env("FLEXI_TEST_PG_APP")};Connection Idle Lifetime=20;Connection Pruning Interval=5";

    /// <summary>
    /// The application's role through one of the two PgBouncers scripts/test starts (transaction pooling, two server
    /// connections per database and role). No Reset On Close: a pooled server connection is not the client's to reset.
    /// Debian 12's (1.18) cannot keep a statement prepared, so nothing is prepared through it (ADR 0033). The other, built
    /// from Debian 13's source, keeps each client's prepared statements (ADR 0045): its string turns Npgsql's automatic
    /// preparation on, as an operator's would, and after two runs of a statement rather than five, so that a test's few
    /// requests prepare too.
    /// </summary>
    public static string ViaPgBouncer(string database, bool prepared = false) => prepared
        ? $"Host=127.0.0.1;Port={Env("FLEXI_TEST_PGBOUNCER_PREPARED_PORT")};Database={database};Username=flexi_app;Password={Env("FLEXI_TEST_PG_APP")};No Reset On Close=true;Max Auto Prepare=100;Auto Prepare Min Usages=2;Connection Idle Lifetime=20;Connection Pruning Interval=5;Include Error Detail=true"
        : $"Host=127.0.0.1;Port={Env("FLEXI_TEST_PGBOUNCER_PORT")};Database={database};Username=flexi_app;Password={Env("FLEXI_TEST_PG_APP")};No Reset On Close=true;Connection Idle Lifetime=20;Connection Pruning Interval=5;Include Error Detail=true";

    /// <summary>Waits until the replica has replayed everything the primary has written so far.</summary>
    public static async Task WaitForReplicaAsync()
    {
        var target = await ScalarAsync<string>(Super(), "SELECT pg_current_wal_lsn()::text");
        for (var i = 0; i < 300; i++)
        {
            if (await ScalarAsync<bool>(ReplicaSuper(), $"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"))
            {
                return;
            }

            await Task.Delay(100);
        }

        // What the replica was doing, for the failure's message: received against replayed, paused or not, its WAL
        // receiver's state and what its startup process waits on; and the primary's slot for it (its log, and the
        // replica's, are kept in artifacts/test-logs). Either may not answer: that is said instead.
        async Task<string> StateAsync(string connectionString, string sql)
        {
            try
            {
                return await ScalarAsync<string>(connectionString, sql) ?? "nothing";
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return $"no answer ({e.Message})";
            }
        }

        var replica = await StateAsync(ReplicaSuper(), """
            SELECT format('received %s, replayed %s, paused %s, receiver %s, replay waiting on %s',
                pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(), pg_is_wal_replay_paused(),
                coalesce((SELECT status FROM pg_stat_wal_receiver), 'none'),
                coalesce((SELECT wait_event_type || '/' || wait_event FROM pg_stat_activity WHERE backend_type = 'startup'), 'nothing'))
            """);
        var slot = await StateAsync(Super(), """
            SELECT coalesce((SELECT format('active %s, keeping WAL from %s (%s)', active, restart_lsn, wal_status)
                FROM pg_replication_slots WHERE slot_name = 'flexi_replica'), 'none')
            """);
        throw new TimeoutException($"The replica did not replay up to {target} in 30 s: {replica}; the primary's slot for it: {slot}.");
    }

    /// <summary>
    /// A fresh database copied from the migrated, seeded template. Copied as files (<c>STRATEGY FILE_COPY</c>), not
    /// PostgreSQL 15's default of writing every block of the copy to the WAL: a test run makes about two hundred of these
    /// 30 MB copies, and the WAL's way sent each to the replica scripts/test keeps beside the cluster as well. Measured
    /// with that replica, 60 copies: 23–24 s the WAL's way, 9–11 s as files, the replica caught up 1–2 s after.
    /// </summary>
    public static async Task<string> CreateAsync()
    {
        await EnsureTemplateAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(Super(), $"CREATE DATABASE {name} TEMPLATE {Template} STRATEGY FILE_COPY OWNER flexi_owner");
        return name;
    }

    /// <summary>
    /// Drops a test's database as its test ends, its connections (the application's pools, PgBouncer's) closed by
    /// <c>WITH (FORCE)</c>. Kept instead when <c>FLEXI_TEST_KEEP_DATABASES=1</c>, to look inside after a run. Left to the
    /// end, a run's two hundred 30 MB copies held about 12 GB, on the cluster and again on its replica.
    /// </summary>
    public static async Task DropAsync(string database)
    {
        if (database.Length == 0 || Environment.GetEnvironmentVariable("FLEXI_TEST_KEEP_DATABASES") == "1")
        {
            return;
        }

        await ExecuteAsync(Super(), $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }

    /// <summary>
    /// For a database a test method makes itself: <c>await using var _ = TestDatabase.DroppedAtEnd(db);</c> declared
    /// before what uses it, so it is dropped after they are disposed.
    /// </summary>
    public static IAsyncDisposable DroppedAtEnd(string database) => new Dropping(database);

    private sealed class Dropping(string database) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(DropAsync(database));
    }

    /// <summary>An empty database owned by flexi_owner (for the schema test).</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var name = "e_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(Super(), $"CREATE DATABASE {name} OWNER flexi_owner");
        return name;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }

    /// <summary>
    /// The template's demo data is seeded as if on this day, so its attendance marks (2 to 20 November
    /// 2026) are the same whenever the tests run.
    /// </summary>
    public static readonly DateTimeOffset SeededOn = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Wednesday 25 November 2026: a school day in the template's autumn term, the week after its last marks — the day of
    /// the tests that run on a clock of their own (<see cref="FlexiFactory.At"/>).
    /// </summary>
    public static readonly DateOnly AutumnDay = new(2026, 11, 25);

    /// <summary>Services for system work on a database (what the app's start-up gets), without the web host.</summary>
    public static ServiceProvider Services(string database, bool pooling = true, TimeProvider? time = null) => new ServiceCollection()
        .AddSingleton(time ?? TimeProvider.System)
        .AddFlexiData(App(database), Owner(database, pooling))
        .BuildServiceProvider();

    private static async Task EnsureTemplateAsync()
    {
        if (_templateReady)
        {
            return;
        }

        await Gate.WaitAsync();
        try
        {
            if (_templateReady)
            {
                return;
            }

            await using var lockConnection = new NpgsqlConnection(Super());
            await lockConnection.OpenAsync();
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(7202611)", lockConnection))
            {
                await take.ExecuteNonQueryAsync();
            }

            // A template built by an older build of the migrations or the seed is rebuilt.
            var stamp = "ready " + typeof(SystemDb).Assembly.ManifestModule.ModuleVersionId + " " + typeof(DemoSeeder).Assembly.ManifestModule.ModuleVersionId;
            var ready = await ScalarAsync<long>(Super(), $"SELECT count(*) FROM pg_database WHERE datname = '{Template}' AND shobj_description(oid, 'pg_database') = '{stamp}'");
            if (ready == 0)
            {
                await ExecuteAsync(Super(), $"DROP DATABASE IF EXISTS {Template}");
                await ExecuteAsync(Super(), $"CREATE DATABASE {Template} OWNER flexi_owner");
                await using (var services = Services(Template, pooling: false, new FixedTime(SeededOn)))
                {
                    await services.GetRequiredService<SystemDb>().MigrateAsync();

                    await DemoSeeder.SeedAsync(services);
                }

                NpgsqlConnection.ClearAllPools();
                // Analysed, as autovacuum analyses a running database's tables within a minute of their filling: each test's
                // copy then starts with the statistics a school's database has, and plans as it would (a test of a plan got
                // another one on a copy made before autovacuum came round).
                await ExecuteAsync(Super(Template), "ANALYZE");
                await ExecuteAsync(Super(), $"COMMENT ON DATABASE {Template} IS '{stamp}'");
            }

            _templateReady = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
