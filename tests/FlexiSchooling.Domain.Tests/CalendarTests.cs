using FlexiSchooling.Domain.Calendar;

namespace FlexiSchooling.Domain.Tests;

public sealed class CalendarTests
{
    private static readonly Guid School = Guid.NewGuid();

    // Summer term 2025 at a typical English school, half-term 26–30 May; INSET on 2 June.
    private static SchoolCalendar Summer2025() => new(
        [
            new Term(School, "Spring 2025", new(2025, 1, 6), new(2025, 4, 4), new(2025, 2, 17), new(2025, 2, 21)),
            new Term(School, "Summer 2025", new(2025, 4, 22), new(2025, 7, 22), new(2025, 5, 26), new(2025, 5, 30)),
        ],
        [new DateOnly(2025, 6, 2)],
        BankHolidayFeed.Shipped().Select(b => b.Date));

    [Fact]
    public void Decision_deadline_counts_working_days_skipping_weekend_and_bank_holiday()
    {
        // domain.md worked example 3 / policy 001: meeting Thursday 1 May 2025, five working days,
        // skipping the weekend and the early-May bank holiday (Monday 5 May) → Friday 9 May 2025.
        Assert.Equal(new DateOnly(2025, 5, 9), Summer2025().AddWorkingDays(new DateOnly(2025, 5, 1), 5));
    }

    [Fact]
    public void The_school_days_either_side_of_a_day_without_registers_skip_weekends_holidays_and_inset()
    {
        var calendar = Summer2025();
        // A Saturday: Friday before it, Tuesday after it (Monday 5 May 2025 is a bank holiday).
        Assert.Equal(new DateOnly(2025, 5, 2), calendar.SchoolDayBefore(new DateOnly(2025, 5, 3)));
        Assert.Equal(new DateOnly(2025, 5, 6), calendar.SchoolDayAfter(new DateOnly(2025, 5, 3)));
        // Half-term (26-30 May) and the INSET day after it (Monday 2 June): back to Friday 23 May, on to Tuesday 3 June.
        Assert.Equal(new DateOnly(2025, 5, 23), calendar.SchoolDayBefore(new DateOnly(2025, 5, 28)));
        Assert.Equal(new DateOnly(2025, 6, 3), calendar.SchoolDayAfter(new DateOnly(2025, 5, 28)));
        // The Easter holiday between the terms: the spring term's last day, the summer term's first.
        Assert.Equal(new DateOnly(2025, 4, 4), calendar.SchoolDayBefore(new DateOnly(2025, 4, 15)));
        Assert.Equal(new DateOnly(2025, 4, 22), calendar.SchoolDayAfter(new DateOnly(2025, 4, 15)));
        // A school day's neighbours are school days too, not the day itself.
        Assert.Equal(new DateOnly(2025, 5, 6), calendar.SchoolDayBefore(new DateOnly(2025, 5, 7)));
        // Before the first term and after the last there are none.
        Assert.Null(calendar.SchoolDayBefore(new DateOnly(2025, 1, 6)));
        Assert.Null(calendar.SchoolDayAfter(new DateOnly(2025, 7, 22)));
        Assert.Null(new SchoolCalendar([], [], []).SchoolDayBefore(new DateOnly(2025, 5, 3)));
    }

    [Fact]
    public void School_days_exclude_weekends_bank_holidays_half_term_and_inset()
    {
        var calendar = Summer2025();
        Assert.False(calendar.IsSchoolDay(new DateOnly(2025, 5, 5)));   // bank holiday
        Assert.False(calendar.IsSchoolDay(new DateOnly(2025, 5, 3)));   // Saturday
        Assert.False(calendar.IsSchoolDay(new DateOnly(2025, 5, 28)));  // half-term
        Assert.False(calendar.IsSchoolDay(new DateOnly(2025, 6, 2)));   // INSET
        Assert.False(calendar.IsSchoolDay(new DateOnly(2025, 4, 15)));  // Easter holiday
        Assert.True(calendar.IsSchoolDay(new DateOnly(2025, 5, 6)));
        // 1–9 May 2025: Thu 1, Fri 2, Tue 6, Wed 7, Thu 8, Fri 9.
        Assert.Equal(6, calendar.SchoolDaysBetween(new DateOnly(2025, 5, 1), new DateOnly(2025, 5, 9)).Count());
    }

