using System.Diagnostics;
using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Testing;
using Xunit.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 15, past one machine: what the tests of losing a database machine share — the primary and its standbys started
/// as scripts/run starts its own, or each database machine a machine of its own under Patroni with etcd holding its
/// leader lock (ADR 0053); the application pointed at them; the head saving Ashby's registers before, through and after
/// a loss; and everything stopped and taken away as each test ends. The tests themselves are in
/// <see cref="PrimaryFailoverTests"/> (a database machine lost) and <see cref="PatroniStoreTests"/> (Patroni's store,
/// etcd, lost or reached without its password): two classes so that xunit runs them side by side, each mostly waiting
/// on Patroni's and PostgreSQL's clocks (<see cref="WaitingTests"/>).
/// </summary>
public abstract class DatabaseLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private protected ITestOutputHelper Output => output;

    private protected readonly string _data = Scripts.OwnerOnlyFolder("flexi-failover-");
    private protected Dictionary<string, string> _env = [];
    private protected int _standbyPort;
    private protected string _primaryHost = "127.0.0.1";
    private protected string _standbyHost = "127.0.0.1";

    // Friday 20 November 2026, the template's last day of marks: its registers are cleared and taken again here.
    private protected static readonly DateOnly Friday = new(2026, 11, 20);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_vanished is not null)
        {
            await BashAsync($"\"${{FLEXI_NFT:-nft}}\" delete table inet {_vanished}");
        }

        try
        {
            await BashAsync($". scripts/lib/common.sh && pgbouncer_stop '{_data}/pgbouncer-primary' && pgbouncer_stop '{_data}/pgbouncer-standby' && pg_cluster_stop '{_data}/standby' && pg_cluster_stop '{_data}/standby-b' && pg_cluster_stop '{_data}/postgres'"
                + $" && patroni_stop '{_data}/db1' && patroni_stop '{_data}/db2' && pg_cluster_stop '{_data}/db1' && pg_cluster_stop '{_data}/db2' && etcd_stop '{_data}/etcd'"
                + string.Concat(_etcdMembers.Select(e => $" && etcd_stop '{_data}/etcd-{e}'")));
        }
        finally
        {
            // The machines go whatever the stops did: a failed stop left a CI run's namespaces and bridge behind.
            if (_machines is not null)
            {
                await _machines.DisposeAsync();
            }

            Scripts.DeleteFolder(_data);
        }
    }

    // Two database machines under Patroni, each a machine of its own (db1 the primary, db2 its synchronous standby, each
    // Patroni's REST API on 8008 at its machine's address), and a one-member etcd on the network's host holding the
    // leader lock; the product's roles and the demo trusts put on the primary as scripts/run provisions its own. Each
    // PostgreSQL has a port of its own: the machines share one file system, where PostgreSQL's socket lock is named by
    // its port.
    private protected Machines? _machines;
    private protected readonly (int Client, int Peer) _etcd = (LoopbackPort.Free(), LoopbackPort.Free());
    private protected readonly string _replication = Guid.NewGuid().ToString("N");
    private protected readonly string _restPassword = Guid.NewGuid().ToString("N");
    private protected readonly string _etcdPassword = Guid.NewGuid().ToString("N");

    // With etcdMembers 3, etcd is three members, each on a machine of its own (e1, e2, e3), as deploy/patroni.yml
    // has it in production; otherwise one on the network's host.
    private protected async Task StartPatroniAsync(bool withStandbyAndDemo = true, int etcdMembers = 1)
    {
        _etcdMembers = [.. Enumerable.Range(1, etcdMembers == 1 ? 0 : etcdMembers).Select(i => $"e{i}")];
        _machines = await Machines.CreateAsync(["db1", "db2", .. _etcdMembers]);
        _env = new Dictionary<string, string>
        {
            ["PG_PORT"] = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PG_SUPER"] = Guid.NewGuid().ToString("N"),
            ["PG_OWNER"] = Guid.NewGuid().ToString("N"),
            ["PG_APP"] = Guid.NewGuid().ToString("N"),
        };
        (_standbyPort, _primaryHost, _standbyHost) = (LoopbackPort.Free(), _machines.Address("db1"), _machines.Address("db2"));
        if (_etcdMembers.Length == 0)
        {
            await BashAsync(EtcdStart);
        }
        else
        {
            // Every member started, then the users made once through one of them when the cluster has its quorum.
            var cluster = string.Join(',', _etcdMembers.Select(e => $"{e}=http://{_machines.Address(e)}:{_etcd.Peer}"));
            await BashAsync(". scripts/lib/common.sh && " + string.Join(" && ", _etcdMembers.Select(e => $"etcd_start '{_data}/etcd-{e}' {_etcd.Client} {_etcd.Peer} '{_etcdPassword}' {_machines.Address(e)} {e} '{cluster}' {_machines.Namespace(e)}"))
                + $" && etcd_auth {_machines.Address("e1")} {_etcd.Client} '{_etcdPassword}' '{_data}/etcd-e1'");
        }

        await BashAsync(PatroniStart("db1"));
        await PatroniSaysAsync("db1", "primary", TimeSpan.FromSeconds(60));
        if (!withStandbyAndDemo)
        {
            return;
        }

        await BashAsync(PatroniStart("db2"));
        await PatroniSaysAsync("db2", "sync", TimeSpan.FromSeconds(60));
        // On the primary's own machine, as an operator provisions it there.
        await BashAsync($"ip netns exec {_machines.Namespace("db1")} bash -c \". scripts/lib/common.sh && pg_provision {_env["PG_PORT"]} '{_env["PG_SUPER"]}' flexischooling '{_env["PG_OWNER"]}' '{_env["PG_APP"]}'\"");
        await Scripts.DemoIntoAsync(_primaryHost, _env["PG_PORT"], _env["PG_SUPER"], output);
    }

    private protected string PatroniHosts => $"Host={_primaryHost}:{_env["PG_PORT"]},{_standbyHost}:{_standbyPort};Target Session Attributes=primary;Database=flexischooling";

    private protected string EtcdStart => $". scripts/lib/common.sh && etcd_start '{_data}/etcd' {_etcd.Client} {_etcd.Peer} '{_etcdPassword}' {_machines!.HostAddress}";

    // Members named db1 and db2: Patroni 3.0 writes the standby's name into synchronous_standby_names unquoted, and one
    // named "first" made that setting a syntax error, so it never became synchronous again (deploy/patroni.yml).
    private protected string PatroniStart(string member) =>
        $". scripts/lib/common.sh && patroni_start '{_data}/{member}' {member} {Port(member)} 8008 {_etcd.Client} '{_env["PG_SUPER"]}' '{_replication}' '{_restPassword}' '{_etcdPassword}' {_machines!.Address(member)} {EtcdAddresses} {_machines.Namespace(member)}";

    private protected string[] _etcdMembers = [];

    private protected string EtcdAddresses => _etcdMembers.Length == 0 ? _machines!.HostAddress : string.Join(',', _etcdMembers.Select(_machines!.Address));

    private protected string Port(string member) => member == "db1" ? _env["PG_PORT"] : _standbyPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private protected Uri Rest(string member, string endpoint) => new($"http://{_machines!.Address(member)}:8008/{endpoint}");

    // Whether the member's PostgreSQL takes writes, asked on its own machine (as its Patroni asks it): false when it is
    // a standby or does not answer.
    private protected async Task<bool> PrimaryOnItselfAsync(string member)
    {
        using var psql = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", _machines!.Namespace(member), "psql", "-h", "127.0.0.1", "-p", Port(member), "-U", "postgres", "-d", "postgres", "-tAc", "SELECT NOT pg_is_in_recovery()"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["PGPASSWORD"] = _env["PG_SUPER"], ["PGCONNECT_TIMEOUT"] = "2" },
        })!;
        var answer = await psql.StandardOutput.ReadToEndAsync();
        await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        return psql.ExitCode == 0 && answer.Trim() == "t";
    }

    private protected static async Task<bool> PrimaryAsync(string super)
    {
        try
        {
            return !await TestDatabase.ScalarAsync<bool>(super + ";Timeout=2", "SELECT pg_is_in_recovery()");
        }
        catch (Npgsql.NpgsqlException)
        {
            return false;
        }
    }

    // Waits until the member's Patroni answers 200 at the endpoint named ("primary", "sync": Patroni's REST API); failing,
    // says what its log ended with.
    private protected async Task PatroniSaysAsync(string member, string endpoint, TimeSpan within)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        async Task<bool> Says()
        {
            try
            {
                using var response = await client.GetAsync(Rest(member, endpoint));
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }

        await Eventually.WaitAsync(Says, within);
        if (!await Says())
        {
            var log = Path.Combine(new DirectoryInfo(Path.Combine(_data, member)).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.Combine(_data, member), "patroni.log");
            Assert.Fail($"Patroni of {member} never answered /{endpoint} with 200 within {within.TotalSeconds} s; its log ended:\n{string.Join('\n', File.ReadLines(log).Where(l => !l.Contains("no action.", StringComparison.Ordinal)).TakeLast(40))}");
        }
    }

    // The head opens and saves the register, again and again as a person reloads, until it is saved or the time is up;
    // each failure is kept with when it began and ended.
    private protected static async Task<(HttpStatusCode? Saved, List<string> Failures)> SaveUntilSavedAsync(HttpClient head, Guid group, Stopwatch watch, TimeSpan limit)
    {
        HttpStatusCode? saved = null;
        var failures = new List<string>();
        while (saved != HttpStatusCode.Redirect && watch.Elapsed < limit)
        {
            var started = watch.Elapsed;
            saved = await SaveOnceAsync(head, group);
            if (saved != HttpStatusCode.Redirect)
            {
                failures.Add($"{(int)saved.Value} at {started.TotalSeconds:0.0}–{watch.Elapsed.TotalSeconds:0.0} s");
                await Task.Delay(200);
            }
        }

        return (saved, failures);
    }

    // The head saving the two registers in turn every half second for the time given: how many saved, and when the
    // others failed.
    private protected static async Task<(int Saves, List<string> Failures)> SaveEveryHalfSecondAsync(HttpClient head, Guid year3, Guid year4, Stopwatch watch, TimeSpan during)
    {
        var (saves, failures) = (0, new List<string>());
        while (watch.Elapsed < during)
        {
            var started = watch.Elapsed;
            var saved = await SaveOnceAsync(head, saves % 2 == 0 ? year4 : year3);
            if (saved == HttpStatusCode.Redirect)
            {
                saves++;
            }
            else
            {
                failures.Add($"{(int)saved} at {started.TotalSeconds:0.0}–{watch.Elapsed.TotalSeconds:0.0} s");
            }

            await Task.Delay(500);
        }

        return (saves, failures);
    }

    // The register opened and saved, as the head does: the page's status when it fails, else the save's (a redirect).
    private protected static async Task<HttpStatusCode> SaveOnceAsync(HttpClient head, Guid group)
    {
        using var page = await head.GetAsync($"/Attendance/Register/{group}?date={Friday:yyyy-MM-dd}&session=AM");
        if (page.StatusCode != HttpStatusCode.OK)
        {
            return page.StatusCode;
        }

        using var response = await (await RegisterForm.OpenAsync(head, group, Friday)).PostAsync(head);
        return response.StatusCode;
    }

    // The primary and its standbys (the second streaming through a slot of its own), the primary's synchronous standbys
    // named, returning once every standby is in the state named.
    private protected async Task StartAsync(string synchronousNames, string state, int standbys = 1)
    {
        _env = await Scripts.LocalClusterWithDemoAsync(_data, output);
        _standbyPort = LoopbackPort.Free();
        await BashAsync($". scripts/lib/common.sh && pg_replica_start {_env["PG_PORT"]} '{_env["PG_SUPER"]}' '{_data}/standby' {_standbyPort}");
        if (standbys == 2)
        {
            await BashAsync($". scripts/lib/common.sh && PG_REPLICA_SLOT=flexi_standby_b pg_replica_start {_env["PG_PORT"]} '{_env["PG_SUPER"]}' '{_data}/standby-b' {LoopbackPort.Free()}");
        }

        await TestDatabase.ExecuteAsync(PrimarySuper, $"ALTER SYSTEM SET synchronous_standby_names = '{synchronousNames}'");
        await TestDatabase.ExecuteAsync(PrimarySuper, "SELECT pg_reload_conf()");
        var inState = $"SELECT count(*) FROM pg_stat_replication WHERE sync_state = '{state}'";
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(PrimarySuper, inState) == standbys, TimeSpan.FromSeconds(30));
        Assert.Equal(standbys, await TestDatabase.ScalarAsync<long>(PrimarySuper, inState));
    }

    // The application, its App and Owner strings naming the hosts given (with the roles' names and passwords).
    private protected FlexiFactory Factory(string appHosts, string ownerHosts) => new("flexischooling")
    {
        Settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:App"] = $"{appHosts};Username=flexi_app;Password={_env["PG_APP"]}",
            ["ConnectionStrings:Owner"] = $"{ownerHosts};Username=flexi_owner;Password={_env["PG_OWNER"]}",
        },
    };

    // The head signed in, with Ashby's Year 3 A's Friday morning saved (the form as saved) and Year 4 A's never taken, for
    // the save after a loss.
    private protected async Task<(HttpClient Head, RegisterForm Before, Guid Year3, Guid Year4)> HeadSavedOneOfTwoRegistersAsync(FlexiFactory factory)
    {
        var (year3, year4) = await TwoRegistersNeverTakenAsync();
        var head = await factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var before = await RegisterForm.OpenAsync(head, year3, Friday);
        using (var first = await before.PostAsync(head))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }

        return (head, before, year3, year4);
    }

    // Ashby's Year 3 A and Year 4 A, their Friday mornings never taken, for the head to take one before a loss and one
    // after it.
    private protected async Task<(Guid Year3, Guid Year4)> TwoRegistersNeverTakenAsync()
    {
        var (year3, year4) = (await GroupAsync("Year 3 A"), await GroupAsync("Year 4 A"));
        await ClearAsync(year3);
        await ClearAsync(year4);
        return (year3, year4);
    }

    private protected static string MarksOf(Guid group) =>
        $"SELECT count(*) FROM attendance_marks m JOIN pupils p ON p.id = m.pupil_id WHERE p.registration_group_id = '{group}' AND m.date = '{Friday:yyyy-MM-dd}' AND m.session = 'AM'";

    // The superuser's string for the first primary and for its standby: on loopback, or on their machines' addresses.
    private protected string PrimarySuper => Super(_primaryHost, _env["PG_PORT"]);

    private protected string StandbySuper => Super(_standbyHost, _standbyPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private protected string Super(string host, string port) => $"Host={host};Port={port};Database=flexischooling;Username=postgres;Password={_env["PG_SUPER"]};Pooling=false";

    private protected Task<Guid> GroupAsync(string name) =>
        TestDatabase.ScalarAsync<Guid>(PrimarySuper, $"SELECT g.id FROM registration_groups g JOIN schools s ON s.id = g.school_id WHERE g.name = '{name}' AND s.name LIKE 'Ashby%'");

    // The register never taken (bypassing the append-only triggers), so that the head's save writes every mark.
    private protected Task ClearAsync(Guid group) =>
        TestDatabase.ExecuteAsync(PrimarySuper, $"""
            SET session_replication_role = replica;
            DELETE FROM attendance_mark_changes c USING attendance_marks m, pupils p
             WHERE c.mark_id = m.id AND m.pupil_id = p.id AND p.registration_group_id = '{group}' AND m.date = '{Friday:yyyy-MM-dd}' AND m.session = 'AM';
            DELETE FROM attendance_marks m USING pupils p WHERE m.pupil_id = p.id AND p.registration_group_id = '{group}' AND m.date = '{Friday:yyyy-MM-dd}' AND m.session = 'AM';
            DELETE FROM register_submissions WHERE group_id = '{group}' AND date = '{Friday:yyyy-MM-dd}' AND session = 'AM';
            """);

    private protected Task BashAsync(string script) => Scripts.BashAsync(script, output);

    // Everything to or from the port dropped, both ways, as a machine that has vanished answers nothing: a table of
    // nftables' own for this test's port, deleted as the test ends.
    private protected string? _vanished;

    private protected async Task VanishAsync(string port)
    {
        _vanished = $"flexi_vanished_{port}";
        await BashAsync($"\"${{FLEXI_NFT:-nft}}\" 'add table inet {_vanished}; add chain inet {_vanished} input {{ type filter hook input priority 0; policy accept; }}; add rule inet {_vanished} input tcp dport {port} drop; add rule inet {_vanished} input tcp sport {port} drop'");
    }

    // pg_ctl, as the postgres user, on the cluster in the named folder under the test's own, waiting for it to finish.
    private protected Task PgCtlAsync(string cluster, string action) =>
        BashAsync($". scripts/lib/common.sh && find_pg_bin && pg_user_run \"$PG_VERSION_DIR/pg_ctl\" -D \"$(readlink -f '{_data}/{cluster}')/data\" -w {action}");
}

/// <summary>A fact skipped where the firewall's rules cannot be made (not root), saying why; scripts/test runs it as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute() => Skip = Environment.IsPrivilegedProcess ? null : "Needs root for nftables' rules: run scripts/test as root, as CI does.";
}
