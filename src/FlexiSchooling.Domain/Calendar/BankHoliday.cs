using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlexiSchooling.Domain.Calendar;

/// <summary>
/// A bank holiday in England and Wales: reference data shared by every trust (not tenant-owned).
/// Shipped for 2024–2028 in the gov.uk bank-holidays JSON format, and importable from a newer
/// copy of the same file.
/// </summary>
public sealed class BankHoliday
{
    private BankHoliday() { }

    public BankHoliday(DateOnly date, string title)
    {
        Date = date;
        Title = title;
    }

    public DateOnly Date { get; private set; }

    public string Title { get; private set; } = "";
}

public static class BankHolidayFeed
{
    public const string Division = "england-and-wales";

    /// <summary>The dates shipped with the product (gov.uk file for England and Wales, 2024–2028).</summary>
    public static IReadOnlyList<BankHoliday> Shipped()
    {
        using var stream = typeof(BankHolidayFeed).Assembly.GetManifestResourceStream("bank-holidays.json")
            ?? throw new InvalidOperationException("The shipped bank-holidays.json resource is missing.");
        return Parse(stream);
    }

    /// <summary>
    /// The last day whose bank holidays are known from a list: the end of the last year it reaches into December (every
    /// year in England and Wales ends with Christmas Day and Boxing Day, or their substitutes, so a list reaching December
    /// holds that year whole), else its last date; none when the list is empty. A school's days after it may include bank
    /// holidays the product does not know, and would be counted as school days until a newer gov.uk file is imported.
    /// </summary>
    public static DateOnly? KnownUntil(IEnumerable<DateOnly> holidays)
    {
        DateOnly? last = null;
        foreach (var date in holidays)
        {
            if (last is null || date > last)
            {
                last = date;
            }
        }

        return last is { Month: 12 } december ? new DateOnly(december.Year, 12, 31) : last;
    }

    /// <summary>
    /// The last day of a school's terms when they run past the bank holidays known (<see cref="KnownUntil"/>), or when
    /// none are known at all; otherwise none. Those days would count a bank holiday as a school day.
    /// </summary>
    public static DateOnly? TermsBeyondKnown(IEnumerable<Term> terms, IEnumerable<DateOnly> holidays)
    {
        var lastTermDay = terms.Select(t => (DateOnly?)t.EndDate).Max();
        var knownUntil = KnownUntil(holidays);
        return lastTermDay is { } last && (knownUntil is null || last > knownUntil) ? last : null;
    }

    /// <summary>The holidays of a feed (shipped or imported) whose dates are not yet among those known: what adding it adds.</summary>
    public static List<BankHoliday> Missing(IEnumerable<BankHoliday> feed, IEnumerable<DateOnly> known)
    {
        var dates = known.ToHashSet();
        return [.. feed.Where(b => !dates.Contains(b.Date))];
    }

    /// <summary>
    /// Reads the gov.uk format (https://www.gov.uk/bank-holidays.json): an object keyed by division,
    /// each with "events" of title and date. Only England and Wales applies to English schools.
    /// </summary>
    public static IReadOnlyList<BankHoliday> Parse(Stream json)
    {
        Dictionary<string, Feed>? feeds;
        try
        {
            feeds = JsonSerializer.Deserialize<Dictionary<string, Feed>>(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("The file is not in the gov.uk bank-holidays JSON format.", e);
        }

        if (feeds is null || !feeds.TryGetValue(Division, out var feed) || feed.Events is null)
        {
            throw new FormatException("The file has no \"england-and-wales\" events.");
        }

        return [.. feed.Events
            .Select(e => new BankHoliday(
                DateOnly.ParseExact(e.Date ?? throw new FormatException("An event has no date."), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                e.Title ?? "Bank holiday"))
            .DistinctBy(b => b.Date)
            .OrderBy(b => b.Date)];
    }

    private sealed record Feed([property: JsonPropertyName("events")] List<Event>? Events);

    private sealed record Event([property: JsonPropertyName("title")] string? Title, [property: JsonPropertyName("date")] string? Date);
}
