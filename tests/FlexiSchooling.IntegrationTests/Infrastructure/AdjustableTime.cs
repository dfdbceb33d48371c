namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>A clock a test moves forward: sessions going idle, sign-in lifetimes, cache expiry.</summary>
public sealed class AdjustableTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
