using System.Diagnostics;
using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Testing;
using Xunit.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 15, past one machine: the database's primary is the last machine whose loss stops every school's morning. A
/// standby streams from it and every commit waits for the standby to have it (synchronous replication); each instance's
/// strings name both hosts and ask for the primary (docs/operations.md, "Losing the primary"). The primary is lost at
/// once, its standby promoted: the saves go on with no instance changed, and every save acknowledged before is there;
/// the same through a PgBouncer on each database machine, when the machine vanishes rather than stops, and with Patroni
/// promoting the standby and nobody acting (ADR 0053), whose own store, etcd, lost does not stop the saves. And with
/// two standbys, either enough, losing one of them does not hold the saves up as losing a lone standby does.
/// </summary>
[Collection(WaitingTests.Name)]
public sealed class PrimaryFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Scripts.OwnerOnlyFolder("flexi-failover-");
    private Dictionary<string, string> _env = [];
    private int _standbyPort;
    private string _primaryHost = "127.0.0.1";
    private string _standbyHost = "127.0.0.1";

    // Friday 20 November 2026, the template's last day of marks: its registers are cleared and taken again here.
    private static readonly DateOnly Friday = new(2026, 11, 20);

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

    [Fact]
    public Task When_the_primary_is_lost_its_promoted_standby_takes_the_saves_and_has_every_save_acknowledged_before() =>
        LoseThePrimaryAsync(Loss.Stopped);

    /// <summary>
    /// The same loss with a PgBouncer beside each database (ADR 0029, 0045; docs/operations.md): the application's
    /// <c>App</c> string names both PgBouncers and asks for the primary, each PgBouncer reaching its own machine's
    /// PostgreSQL; the owner's string names the databases themselves, as operations.md has it. The lost machine takes its
    /// PgBouncer with it. A PgBouncer left running in front of a PostgreSQL that has stopped goes on taking the
    /// application's connections and holding their queries (tried by hand: ADR 0052), so operations.md has the operator
    /// stop it when the machine is still up.
    /// </summary>
    [Fact]
    public Task When_the_primary_is_lost_behind_a_PgBouncer_on_each_machine_the_saves_go_on_through_the_standbys_PgBouncer() =>
        LoseThePrimaryAsync(Loss.StoppedBehindPgBouncers);

    /// <summary>
    /// A machine that vanishes (its power, its network card, the switch in front of it) answers nothing, where a
    /// PostgreSQL stopped refuses connections at once: a query already sent to it waits for an answer that never comes,
    /// and a connection made to it waits for a reply to its first packet. Its port drops everything here, both ways, as a
    /// vanished machine's would (nftables; root). The head goes on reloading the register through the loss, as people do,
    /// and the standby is promoted ten seconds after it, the quickest a failover manager decides (Patroni's defaults take
    /// up to thirty). The head's first request after the loss takes a connection the pool held to the lost machine and
    /// waits Npgsql's command timeout (30 s) and two connect timeouts before it fails; with Npgsql's fifteen seconds the
    /// next save went through 60.4–60.6 s after the loss, with the five a string naming several hosts now has
    /// (<see cref="FlexiSchooling.Data.ConnectionPool.SeveralHostsTimeoutSeconds"/>) 40.4–40.5 s, only that request
    /// failing. The command timeout is left, as reports and imports need it (ADR 0052).
    /// </summary>
    [RootFact]
    public Task When_the_primarys_machine_vanishes_the_saves_go_on_through_the_promoted_standby_within_a_command_timeout_and_two_connect_timeouts() =>
        LoseThePrimaryAsync(Loss.Vanished);

    private enum Loss
    {
        Stopped,
        StoppedBehindPgBouncers,
        Vanished,
    }

    private async Task LoseThePrimaryAsync(Loss loss)
    {
        // The primary as scripts/run starts it, holding the demo trusts (copied from the test template), and its standby;
        // every commit waits until the standby has written it: a save acknowledged to a person is on two machines.
        await StartAsync("*", "sync");

        var hosts = $"Host=127.0.0.1:{_env["PG_PORT"]},127.0.0.1:{_standbyPort};Target Session Attributes=primary;Database=flexischooling";
        var appHosts = hosts;
        var (primaryBouncer, standbyBouncer) = (LoopbackPort.Free(), LoopbackPort.Free());
        if (loss == Loss.StoppedBehindPgBouncers)
        {
            await BashAsync($". scripts/lib/common.sh && export PGBOUNCER_MAX_PREPARED=200 && pgbouncer_start {_env["PG_PORT"]} '{_data}/pgbouncer-primary' {primaryBouncer} '{_env["PG_APP"]}' '{_env["PG_OWNER"]}' && pgbouncer_start {_standbyPort} '{_data}/pgbouncer-standby' {standbyBouncer} '{_env["PG_APP"]}' '{_env["PG_OWNER"]}'");
            appHosts = $"Host=127.0.0.1:{primaryBouncer},127.0.0.1:{standbyBouncer};Target Session Attributes=primary;Database=flexischooling;No Reset On Close=true;Max Auto Prepare=100;Auto Prepare Min Usages=2";
        }

        using var factory = Factory(appHosts, hosts);
        var (head, before, year3, year4) = await HeadSavedOneOfTwoRegistersAsync(factory);

        // Several of the pool's connections open, as at any busy moment of a morning.
        foreach (var busy in await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => head.GetAsync($"/Attendance/Register/{year3}?date={Friday:yyyy-MM-dd}&session=AM"))))
        {
            busy.Dispose();
        }

        Task<TimeSpan> promoted;
        var watch = new Stopwatch();
        if (loss == Loss.Vanished)
        {
            // The machine vanishes: nothing reaches its PostgreSQL or comes back from it, the standby's stream included;
            // the standby is promoted ten seconds later, while the head reloads the page.
            await VanishAsync(_env["PG_PORT"]);
            watch.Start();
            promoted = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(10));
                await PgCtlAsync("standby", "promote");
                return watch.Elapsed;
            });
        }
        else
        {
            // The primary's machine is lost: PostgreSQL stopped at once, nothing flushed or handed over on the way, and
            // the PgBouncer beside it killed with it. The standby promoted, as the operator (or a failover manager) does.
            await PgCtlAsync("postgres", "-m immediate stop");
            if (loss == Loss.StoppedBehindPgBouncers)
            {
                await BashAsync($"kill -KILL \"$(cat \"$(readlink -f '{_data}/pgbouncer-primary')/pgbouncer.pid\")\"");
            }

            watch.Start();
            await PgCtlAsync("standby", "promote");
            promoted = Task.FromResult(TimeSpan.Zero);
        }

        // The head, still signed in (the session is in the database, which the standby has), takes the next register.
        // The first requests after the loss may fail (a connection the pool held to the lost primary); none is retried
        // by the application, as a person would reload the page.
        var (saved, failures) = await SaveUntilSavedAsync(head, year4, watch, TimeSpan.FromSeconds(90));

        var promotion = await promoted;
        output.WriteLine(loss == Loss.Vanished
            ? $"Saved through the promoted standby {watch.Elapsed.TotalSeconds:0.0} s after the machine vanished, {(watch.Elapsed - promotion).TotalSeconds:0.0} s after the promotion ({promotion.TotalSeconds:0.0} s); {failures.Count} failing first: {string.Join("; ", failures)}"
            : $"Saved through the promoted standby {watch.Elapsed.TotalSeconds:0.0} s after the promotion began, {failures.Count} failing first: {string.Join("; ", failures)}");
        Assert.Equal(HttpStatusCode.Redirect, saved);
        var standby = StandbySuper;
        Assert.False(await TestDatabase.ScalarAsync<bool>(standby, "SELECT pg_is_in_recovery()"));
        Assert.Equal(before.Pupils.Count, await TestDatabase.ScalarAsync<long>(standby, MarksOf(year3)));
        Assert.True(await TestDatabase.ScalarAsync<long>(standby, MarksOf(year4)) > 0);
        if (loss == Loss.StoppedBehindPgBouncers)
        {
            // And the application reached it through the standby's PgBouncer: its pooled connections are that PgBouncer's
            // clients.
            await BashAsync($"test \"$(ss -Htn state established '( sport = :{standbyBouncer} )' | wc -l)\" -gt 0");
        }

        if (loss == Loss.Vanished)
        {
            // The command timeout and two connect timeouts of five seconds, and a little: not the 60 s of fifteen.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(50), $"saved {watch.Elapsed.TotalSeconds:0.0} s after the machine vanished");
            Assert.True(failures.Count <= 3, $"{failures.Count} requests failed");
        }
    }

    /// <summary>
    /// ADR 0053: Patroni (Debian's, with deploy/patroni.yml as shipped) on each database machine and a one-member etcd
    /// holding its leader lock, instead of an operator's promotion. Each database machine is a machine of its own on a
    /// network (tests/Shared/Machines.cs: a network namespace on a bridge), etcd and the application on the network's
    /// host. The first machine's Patroni makes its PostgreSQL the primary, the second's a synchronous standby of it; the
    /// product's roles and the demo trusts are put on the primary as scripts/run provisions its own. The primary's machine
    /// is cut off from the network, everything on it running on (its card, its cable, its switch failing), and nobody
    /// acts. Its Patroni, reaching neither etcd nor the standby, demotes its own PostgreSQL (failsafe mode keeps a primary
    /// only while every member answers it); once its lock has run out (30 s) the standby's Patroni promotes the standby;
    /// and the head, who has gone on reloading the register, saves it. The cut-off primary stopped taking writes before
    /// the standby began (never two primaries), and, on the network again, is made the new primary's synchronous standby
    /// (pg_rewind) and has the save made while it was away.
    /// </summary>
    [RootFact]
    public async Task When_the_primarys_machine_is_cut_off_it_steps_down_Patroni_promotes_its_synchronous_standby_and_the_saves_go_on_with_nobody_acting()
    {
        await StartPatroniAsync();
        using var factory = Factory(PatroniHosts, PatroniHosts);
        var (head, before, year3, year4) = await HeadSavedOneOfTwoRegistersAsync(factory);

        // Which machine takes writes, looked at every half second from the cut-off machine itself and from the network.
        using var looking = new CancellationTokenSource();
        var (firstLastPrimary, secondFirstPrimary) = (TimeSpan.Zero, (TimeSpan?)null);
        var watch = new Stopwatch();
        var look = Task.Run(async () =>
        {
            while (!looking.IsCancellationRequested)
            {
                if (await PrimaryOnItselfAsync("db1"))
                {
                    firstLastPrimary = watch.Elapsed;
                }

                if (secondFirstPrimary is null && await PrimaryAsync(StandbySuper))
                {
                    secondFirstPrimary = watch.Elapsed;
                }

                await Task.Delay(500);
            }
        });

        // The first machine cut off: its Patroni and its PostgreSQL run on, reaching nothing and reached by nothing.
        await _machines!.CutOffAsync("db1");
        watch.Start();
        var (saved, failures) = await SaveUntilSavedAsync(head, year4, watch, TimeSpan.FromSeconds(100));
        output.WriteLine($"Saved through the standby Patroni promoted {watch.Elapsed.TotalSeconds:0.0} s after the primary's machine was cut off; {failures.Count} failing first: {string.Join("; ", failures.Take(5))}{(failures.Count > 5 ? "; …" : "")}");
        Assert.Equal(HttpStatusCode.Redirect, saved);
        Assert.False(await TestDatabase.ScalarAsync<bool>(StandbySuper, "SELECT pg_is_in_recovery()"));
        Assert.Equal(before.Pupils.Count, await TestDatabase.ScalarAsync<long>(StandbySuper, MarksOf(year3)));
        await Eventually.WaitAsync(() => Task.FromResult(secondFirstPrimary is not null && watch.Elapsed > firstLastPrimary + TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(10));
        await looking.CancelAsync();
        await look;
        output.WriteLine($"The cut-off primary last took writes {firstLastPrimary.TotalSeconds:0.0} s after it was cut off; the standby first {secondFirstPrimary?.TotalSeconds:0.0} s after");
        // Never two primaries: the cut-off machine had stopped taking writes before the standby was promoted.
        Assert.True(firstLastPrimary < secondFirstPrimary, $"the cut-off primary took writes until {firstLastPrimary.TotalSeconds:0.0} s, the standby from {secondFirstPrimary?.TotalSeconds:0.0} s");
        Assert.False(await PrimaryOnItselfAsync("db1"));
        // The lock's 30 s, a look every 10 s, and the application's command timeout for a connection it held to the
        // machine cut off (ADR 0052: 30 s and two connect timeouts); not the hand of an operator.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(75), $"saved {watch.Elapsed.TotalSeconds:0.0} s after the loss");

        // The machine on the network again: its Patroni makes it the new primary's synchronous standby, holding the save
        // made since.
        var back = Stopwatch.StartNew();
        await _machines.JoinAgainAsync("db1");
        await PatroniSaysAsync("db1", "sync", TimeSpan.FromSeconds(90));
        output.WriteLine($"The cut-off machine a synchronous standby again {back.Elapsed.TotalSeconds:0.0} s after it was on the network again");
        var year4Marks = await TestDatabase.ScalarAsync<long>(StandbySuper, MarksOf(year4));
        Assert.True(year4Marks > 0);
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(PrimarySuper, MarksOf(year4)) == year4Marks, TimeSpan.FromSeconds(10));
        Assert.True(await TestDatabase.ScalarAsync<bool>(PrimarySuper, "SELECT pg_is_in_recovery()"));
    }

    /// <summary>
    /// ADR 0053: etcd, where Patroni keeps its leader lock, lost (its machine, or every member of it) while both database
    /// machines are well. Patroni demotes a primary that cannot renew its lock within retry_timeout (10 s) — it cannot
    /// tell a lost etcd from being cut off itself — so every school's saves would fail until etcd came back, nothing
    /// being wrong with the database; deploy/patroni.yml's failsafe_mode keeps the primary for as long as every member it
    /// knows answers it. Without it the saves failed from 14.6 s after the loss to the end (the test failing so); the head
    /// saves a register every half second for 35 s, past the demotion and two of Patroni's looks after it: every save goes
    /// through on the first machine, and with etcd back the primary holds the lock again at its next look.
    /// </summary>
    [RootFact]
    public async Task When_etcd_is_lost_Patroni_keeps_the_primary_and_every_save_goes_on()
    {
        await StartPatroniAsync();
        using var factory = Factory(PatroniHosts, PatroniHosts);
        var (head, _, year3, year4) = await HeadSavedOneOfTwoRegistersAsync(factory);

        // etcd lost at once, nothing handed over: its process killed.
        await BashAsync($"kill -KILL \"$(cat '{_data}/etcd/etcd.pid')\"");
        var watch = Stopwatch.StartNew();
        var (saves, failures) = await SaveEveryHalfSecondAsync(head, year3, year4, watch, TimeSpan.FromSeconds(35));
        output.WriteLine($"With etcd lost for {watch.Elapsed.TotalSeconds:0.0} s: {saves} saves, {failures.Count} failing: {string.Join("; ", failures)}");
        Assert.Empty(failures);
        Assert.False(await TestDatabase.ScalarAsync<bool>(PrimarySuper, "SELECT pg_is_in_recovery()"));
        Assert.True(await FailsafeActiveAsync("db1"), "Patroni of db1 does not say its failsafe mode is active");

        // etcd back: the primary's next look renews the lock and leaves failsafe mode, and the standby is still its
        // synchronous standby.
        var back = Stopwatch.StartNew();
        await BashAsync(EtcdStart);
        await Eventually.WaitAsync(async () => !await FailsafeActiveAsync("db1"), TimeSpan.FromSeconds(60));
        Assert.False(await FailsafeActiveAsync("db1"), "Patroni of db1 still in failsafe mode a minute after etcd came back");
        output.WriteLine($"The lock held again {back.Elapsed.TotalSeconds:0.0} s after etcd started");
        await PatroniSaysAsync("db1", "leader", TimeSpan.FromSeconds(10));
        await PatroniSaysAsync("db2", "sync", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Redirect, await SaveOnceAsync(head, year4));
    }

    /// <summary>
    /// ADR 0053, deploy/patroni.yml: etcd as three members, each on a machine of its own, as in production — so that one
    /// of them lost loses nothing, where the one-member etcd of the tests above, lost, leaves the primary kept by
    /// failsafe mode and no standby promotable until it is back. The member leading the other two is cut off from the
    /// network: the head's saves go on every half second for 30 s, past three of Patroni's looks, none failing, and
    /// Patroni never finds its store gone (its failsafe mode not active: the lock renewed through the two left). Then the
    /// primary's machine is cut off too: the two members left still make a quorum, hand the lock to the standby's
    /// Patroni, which promotes the standby, and the head's save goes through with every save made before.
    /// </summary>
    [RootFact]
    public async Task With_three_etcd_members_losing_one_stops_neither_the_saves_nor_a_failover_after_it()
    {
        await StartPatroniAsync(etcdMembers: 3);
        using var factory = Factory(PatroniHosts, PatroniHosts);
        var (head, before, year3, year4) = await HeadSavedOneOfTwoRegistersAsync(factory);

        var leader = await EtcdLeaderAsync() ?? throw new InvalidOperationException("No etcd member says it leads");
        await _machines!.CutOffAsync(leader);
        var watch = Stopwatch.StartNew();
        var (saves, failures) = await SaveEveryHalfSecondAsync(head, year3, year4, watch, TimeSpan.FromSeconds(30));
        output.WriteLine($"With etcd's leading member ({leader}) cut off for {watch.Elapsed.TotalSeconds:0.0} s: {saves} saves, {failures.Count} failing: {string.Join("; ", failures)}; etcd's leader now {await EtcdLeaderAsync() ?? "none"}");
        Assert.Empty(failures);
        Assert.False(await FailsafeActiveAsync("db1"), "Patroni of db1 found its store gone with two of etcd's three members left");
        await PatroniSaysAsync("db1", "primary", TimeSpan.FromSeconds(5));

        await _machines.CutOffAsync("db1");
        watch.Restart();
        var (saved, failed) = await SaveUntilSavedAsync(head, year4, watch, TimeSpan.FromSeconds(100));
        output.WriteLine($"With the primary's machine cut off as well, saved through the standby Patroni promoted {watch.Elapsed.TotalSeconds:0.0} s after; {failed.Count} failing first: {string.Join("; ", failed.Take(5))}{(failed.Count > 5 ? "; …" : "")}");
        Assert.Equal(HttpStatusCode.Redirect, saved);
        Assert.False(await TestDatabase.ScalarAsync<bool>(StandbySuper, "SELECT pg_is_in_recovery()"));
        Assert.Equal(before.Pupils.Count, await TestDatabase.ScalarAsync<long>(StandbySuper, MarksOf(year3)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(75), $"saved {watch.Elapsed.TotalSeconds:0.0} s after the primary's loss");
    }

    // The etcd member leading the others (the one whose id each answering member's status names as the leader), asked
    // through each member's JSON gateway; a member cut off is passed over; null when none says it leads.
    private async Task<string?> EtcdLeaderAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        foreach (var member in _etcdMembers)
        {
            try
            {
                using var response = await client.PostAsync(new Uri($"http://{_machines!.Address(member)}:{_etcd.Client}/v3/maintenance/status"), new StringContent("{}"));
                using var status = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (status.RootElement.GetProperty("leader").GetString() == status.RootElement.GetProperty("header").GetProperty("member_id").GetString())
                {
                    return member;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Cut off, or not answering: not the leader any other member names.
            }
        }

        return null;
    }

    /// <summary>
    /// ADR 0053: the lone standby's machine cut off from the network, everything on it running on. Every commit waits for
    /// the synchronous standby, and the primary's Patroni stops naming one (synchronous mode is not strict) only once it
    /// sees the standby gone from the primary's replication connections. Cut off rather than stopped, the standby's
    /// connection stayed open for PostgreSQL's minute of <c>wal_sender_timeout</c>, and Patroni let go only when the
    /// standby's member key ran out in etcd: by hand a write waited 33.3 s, and the head's save here the application's
    /// whole command timeout (30.0 s, the test failing so), when Npgsql's cancel ended PostgreSQL's wait and the commit
    /// stood on the primary alone; every save meanwhile holds one of the instance's few connections for as long. With
    /// deploy/patroni.yml's 5 s the primary drops the silent standby's connection and Patroni lets it go at its next look:
    /// the head's save waits less than that and goes through, and the saves after it wait for nothing. Back on the
    /// network, the standby is synchronous again and has them.
    /// </summary>
    [RootFact]
    public async Task When_the_lone_standby_is_cut_off_the_save_waiting_for_it_goes_through_once_Patroni_lets_it_go_and_those_after_wait_for_nothing()
    {
        await StartPatroniAsync();
        using var factory = Factory(PatroniHosts, PatroniHosts);
        var (head, _, year3, year4) = await HeadSavedOneOfTwoRegistersAsync(factory);
        var form = await RegisterForm.OpenAsync(head, year4, Friday);

        await _machines!.CutOffAsync("db2");
        var watch = Stopwatch.StartNew();
        using (var waited = await form.PostAsync(head))
        {
            output.WriteLine($"The save made as the standby was cut off answered {(int)waited.StatusCode} after {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(HttpStatusCode.Redirect, waited.StatusCode);
        }

        var first = watch.Elapsed;
        watch.Restart();
        Assert.Equal(HttpStatusCode.Redirect, await SaveOnceAsync(head, year3));
        output.WriteLine($"The register after it opened and saved in {watch.Elapsed.TotalSeconds:0.00} s");
        // Patroni's next look after the primary dropped the silent standby (5 s), not the standby's key running out (30 s).
        Assert.True(first < TimeSpan.FromSeconds(20), $"the save waited {first.TotalSeconds:0.0} s");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"the save after it took {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal("", await TestDatabase.ScalarAsync<string>(PrimarySuper, "SHOW synchronous_standby_names"));

        // The standby on the network again: Patroni names it synchronous again once it streams, and it has both saves.
        await _machines.JoinAgainAsync("db2");
        var synchronous = "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'db2' AND sync_state = 'sync'";
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(PrimarySuper, synchronous) == 1, TimeSpan.FromSeconds(90));
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(PrimarySuper, synchronous));
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(StandbySuper, MarksOf(year4)) == form.Pupils.Count, TimeSpan.FromSeconds(10));
        Assert.Equal(form.Pupils.Count, await TestDatabase.ScalarAsync<long>(StandbySuper, MarksOf(year4)));
    }

    /// <summary>
    /// ADR 0053: a member's REST API makes changes — restarts its PostgreSQL, switches the primary over, rewrites the
    /// cluster's configuration — for anyone who reaches it, unless it has a password (Patroni's default has none); and
    /// whoever can write to etcd can take the leader lock away. Each member's REST API has a password
    /// (<c>PATRONI_RESTAPI_USERNAME</c>/<c>_PASSWORD</c>, the same on every member, as deploy/patroni.yml asks and
    /// patroni_start sets them): such a request without it, or with a wrong one, is refused; with it, it is done; reading
    /// a member's state, as health checks and monitoring do, needs none. etcd has auth on (etcd_start): the cluster's keys
    /// are neither read nor written without the password of Patroni's user, and that user reaches no other key. The
    /// members' own requests to each other carry the REST API's password: failsafe mode's, in the etcd test, went through.
    /// </summary>
    [RootFact]
    public async Task Patroni_and_its_etcd_make_no_change_without_their_passwords_and_answer_a_health_check_without_one()
    {
        await StartPatroniAsync(withStandbyAndDemo: false);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        async Task<HttpStatusCode> SendAsync(HttpMethod method, string endpoint, string? password, string body = "{}")
        {
            using var request = new HttpRequestMessage(method, Rest("db1", endpoint)) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            if (password is not null)
            {
                request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"patroni:{password}")));
            }

            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Post, "restart", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Post, "restart", "not-the-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Post, "switchover", null, """{"leader":"db1","candidate":"db2"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(HttpMethod.Patch, "config", null, """{"ttl":5}"""));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "health", null));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, "primary", null));
        // Nothing was changed: the lock's time is still the shipped 30 s.
        using (var config = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(Rest("db1", "config"))))
        {
            Assert.Equal(30, config.RootElement.GetProperty("ttl").GetInt32());
        }

        // With the password a change is done: a reload of the member's configuration, accepted.
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(HttpMethod.Post, "reload", _restPassword));

        // etcd, through its JSON gateway (keys in base64): without a token, the leader's key neither written nor read.
        static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
        var leader = Base64("/service/flexischooling/leader");
        async Task<(HttpStatusCode Status, string Body)> EtcdAsync(string call, string body, string? token = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{_machines!.HostAddress}:{_etcd.Client}/v3/{call}")) { Content = new StringContent(body) };
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", token);
            }

            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var taken = await EtcdAsync("kv/put", $$"""{"key":"{{leader}}","value":"{{Base64("someone-else")}}"}""");
        Assert.False(taken.Status == HttpStatusCode.OK, $"etcd took the leader's key from anyone: {taken.Body}");
        Assert.Contains("user name is empty", taken.Body, StringComparison.Ordinal);
        var read = await EtcdAsync("kv/range", $$"""{"key":"{{leader}}"}""");
        Assert.False(read.Status == HttpStatusCode.OK, $"etcd gave the leader's key to anyone: {read.Body}");

        // With Patroni's user: the leader read (db1, untouched), and no key outside the cluster's written.
        var authenticated = await EtcdAsync("auth/authenticate", $$"""{"name":"patroni","password":"{{_etcdPassword}}"}""");
        Assert.Equal(HttpStatusCode.OK, authenticated.Status);
        var token = System.Text.Json.JsonDocument.Parse(authenticated.Body).RootElement.GetProperty("token").GetString();
        var held = await EtcdAsync("kv/range", $$"""{"key":"{{leader}}"}""", token);
        Assert.Equal(HttpStatusCode.OK, held.Status);
        var value = System.Text.Json.JsonDocument.Parse(held.Body).RootElement.GetProperty("kvs")[0].GetProperty("value").GetString()!;
        Assert.Equal("db1", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value)));
        var elsewhere = await EtcdAsync("kv/put", $$"""{"key":"{{Base64("/service/another/leader")}}","value":"{{Base64("x")}}"}""", token);
        Assert.False(elsewhere.Status == HttpStatusCode.OK, $"Patroni's user wrote outside the cluster's keys: {elsewhere.Body}");
        Assert.Contains("permission denied", elsewhere.Body, StringComparison.Ordinal);
    }

    // Whether the member's Patroni says it is running in failsafe mode (the cluster unlocked, the primary kept).
    private async Task<bool> FailsafeActiveAsync(string member)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var status = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(Rest(member, "patroni")));
        return status.RootElement.TryGetProperty("failsafe_mode_is_active", out var active) && active.GetBoolean();
    }

    // Two database machines under Patroni, each a machine of its own (db1 the primary, db2 its synchronous standby, each
    // Patroni's REST API on 8008 at its machine's address), and a one-member etcd on the network's host holding the
    // leader lock; the product's roles and the demo trusts put on the primary as scripts/run provisions its own. Each
    // PostgreSQL has a port of its own: the machines share one file system, where PostgreSQL's socket lock is named by
    // its port.
    private Machines? _machines;
    private readonly (int Client, int Peer) _etcd = (LoopbackPort.Free(), LoopbackPort.Free());
    private readonly string _replication = Guid.NewGuid().ToString("N");
    private readonly string _restPassword = Guid.NewGuid().ToString("N");
    private readonly string _etcdPassword = Guid.NewGuid().ToString("N");

    // With etcdMembers 3, etcd is three members, each on a machine of its own (e1, e2, e3), as deploy/patroni.yml
    // has it in production; otherwise one on the network's host.
    private async Task StartPatroniAsync(bool withStandbyAndDemo = true, int etcdMembers = 1)
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

    private string PatroniHosts => $"Host={_primaryHost}:{_env["PG_PORT"]},{_standbyHost}:{_standbyPort};Target Session Attributes=primary;Database=flexischooling";

    private string EtcdStart => $". scripts/lib/common.sh && etcd_start '{_data}/etcd' {_etcd.Client} {_etcd.Peer} '{_etcdPassword}' {_machines!.HostAddress}";

    // Members named db1 and db2: Patroni 3.0 writes the standby's name into synchronous_standby_names unquoted, and one
    // named "first" made that setting a syntax error, so it never became synchronous again (deploy/patroni.yml).
    private string PatroniStart(string member) =>
        $". scripts/lib/common.sh && patroni_start '{_data}/{member}' {member} {Port(member)} 8008 {_etcd.Client} '{_env["PG_SUPER"]}' '{_replication}' '{_restPassword}' '{_etcdPassword}' {_machines!.Address(member)} {EtcdAddresses} {_machines.Namespace(member)}";

    private string[] _etcdMembers = [];

    private string EtcdAddresses => _etcdMembers.Length == 0 ? _machines!.HostAddress : string.Join(',', _etcdMembers.Select(_machines!.Address));

    private string Port(string member) => member == "db1" ? _env["PG_PORT"] : _standbyPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Uri Rest(string member, string endpoint) => new($"http://{_machines!.Address(member)}:8008/{endpoint}");

    // Whether the member's PostgreSQL takes writes, asked on its own machine (as its Patroni asks it): false when it is
    // a standby or does not answer.
    private async Task<bool> PrimaryOnItselfAsync(string member)
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

    private static async Task<bool> PrimaryAsync(string super)
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
    private async Task PatroniSaysAsync(string member, string endpoint, TimeSpan within)
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

    /// <summary>
    /// docs/operations.md, "Losing the primary", step 2: with one standby, losing it makes every write wait for it (30 s,
    /// then kept on the primary alone); with two and any one of them enough, losing one leaves the other to wait for.
    /// The second standby is lost at once; the head's next save goes through without that wait, and it is on the
    /// standby left.
    /// </summary>
    [Fact]
    public async Task With_two_standbys_and_any_one_enough_losing_one_leaves_saves_waiting_only_for_the_other()
    {
        await StartAsync("ANY 1 (*)", "quorum", standbys: 2);
        var primary = $"Host=127.0.0.1:{_env["PG_PORT"]};Database=flexischooling";
        using var factory = Factory(primary, primary);
        var (head, _, _, year4) = await HeadSavedOneOfTwoRegistersAsync(factory);

        await PgCtlAsync("standby-b", "-m immediate stop");
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(PrimarySuper, "SELECT count(*) FROM pg_stat_replication") == 1, TimeSpan.FromSeconds(30));

        var form = await RegisterForm.OpenAsync(head, year4, Friday);
        var watch = Stopwatch.StartNew();
        using (var second = await form.PostAsync(head))
        {
            Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        }

        output.WriteLine($"Saved with one of the two standbys lost in {watch.Elapsed.TotalSeconds:0.00} s");
        // Not the 30 s a write waits for a lone standby that is lost (ADR 0052): a save's commit waited for the one left.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the save took {watch.Elapsed.TotalSeconds:0.0} s");
        // On the standby left: flushed there before the save answered, and read once it has replayed it.
        var left = StandbySuper;
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(left, MarksOf(year4)) == form.Pupils.Count, TimeSpan.FromSeconds(10));
        Assert.Equal(form.Pupils.Count, await TestDatabase.ScalarAsync<long>(left, MarksOf(year4)));
    }

    // The head opens and saves the register, again and again as a person reloads, until it is saved or the time is up;
    // each failure is kept with when it began and ended.
    private static async Task<(HttpStatusCode? Saved, List<string> Failures)> SaveUntilSavedAsync(HttpClient head, Guid group, Stopwatch watch, TimeSpan limit)
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
    private static async Task<(int Saves, List<string> Failures)> SaveEveryHalfSecondAsync(HttpClient head, Guid year3, Guid year4, Stopwatch watch, TimeSpan during)
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
    private static async Task<HttpStatusCode> SaveOnceAsync(HttpClient head, Guid group)
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
    private async Task StartAsync(string synchronousNames, string state, int standbys = 1)
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
    private FlexiFactory Factory(string appHosts, string ownerHosts) => new("flexischooling")
    {
        Settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:App"] = $"{appHosts};Username=flexi_app;Password={_env["PG_APP"]}",
            ["ConnectionStrings:Owner"] = $"{ownerHosts};Username=flexi_owner;Password={_env["PG_OWNER"]}",
        },
    };

    // The head signed in, with Ashby's Year 3 A's Friday morning saved (the form as saved) and Year 4 A's never taken, for
    // the save after a loss.
    private async Task<(HttpClient Head, RegisterForm Before, Guid Year3, Guid Year4)> HeadSavedOneOfTwoRegistersAsync(FlexiFactory factory)
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
    private async Task<(Guid Year3, Guid Year4)> TwoRegistersNeverTakenAsync()
    {
        var (year3, year4) = (await GroupAsync("Year 3 A"), await GroupAsync("Year 4 A"));
        await ClearAsync(year3);
        await ClearAsync(year4);
        return (year3, year4);
    }

    private static string MarksOf(Guid group) =>
        $"SELECT count(*) FROM attendance_marks m JOIN pupils p ON p.id = m.pupil_id WHERE p.registration_group_id = '{group}' AND m.date = '{Friday:yyyy-MM-dd}' AND m.session = 'AM'";

    // The superuser's string for the first primary and for its standby: on loopback, or on their machines' addresses.
    private string PrimarySuper => Super(_primaryHost, _env["PG_PORT"]);

    private string StandbySuper => Super(_standbyHost, _standbyPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private string Super(string host, string port) => $"Host={host};Port={port};Database=flexischooling;Username=postgres;Password={_env["PG_SUPER"]};Pooling=false";

    private Task<Guid> GroupAsync(string name) =>
        TestDatabase.ScalarAsync<Guid>(PrimarySuper, $"SELECT g.id FROM registration_groups g JOIN schools s ON s.id = g.school_id WHERE g.name = '{name}' AND s.name LIKE 'Ashby%'");

    // The register never taken (bypassing the append-only triggers), so that the head's save writes every mark.
    private Task ClearAsync(Guid group) =>
        TestDatabase.ExecuteAsync(PrimarySuper, $"""
            SET session_replication_role = replica;
            DELETE FROM attendance_mark_changes c USING attendance_marks m, pupils p
             WHERE c.mark_id = m.id AND m.pupil_id = p.id AND p.registration_group_id = '{group}' AND m.date = '{Friday:yyyy-MM-dd}' AND m.session = 'AM';
            DELETE FROM attendance_marks m USING pupils p WHERE m.pupil_id = p.id AND p.registration_group_id = '{group}' AND m.date = '{Friday:yyyy-MM-dd}' AND m.session = 'AM';
            DELETE FROM register_submissions WHERE group_id = '{group}' AND date = '{Friday:yyyy-MM-dd}' AND session = 'AM';
            """);

    private Task BashAsync(string script) => Scripts.BashAsync(script, output);

    // Everything to or from the port dropped, both ways, as a machine that has vanished answers nothing: a table of
    // nftables' own for this test's port, deleted as the test ends.
    private string? _vanished;

    private async Task VanishAsync(string port)
    {
        _vanished = $"flexi_vanished_{port}";
        await BashAsync($"\"${{FLEXI_NFT:-nft}}\" 'add table inet {_vanished}; add chain inet {_vanished} input {{ type filter hook input priority 0; policy accept; }}; add rule inet {_vanished} input tcp dport {port} drop; add rule inet {_vanished} input tcp sport {port} drop'");
    }

    // pg_ctl, as the postgres user, on the cluster in the named folder under the test's own, waiting for it to finish.
    private Task PgCtlAsync(string cluster, string action) =>
        BashAsync($". scripts/lib/common.sh && find_pg_bin && pg_user_run \"$PG_VERSION_DIR/pg_ctl\" -D \"$(readlink -f '{_data}/{cluster}')/data\" -w {action}");
}

/// <summary>A fact skipped where the firewall's rules cannot be made (not root), saying why; scripts/test runs it as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute() => Skip = Environment.IsPrivilegedProcess ? null : "Needs root for nftables' rules: run scripts/test as root, as CI does.";
}
