using FlexiSchooling.Domain.Common;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// The demo's fixed dates — its terms, INSET days, admissions, policy adoptions and inspections — are written for the
/// academic year 2026/27 (and the year before it) and moved to the academic year of the day the demo is seeded. Each
/// written year moves by whole weeks, the fewest that bring its 1 September on or after the target year's, so every date
/// keeps its weekday and a term stays inside its academic year. Seeded in 2026/27 (the tests' template, seeded on
/// 21 November 2026) nothing moves. The calendar has the seed day's year, the year before it and the year after it, so a
/// demo keeps working into its next September; everything else in the demo is already dated from the seed day.
/// </summary>
internal sealed class DemoCalendar
{
    /// <summary>The academic year the demo's dates are written for.</summary>
    private static readonly AcademicYear Written = new(2026);

    /// <summary>The written terms: name (its season), start, end, half term.</summary>
    private static readonly (string Season, DateOnly Start, DateOnly End, DateOnly HalfTermStart, DateOnly HalfTermEnd)[] WrittenBefore =
    [
        ("Autumn", new(2025, 9, 1), new(2025, 12, 19), new(2025, 10, 27), new(2025, 10, 31)),
        ("Spring", new(2026, 1, 5), new(2026, 3, 27), new(2026, 2, 16), new(2026, 2, 20)),
        ("Summer", new(2026, 4, 13), new(2026, 7, 22), new(2026, 5, 25), new(2026, 5, 29)),
    ];

    private static readonly (string Season, DateOnly Start, DateOnly End, DateOnly HalfTermStart, DateOnly HalfTermEnd)[] WrittenYear =
    [
        ("Autumn", new(2026, 9, 1), new(2026, 12, 18), new(2026, 10, 26), new(2026, 10, 30)),
        ("Spring", new(2027, 1, 4), new(2027, 3, 25), new(2027, 2, 15), new(2027, 2, 19)),
        ("Summer", new(2027, 4, 12), new(2027, 7, 21), new(2027, 5, 31), new(2027, 6, 4)),
    ];

    public DemoCalendar(DateOnly seededOn)
    {
        SeededOn = seededOn;
        Year = AcademicYear.Containing(seededOn);
        _shift = Shift(Written, Year);
        _shiftBefore = Shift(new AcademicYear(Written.StartYear - 1), new AcademicYear(Year.StartYear - 1));
        _shiftAfter = Shift(Written, new AcademicYear(Year.StartYear + 1));
    }

    private readonly int _shift;
    private readonly int _shiftBefore;
    private readonly int _shiftAfter;

    public DateOnly SeededOn { get; }

    /// <summary>The academic year of the seed day: the demo's "this year".</summary>
    public AcademicYear Year { get; }

    /// <summary>A date written for 2026/27, in the seed day's academic year (the same weekday).</summary>
    public DateOnly On(int year, int month, int day) => new DateOnly(year, month, day).AddDays(_shift);

    /// <summary>The terms of the year before the seed day's, its own and the next, each named by its season and its start's year.</summary>
    public IEnumerable<(string Name, DateOnly Start, DateOnly End, DateOnly HalfTermStart, DateOnly HalfTermEnd)> Terms() =>
        WrittenBefore.Select(t => Move(t, _shiftBefore))
            .Concat(WrittenYear.Select(t => Move(t, _shift)))
            .Concat(WrittenYear.Select(t => Move(t, _shiftAfter)));

    /// <summary>INSET days: the first day of each autumn and spring term.</summary>
    public IEnumerable<DateOnly> InsetDays() =>
        Terms().Where(t => !t.Name.StartsWith("Summer", StringComparison.Ordinal)).Select(t => t.Start);

    /// <summary>
    /// The first day of the demo's marks: the Monday after the autumn half-term (2 November 2026 as written) or, seeded
    /// earlier in the autumn than three weeks after it, the Monday two weeks before the seed day's week — but not before
    /// the autumn term.
    /// </summary>
    public DateOnly MarksFrom
    {
        get
        {
            var afterHalfTerm = On(2026, 11, 2);
            var twoWeeksBefore = Domain.Attendance.AttendanceFigures.WeekOf(SeededOn).AddDays(-14);
            var from = afterHalfTerm < twoWeeksBefore ? afterHalfTerm : twoWeeksBefore;
            var autumn = On(2026, 9, 1);
            return from < autumn ? autumn : from;
        }
    }

    private static (string, DateOnly, DateOnly, DateOnly, DateOnly) Move((string Season, DateOnly Start, DateOnly End, DateOnly HalfTermStart, DateOnly HalfTermEnd) t, int days)
    {
        var start = t.Start.AddDays(days);
        return ($"{t.Season} {start.Year}", start, t.End.AddDays(days), t.HalfTermStart.AddDays(days), t.HalfTermEnd.AddDays(days));
    }

    /// <summary>Whole weeks from one academic year's 1 September to the first day of the same weekday on or after the other's.</summary>
    private static int Shift(AcademicYear from, AcademicYear to) =>
        7 * (int)Math.Ceiling((to.Start.DayNumber - from.Start.DayNumber) / 7.0);
}
