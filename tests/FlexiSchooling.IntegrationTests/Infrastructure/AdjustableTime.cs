namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>A clock a test moves forward: sessions going idle, sign-in lifetimes, cache expiry, a chosen school day.</summary>
public sealed class AdjustableTime(DateTimeOffset start) : TimeProvider
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    // In UTC, as TimeProvider promises: Npgsql writes only UTC to timestamptz, so a clock at a British Summer Time hour
    // given with its +01:00 offset failed every save (found running the tests 160 days ahead, in May).
    private DateTimeOffset _now = start.ToUniversalTime();

    /// <summary>A clock at a time of day in England on a given day (British Summer Time or not, as that day was).</summary>
    public static AdjustableTime AtLondon(DateOnly day, int hour, int minute)
    {
        var local = day.ToDateTime(new TimeOnly(hour, minute));
        return new AdjustableTime(new DateTimeOffset(local, London.GetUtcOffset(local)));
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
