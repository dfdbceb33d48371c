using System.Diagnostics;
using FlexiSchooling.Testing;
using Npgsql;

namespace FlexiSchooling.Benchmarks;

/// <summary>
/// A standby of the benchmark's cluster, made and started as the tests' replica and <c>PrimaryFailoverTests</c>' standby
/// are (scripts/lib/common.sh's <c>pg_replica_start</c>: <c>pg_basebackup -R -X stream</c> through a replication slot,
/// fsync on, as the primary here has it), stopped by <c>pg_cluster_stop</c>; and the primary's two settings that say
/// whether a commit waits for it (ADR 0052), changed by <c>ALTER SYSTEM</c> and a reload, which every open session takes
/// up before its next statement, the application's pooled connections among them.
/// </summary>
public sealed class Standby(string directory, int primaryPort, string superPassword)
{
    public int Port { get; } = LoopbackPort.Free();

    private string Super => $"Host=127.0.0.1;Port={primaryPort};Database=postgres;Username=postgres;Password={superPassword};Pooling=false";

    /// <summary>A connection string for the standby: <paramref name="primary"/>'s with the standby's port.</summary>
    public string On(string primary) => new NpgsqlConnectionStringBuilder(primary) { Port = Port, Pooling = false }.ConnectionString;

    /// <summary>Makes the standby the first time (a base backup of the primary) and starts it; its time.</summary>
    public async Task<TimeSpan> StartAsync()
    {
        var watch = Stopwatch.StartNew();
        await BashAsync("pg_replica_start \"$1\" \"$2\" \"$3\" \"$4\"", primaryPort.ToString(), superPassword, directory, Port.ToString());
        return watch.Elapsed;
    }

    public Task StopAsync() => BashAsync("pg_cluster_stop \"$1\"", directory);

    /// <summary>
    /// The primary's <c>synchronous_standby_names</c> and <c>synchronous_commit</c>, reloaded; returns once the standby
    /// streams, has replayed everything the primary had written, and is synchronous if it is named (asynchronous if not).
    /// </summary>
    public async Task SetAsync(string standbyNames, string commit)
    {
        await using var connection = await SettingsAsync(standbyNames, commit);
        await using var written = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", connection);
        var target = (string)(await written.ExecuteScalarAsync())!;
        var wanted = standbyNames == "" ? "async" : "sync";
        await WaitAsync(connection, $"the standby streaming as {wanted}, caught up", TimeSpan.FromMinutes(10),
            $"SELECT count(*) = 1 FROM pg_stat_replication WHERE state = 'streaming' AND replay_lsn >= '{target}'::pg_lsn AND sync_state = '{wanted}'");
    }

    /// <summary>The primary with no standby named and none streaming (the standby stopped).</summary>
    public async Task WithoutAsync()
    {
        await StopAsync();
        await using var connection = await SettingsAsync("", "on");
        await WaitAsync(connection, "no standby streaming", TimeSpan.FromMinutes(1), "SELECT count(*) = 0 FROM pg_stat_replication");
    }

    // ALTER SYSTEM and a reload, each statement alone (ALTER SYSTEM refuses a transaction block); the connection returned is
    // the super user's, which shows the settings once it has taken the reload up.
    private async Task<NpgsqlConnection> SettingsAsync(string standbyNames, string commit)
    {
        var connection = new NpgsqlConnection(Super);
        await connection.OpenAsync();
        foreach (var statement in new[] { $"ALTER SYSTEM SET synchronous_standby_names = '{standbyNames}'", $"ALTER SYSTEM SET synchronous_commit = '{commit}'", "SELECT pg_reload_conf()" })
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }

        await WaitAsync(connection, $"synchronous_commit {commit} and synchronous_standby_names '{standbyNames}' taken up", TimeSpan.FromSeconds(10),
            $"SELECT current_setting('synchronous_commit') = '{commit}' AND current_setting('synchronous_standby_names') = '{standbyNames}'");
        return connection;
    }

    private static async Task WaitAsync(NpgsqlConnection connection, string what, TimeSpan longest, string condition)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand(condition, connection);
            if ((bool)(await command.ExecuteScalarAsync())!)
            {
                return;
            }

            if (watch.Elapsed > longest)
            {
                throw new InvalidOperationException($"Not {what} within {longest.TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The database's size on disk, as the base backup copied it.</summary>
    public async Task<long> DatabaseBytesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(Super);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(@d)", connection);
        command.Parameters.AddWithValue("d", database);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // scripts/lib/common.sh's functions, from the repository's root (the benchmark's working folder); fails with what
    // they printed.
    private static async Task BashAsync(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash", ["-c", $". scripts/lib/common.sh && {script}", "bash", .. arguments])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