    [Fact]
    public void Fortnightly_review_falls_fourteen_days_later_on_a_school_day()
    {
        var calendar = Summer2025();
        Assert.Equal(new DateOnly(2025, 1, 20), calendar.NextReviewDate(ReviewCadence.Fortnightly, new DateOnly(2025, 1, 6)));
        // 14 days after 19 May is 2 June (INSET): the review moves to the next school day.
        Assert.Equal(new DateOnly(2025, 6, 3), calendar.NextReviewDate(ReviewCadence.Fortnightly, new DateOnly(2025, 5, 19)));
    }

    [Fact]
    public void Half_termly_review_falls_on_the_last_school_day_of_the_half_term()
    {
        var calendar = Summer2025();
        Assert.Equal(new DateOnly(2025, 5, 23), calendar.NextReviewDate(ReviewCadence.HalfTermly, new DateOnly(2025, 4, 28)));
        // On the last day itself, the next half-term's last school day.
        Assert.Equal(new DateOnly(2025, 7, 22), calendar.NextReviewDate(ReviewCadence.HalfTermly, new DateOnly(2025, 5, 23)));
    }

    [Fact]
    public void Termly_review_falls_on_the_last_school_day_of_the_term()
    {
        Assert.Equal(new DateOnly(2025, 4, 4), Summer2025().NextReviewDate(ReviewCadence.Termly, new DateOnly(2025, 1, 6)));
    }

    [Fact]
    public void Review_date_is_unknown_past_the_calendar()
    {
        Assert.Null(Summer2025().NextReviewDate(ReviewCadence.Termly, new DateOnly(2025, 7, 22)));
    }

    [Fact]
    public void Half_term_must_fall_inside_the_term()
    {
        var e = Assert.Throws<Common.DomainRuleException>(() => new Term(School, "Bad", new(2025, 1, 6), new(2025, 4, 4), new(2025, 4, 10), new(2025, 4, 14)));
        Assert.Equal("term-half-term", e.Rule);
    }

    [Fact]
    public void Shipped_bank_holidays_cover_2024_to_2028_in_england()
    {
        var dates = BankHolidayFeed.Shipped().Select(b => b.Date).ToHashSet();
        Assert.Equal(40, dates.Count);
        Assert.Contains(new DateOnly(2025, 5, 5), dates);
        Assert.Contains(new DateOnly(2026, 12, 28), dates); // Boxing Day substitute
        Assert.Contains(new DateOnly(2028, 1, 3), dates);   // New Year substitute
    }

    [Fact]
    public void Bank_holidays_are_known_to_the_end_of_the_last_december_a_list_reaches()
    {
        Assert.Equal(new DateOnly(2028, 12, 31), BankHolidayFeed.KnownUntil(BankHolidayFeed.Shipped().Select(b => b.Date)));
        // A list that stops before December holds its last year only to its last date.
        Assert.Equal(new DateOnly(2029, 5, 28), BankHolidayFeed.KnownUntil([new(2028, 12, 26), new(2029, 1, 1), new(2029, 5, 28)]));
        Assert.Null(BankHolidayFeed.KnownUntil([]));
    }

    [Fact]
    public void Terms_past_the_known_bank_holidays_or_with_none_known_are_found()
    {
        var shipped = BankHolidayFeed.Shipped().Select(b => b.Date).ToList();
        Term[] within = [new(School, "Summer 2028", new(2028, 4, 17), new(2028, 7, 26), new(2028, 6, 5), new(2028, 6, 9))];
        Term[] beyond = [.. within, new(School, "Spring 2029", new(2029, 1, 8), new(2029, 3, 29), null, null)];
        Assert.Null(BankHolidayFeed.TermsBeyondKnown(within, shipped));
        Assert.Equal(new DateOnly(2029, 3, 29), BankHolidayFeed.TermsBeyondKnown(beyond, shipped));
        Assert.Equal(new DateOnly(2028, 7, 26), BankHolidayFeed.TermsBeyondKnown(within, []));
        Assert.Null(BankHolidayFeed.TermsBeyondKnown([], []));
    }

    [Fact]
    public void Bank_holidays_import_from_the_govuk_format_and_reject_others()
    {
        const string json = """{"england-and-wales":{"division":"england-and-wales","events":[{"title":"Test day","date":"2029-01-01","notes":"","bunting":true}]},"scotland":{"division":"scotland","events":[{"title":"St Andrew's Day","date":"2029-11-30"}]}}""";
        var parsed = BankHolidayFeed.Parse(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Equal([new DateOnly(2029, 1, 1)], parsed.Select(b => b.Date));
        Assert.Throws<FormatException>(() => BankHolidayFeed.Parse(new MemoryStream("[1,2]"u8.ToArray())));
    }
}
