namespace FlexiSchooling.Domain.Common;

/// <summary>
/// The product's clock is Europe/London: "today", register times and deadlines are the school's
/// local time, whatever the server's zone. Everything reads it through an injected
/// <see cref="TimeProvider"/> so tests can set the date.
/// </summary>
public static class LondonClock
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateTime Now(TimeProvider time) =>
        TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, Zone);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(Now(time));

    public static DateTime ToLondon(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTimeFromUtc(instant.UtcDateTime, Zone);

    /// <summary>The instant a London clock shows <paramref name="time"/> on <paramref name="date"/> (GMT or BST as that day has it).</summary>
    public static DateTimeOffset AtLondon(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime(); // stored as UTC, as every instant is
    }
}
