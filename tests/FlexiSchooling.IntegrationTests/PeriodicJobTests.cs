using FlexiSchooling.Web.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 15, cold start: the background jobs (outbox, subject access exports, retention) touch nothing — not even their
/// start-up clean-up — until their first pass is due, so a new server's cores go to its first requests; then each pass
/// comes every interval, and a failed pass is logged and the next one still comes.
/// </summary>
public sealed class PeriodicJobTests
{
    private sealed class CountingJob(TimeProvider time) : PeriodicJob(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), time, NullLogger.Instance)
    {
        public int Started;

        public int Passes;

        public SemaphoreSlim Passed { get; } = new(0);

        protected override Task StartingAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Started);
            return Task.CompletedTask;
        }

        protected override Task PassAsync(CancellationToken cancellationToken)
        {
            var pass = Interlocked.Increment(ref Passes);
            Passed.Release();
            return pass == 2 ? throw new InvalidOperationException("the second pass fails") : Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_periodic_job_touches_nothing_before_its_first_pass_is_due_then_passes_every_interval_even_after_a_failed_pass()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero));
        using var job = new CountingJob(time);
        await job.StartAsync(CancellationToken.None);
        await Task.Delay(200); // time for anything the job wrongly did at once to happen
        Assert.Equal((0, 0), (job.Started, job.Passes));
        time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(200);
        Assert.Equal((0, 0), (job.Started, job.Passes));

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(await job.Passed.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal((1, 1), (job.Started, job.Passes));
        foreach (var pass in new[] { 2, 3 }) // the second fails; the third still comes a minute later
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.True(await job.Passed.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal((1, pass), (job.Started, job.Passes));
        }

        await job.StopAsync(CancellationToken.None);
    }
}
