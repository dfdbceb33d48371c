using System.Diagnostics;
using FlexiSchooling.Data;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NpgsqlTypes;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// ADR 0048: how far the read replica is behind, from the primary's WAL positions noted with the moments before they were
/// read and the replica's replayed position. The arithmetic alone, at timestamps chosen here (seconds on the system's
/// monotonic clock); ReplicaTests measures the real replica.
/// </summary>
public sealed class ReplicaLagTests
{
    private static long At(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static ReplicaLag.Note Note(double seconds, ulong position) => new(At(seconds), new NpgsqlLogSequenceNumber(position));

    private static NpgsqlLogSequenceNumber Position(ulong position) => new(position);

    [Fact]
    public void Replica_lag_is_none_once_it_has_replayed_all_the_primary_had_written()
    {
        var lag = new ReplicaLag("primary", "read", TimeProvider.System, TimeSpan.FromSeconds(8));
        lag.Record(Note(0, 100), Position(90), At(0.1));
        var measured = lag.Record(Note(5, 200), Position(200), At(5.1));
        Assert.Equal(TimeSpan.Zero, measured.Behind);
        Assert.True(measured.OnStandby);
        Assert.False(lag.TooFarBehind);
    }

    [Fact]
    public async Task Replica_lag_is_the_time_since_the_latest_noted_position_it_has_replayed()
    {
        var lag = new ReplicaLag("primary", "read", TimeProvider.System, TimeSpan.FromSeconds(8));
        lag.Record(Note(0, 100), Position(100), At(0.1));
        lag.Record(Note(5, 200), Position(150), At(5.1));
        var measured = lag.Record(Note(10, 300), Position(250), At(10.1)); // has everything of 5 s, not all of 10 s
        Assert.Equal(5.1, measured.Behind.TotalSeconds, 3);
        Assert.False(measured.AtLeast);
        Assert.False(lag.TooFarBehind);

        // It stops replaying: the same note of 5 s is the latest it has passed, and the bound (8 s) is crossed.
        measured = lag.Record(Note(15, 400), Position(250), At(15.1));
        Assert.Equal(10.1, measured.Behind.TotalSeconds, 3);
        Assert.True(lag.TooFarBehind);
        Assert.Equal("The read replica is up to 10.1 s behind its primary, more than the 8 s allowed: the read-heavy pages read the primary.",
            (await new ReplicaLagCheck(lag).CheckHealthAsync(new HealthCheckContext())).Description);

        // It catches up.
        lag.Record(Note(20, 500), Position(500), At(20.1));
        Assert.False(lag.TooFarBehind);
    }

    [Fact]
    public void Replica_lag_with_no_noted_position_replayed_is_at_least_the_oldest_notes_age()
    {
        var lag = new ReplicaLag("primary", "read", TimeProvider.System, TimeSpan.FromSeconds(8));
        lag.Record(Note(0, 100), Position(50), At(0.1));
        var measured = lag.Record(Note(9, 200), Position(50), At(9.1));
        Assert.True(measured.AtLeast);
        Assert.Equal(9.1, measured.Behind.TotalSeconds, 3);
        Assert.True(lag.TooFarBehind);
    }

    [Fact]
    public async Task Replica_lag_through_the_primary_standing_in_is_none()
    {
        // The replica down: the multi-host "Read" string reached the primary, which is never behind itself.
        var lag = new ReplicaLag("primary", "read", TimeProvider.System, TimeSpan.FromSeconds(8));
        lag.Record(Note(0, 100), Position(50), At(20));
        var measured = lag.Record(Note(30, 200), null, At(30.1));
        Assert.Equal(TimeSpan.Zero, measured.Behind);
        Assert.False(measured.OnStandby);
        Assert.False(lag.TooFarBehind);

        // The pages are served from the primary, and the readiness check says the replica does not answer.
        var health = await new ReplicaLagCheck(lag).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("The read connection reached the primary: the replica does not answer.", health.Description);
    }

    [Theory]
    [InlineData("Replica:MaxLag")]
    [InlineData("Replica:CheckEvery")]
    public void Replica_setting_of_no_time_stops_the_start_and_names_the_setting(string setting)
    {
        // Refused before anything connects: the database named is never reached.
        using var factory = new FlexiFactory("t_never_made") { Settings = new Dictionary<string, string> { [setting] = "00:00:00" } };
        var refused = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Equal($"{setting} must be more than zero (docs/operations.md).", refused.Message);
    }

    [Fact]
    public void Replica_lag_is_not_measured_without_a_read_connection_of_its_own()
    {
        var lag = new ReplicaLag("primary", null, TimeProvider.System, TimeSpan.FromSeconds(8));
        Assert.False(lag.Measured);
        Assert.Null(lag.Last);
        Assert.False(lag.TooFarBehind);
    }
}
