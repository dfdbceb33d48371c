using FlexiSchooling.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Measures how far the read replica is behind its primary every few seconds ("Replica:CheckEvery", 5 s unless set; ADR
/// 0048), so that the read-heavy pages pass over a replica too far behind (<see cref="ReadDb"/>), and says so in the log
/// once as it goes beyond <see cref="ReplicaLag.MaxLag"/> and once as it comes back. Runs only when there is a "Read"
/// connection of its own.
/// </summary>
public sealed class ReplicaLagJob(ReplicaLag lag, IConfiguration configuration, TimeProvider time, ILogger<ReplicaLagJob> logger)
    : PeriodicJob(Every(configuration), Every(configuration), time, logger)
{
    private bool wasTooFar;

    public static TimeSpan Every(IConfiguration configuration) => configuration.GetValue("Replica:CheckEvery", TimeSpan.FromSeconds(5));

    protected override async Task PassAsync(CancellationToken cancellationToken)
    {
        var measured = await lag.MeasureAsync(cancellationToken);
        if (measured is null || lag.TooFarBehind == wasTooFar)
        {
            return;
        }

        wasTooFar = lag.TooFarBehind;
        if (wasTooFar)
        {
            Logger.LogWarning("The read replica is {Behind}, more than the {MaxLag:0.#} s allowed: the dashboard, the attendance overview and the governors' report read the primary until it catches up",
                ReplicaLagCheck.Describe(measured), lag.MaxLag.TotalSeconds);
        }
        else
        {
            Logger.LogInformation("The read replica has caught up ({Behind}): the read-heavy pages read it again", ReplicaLagCheck.Describe(measured));
        }
    }
}

/// <summary>
/// Ready, and how far the read replica is behind: Degraded (still answering 200, since every page is served, from the
/// primary if need be) while it is further behind than <see cref="ReplicaLag.MaxLag"/> or the read connection reaches the
/// primary (the replica down). Healthy with nothing to say when there is no replica.
/// </summary>
public sealed class ReplicaLagCheck(ReplicaLag lag) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(
        !lag.Measured ? HealthCheckResult.Healthy("No read replica configured.")
        : lag.Last is not { } last ? HealthCheckResult.Healthy("Read replica not measured yet.")
        : !last.OnStandby ? HealthCheckResult.Degraded("The read connection reached the primary: the replica does not answer.")
        : lag.TooFarBehind ? HealthCheckResult.Degraded($"The read replica is {Describe(last)}, more than the {lag.MaxLag.TotalSeconds:0.#} s allowed: the read-heavy pages read the primary.")
        : HealthCheckResult.Healthy($"The read replica is {Describe(last)}."));

    /// <summary>How far behind, as measured: an upper bound, or a lower one when it has replayed none of the positions noted.</summary>
    public static string Describe(ReplicaMeasurement measured) =>
        measured.Behind == TimeSpan.Zero ? "not behind its primary"
        : measured.AtLeast ? $"at least {measured.Behind.TotalSeconds:0.0} s behind its primary"
        : $"up to {measured.Behind.TotalSeconds:0.0} s behind its primary";
}
