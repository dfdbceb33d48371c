using System.Diagnostics;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>For what happens a moment later (a replica's replay, a pool's closing, a background job's pass).</summary>
public static class Eventually
{
    /// <summary>Asks <paramref name="condition"/> every 100 ms until it holds or <paramref name="within"/> has passed; the caller asserts after it.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition() && watch.Elapsed < within)
        {
            await Task.Delay(100);
        }
    }
}
