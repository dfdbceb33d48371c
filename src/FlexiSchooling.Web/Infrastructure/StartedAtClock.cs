using System.Globalization;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// A clock that starts at a given instant and then runs at the real clock's pace: the browser tests' server runs a
/// journey on a day of its own (<c>Testing:Clock</c>, read only in the Testing environment), so a journey whose dates
/// are fixed in the demo — a phase from 4 January, a step up "from tomorrow" — means the same whichever day the tests
/// run (README, "Testing"). Timers and timestamps stay the real clock's: only the date and time the product reads move.
/// </summary>
public sealed class StartedAtClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - TimeProvider.System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + _offset;

    /// <summary>The clock for the process: <c>Testing:Clock</c> (an ISO 8601 instant) in the Testing environment, else the system's.</summary>
    public static TimeProvider For(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsEnvironment("Testing") && configuration["Testing:Clock"] is { Length: > 0 } clock
            ? new StartedAtClock(DateTimeOffset.Parse(clock, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            : TimeProvider.System;
}
