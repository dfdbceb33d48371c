using System.Diagnostics;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 14, "Backups that are proven": the local run's cluster, backed up by scripts/backup while it serves, then a
/// mistaken change, then scripts/restore to the moment before it — and the data is as it was, including what was
/// written after the base backup (replayed from the archived WAL). The scripts are run exactly as an operator runs them.
/// </summary>
public sealed class BackupTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Only its owner can enter it, as a clone in root's home: the scripts must still work (issue 16).
    private readonly string _data = Scripts.OwnerOnlyFolder("flexi-backup-");
    private Dictionary<string, string> _env = [];

    public Task InitializeAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The backup scripts are bash scripts for the Debian machines the product runs on.");
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await BashAsync($". scripts/lib/common.sh && pg_cluster_stop '{_data}/postgres'");
        Scripts.DeleteFolder(_data);
    }

    [Fact]
    public async Task Restoring_to_a_point_in_time_before_a_mistaken_change_finds_the_data_as_it_was()
    {
        // The local cluster as scripts/run starts it, holding the demo trusts (copied from the test template).
        _env = await Scripts.LocalClusterWithDemoAsync(_data, output);
        var pupils = await ScalarAsync<long>("SELECT count(*) FROM pupils");
        Assert.True(pupils > 100, $"{pupils} pupils copied");

        await BashAsync($"FLEXI_DATA='{_data}' scripts/backup");

        // Written after the base backup: only the archived WAL holds it.
        await ExecuteAsync("INSERT INTO trusts (id, name) VALUES ('00000000-0000-7000-8000-000000000001', 'Written after the backup')");
        var marks = await ScalarAsync<long>("SELECT count(*) FROM attendance_marks");
        var surnames = await ScalarAsync<string>("SELECT string_agg(legal_surname, ',' ORDER BY id) FROM pupils");
        var beforeTheMistake = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await Task.Delay(1100);

        // The mistake: every surname overwritten and a school's marks gone, by someone with the owner's rights.
        await ExecuteAsync("UPDATE pupils SET legal_surname = 'Mistake'");
        await ExecuteAsync("ALTER TABLE attendance_marks DISABLE TRIGGER USER; DELETE FROM attendance_marks; ALTER TABLE attendance_marks ENABLE TRIGGER USER");
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM attendance_marks"));

        var timer = Stopwatch.StartNew();
        await BashAsync($"FLEXI_DATA='{_data}' scripts/restore --to '{beforeTheMistake:yyyy-MM-dd HH:mm:ss.ffffff} UTC'");
        output.WriteLine($"Restore (stop, extract, replay, promote) took {timer.Elapsed.TotalSeconds:0.0} s for {pupils} pupils and {marks} marks.");

        await BashAsync($". scripts/lib/common.sh && local_cluster_up '{_data}'");
        Assert.Equal(surnames, await ScalarAsync<string>("SELECT string_agg(legal_surname, ',' ORDER BY id) FROM pupils"));
        Assert.Equal(marks, await ScalarAsync<long>("SELECT count(*) FROM attendance_marks"));
        Assert.Equal("Written after the backup", await ScalarAsync<string>("SELECT name FROM trusts WHERE id = '00000000-0000-7000-8000-000000000001'"));
        // The restored cluster is the live one now: it takes writes, and the one as it was is kept beside it.
        await ExecuteAsync("INSERT INTO trusts (id, name) VALUES ('00000000-0000-7000-8000-000000000002', 'After the restore')");
        Assert.Single(Directory.GetDirectories(Path.Combine(_data, "postgres"), "data.before-restore-*"));
    }

    private string Connection => $"Host=127.0.0.1;Port={_env["PG_PORT"]};Database=flexischooling;Username=postgres;Password={_env["PG_SUPER"]};Pooling=false";

    private Task ExecuteAsync(string sql) => TestDatabase.ExecuteAsync(Connection, sql);

    private Task<T> ScalarAsync<T>(string sql) => TestDatabase.ScalarAsync<T>(Connection, sql);

    private Task BashAsync(string script) => Scripts.BashAsync(script, output);
}
