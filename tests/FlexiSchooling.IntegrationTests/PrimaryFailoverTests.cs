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
/// promoting the standby and nobody acting (ADR 0053; its own store, etcd, lost: <see cref="PatroniStoreTests"/>). And
/// with two standbys, either enough, losing one of them does not hold the saves up as losing a lone standby does. What
/// the tests share is <see cref="DatabaseLossTests"/>.
/// </summary>
[Collection(WaitingTests.Name)]
public sealed class PrimaryFailoverTests(ITestOutputHelper output) : DatabaseLossTests(output)
{
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
        Output.WriteLine(loss == Loss.Vanished
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
        Output.WriteLine($"Saved through the standby Patroni promoted {watch.Elapsed.TotalSeconds:0.0} s after the primary's machine was cut off; {failures.Count} failing first: {string.Join("; ", failures.Take(5))}{(failures.Count > 5 ? "; …" : "")}");
        Assert.Equal(HttpStatusCode.Redirect, saved);
        Assert.False(await TestDatabase.ScalarAsync<bool>(StandbySuper, "SELECT pg_is_in_recovery()"));
        Assert.Equal(before.Pupils.Count, await TestDatabase.ScalarAsync<long>(StandbySuper, MarksOf(year3)));
        await Eventually.WaitAsync(() => Task.FromResult(secondFirstPrimary is not null && watch.Elapsed > firstLastPrimary + TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(10));
        await looking.CancelAsync();
        await look;
        Output.WriteLine($"The cut-off primary last took writes {firstLastPrimary.TotalSeconds:0.0} s after it was cut off; the standby first {secondFirstPrimary?.TotalSeconds:0.0} s after");
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
        Output.WriteLine($"The cut-off machine a synchronous standby again {back.Elapsed.TotalSeconds:0.0} s after it was on the network again");
        var year4Marks = await TestDatabase.ScalarAsync<long>(StandbySuper, MarksOf(year4));
        Assert.True(year4Marks > 0);
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(PrimarySuper, MarksOf(year4)) == year4Marks, TimeSpan.FromSeconds(10));
        Assert.True(await TestDatabase.ScalarAsync<bool>(PrimarySuper, "SELECT pg_is_in_recovery()"));
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
            Output.WriteLine($"The save made as the standby was cut off answered {(int)waited.StatusCode} after {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(HttpStatusCode.Redirect, waited.StatusCode);
        }

        var first = watch.Elapsed;
        watch.Restart();
        Assert.Equal(HttpStatusCode.Redirect, await SaveOnceAsync(head, year3));
        Output.WriteLine($"The register after it opened and saved in {watch.Elapsed.TotalSeconds:0.00} s");
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

        Output.WriteLine($"Saved with one of the two standbys lost in {watch.Elapsed.TotalSeconds:0.00} s");
        // Not the 30 s a write waits for a lone standby that is lost (ADR 0052): a save's commit waited for the one left.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the save took {watch.Elapsed.TotalSeconds:0.0} s");
        // On the standby left: flushed there before the save answered, and read once it has replayed it.
        var left = StandbySuper;
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(left, MarksOf(year4)) == form.Pupils.Count, TimeSpan.FromSeconds(10));
        Assert.Equal(form.Pupils.Count, await TestDatabase.ScalarAsync<long>(left, MarksOf(year4)));
    }
}
