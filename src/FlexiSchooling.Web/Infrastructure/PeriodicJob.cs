namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// A background service that does one pass of work every <paramref name="interval"/> (the first after
/// <paramref name="firstPassAfter"/>), logging and carrying on when a pass fails — the loop the outbox, the subject access
/// exports and retention share. Each pass is also callable on its own (tests, or a page that wants it now).
/// Nothing runs before <paramref name="firstPassAfter"/>, not even <see cref="StartingAsync"/>: a job's first database
/// call builds Entity Framework's model, and on a newly started server that work would take the cores the first
/// requests need (issue 15: cold start 4.2x an empty Razor Pages app with every job starting at once, docs/performance.md).
/// </summary>
public abstract class PeriodicJob(TimeSpan interval, TimeSpan firstPassAfter, TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    /// <summary>
    /// Once, before the first pass. It runs at every instance's start, while other instances carry on: it must not undo
    /// their work in progress (marking "cut off" the exports another instance was running did, until the thirty-seventh
    /// session; what a stopped instance left is found by what it no longer holds, <c>SubjectAccessExporter</c>). No job
    /// uses it now.
    /// </summary>
    protected virtual Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task PassAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (firstPassAfter > TimeSpan.Zero)
        {
            await Task.Delay(firstPassAfter, Time, stoppingToken);
        }

        try
        {
            await StartingAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Logger.LogWarning(e, "{Job} could not start cleanly; its passes carry on", GetType().Name);
        }

        using var timer = new PeriodicTimer(interval, Time);
        do
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Logger.LogWarning(e, "{Job} pass failed; will retry", GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
