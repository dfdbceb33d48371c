using System.Diagnostics;
using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Testing;
using Xunit.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 15, ADR 0053: Patroni keeps its leader lock in etcd, so etcd is a store whose loss could stop the saves as the
/// primary's would, and whose keys, written by anyone, would hand the primary to anyone. Lost as one member, the saves
/// go on (failsafe mode); as three, one lost stops neither the saves nor a failover after it; and neither Patroni nor
/// etcd makes a change for a request without its password. Beside <see cref="PrimaryFailoverTests"/>, in a collection
/// of its own so that the two run at once (<see cref="WaitingTests"/>).
/// </summary>
[Collection(WaitingTests.Store)]
public sealed class PatroniStoreTests(ITestOutputHelper output) : DatabaseLossTests(output)
{
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
        Output.WriteLine($"With etcd lost for {watch.Elapsed.TotalSeconds:0.0} s: {saves} saves, {failures.Count} failing: {string.Join("; ", failures)}");
        Assert.Empty(failures);
        Assert.False(await TestDatabase.ScalarAsync<bool>(PrimarySuper, "SELECT pg_is_in_recovery()"));
        Assert.True(await FailsafeActiveAsync("db1"), "Patroni of db1 does not say its failsafe mode is active");

        // etcd back: the primary's next look renews the lock and leaves failsafe mode, and the standby is still its
        // synchronous standby.
        var back = Stopwatch.StartNew();
        await BashAsync(EtcdStart);
        await Eventually.WaitAsync(async () => !await FailsafeActiveAsync("db1"), TimeSpan.FromSeconds(60));
        Assert.False(await FailsafeActiveAsync("db1"), "Patroni of db1 still in failsafe mode a minute after etcd came back");
        Output.WriteLine($"The lock held again {back.Elapsed.TotalSeconds:0.0} s after etcd started");
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
        Output.WriteLine($"With etcd's leading member ({leader}) cut off for {watch.Elapsed.TotalSeconds:0.0} s: {saves} saves, {failures.Count} failing: {string.Join("; ", failures)}; etcd's leader now {await EtcdLeaderAsync() ?? "none"}");
        Assert.Empty(failures);
        Assert.False(await FailsafeActiveAsync("db1"), "Patroni of db1 found its store gone with two of etcd's three members left");
        await PatroniSaysAsync("db1", "primary", TimeSpan.FromSeconds(5));

        await _machines.CutOffAsync("db1");
        watch.Restart();
        var (saved, failed) = await SaveUntilSavedAsync(head, year4, watch, TimeSpan.FromSeconds(100));
        Output.WriteLine($"With the primary's machine cut off as well, saved through the standby Patroni promoted {watch.Elapsed.TotalSeconds:0.0} s after; {failed.Count} failing first: {string.Join("; ", failed.Take(5))}{(failed.Count > 5 ? "; …" : "")}");
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
}
