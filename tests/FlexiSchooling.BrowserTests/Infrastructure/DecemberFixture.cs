namespace FlexiSchooling.BrowserTests.Infrastructure;

/// <summary>
/// The server on Tuesday 1 December 2026 at 10:00 in England, and running on from there (<c>Testing:Clock</c>), for the
/// journeys whose steps are fixed to the demo's dates — a part-time plan's second phase from 4 January and a step up
/// "from tomorrow" in its first, a placement's reintegration steps in January and February, the providers' checks as they
/// stand that week — so their day is their own, not the machine's (found running the tests 45 and 160 days ahead).
/// </summary>
public sealed class DecemberFixture : BrowserFixture
{
    public static readonly DateOnly Today = new(2026, 12, 1);

    protected override DateTimeOffset? ServerClock => new DateTimeOffset(Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
}
