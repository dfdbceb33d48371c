using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Calendar;

public enum ReviewCadence
{
    Weekly,
    Fortnightly,
    HalfTermly,
    Termly,
    Annually,
}

public enum ClosureKind
{
    /// <summary>Staff training day: no pupils, not a possible session.</summary>
    Inset,

    /// <summary>A planned whole-school closure (code # in the register).</summary>
    PlannedClosure,
}

/// <summary>A term of a school's academic calendar with its optional half-term break.</summary>
public sealed class Term : ISchoolOwned, ITrustStampable
{
    private Term() { }

    public Term(Guid schoolId, string name, DateOnly startDate, DateOnly endDate, DateOnly? halfTermStart, DateOnly? halfTermEnd)
    {
        Id = Ids.New();
        SchoolId = schoolId;
        Name = name.Trim();
        Change(startDate, endDate, halfTermStart, halfTermEnd);
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public string Name { get; private set; } = "";

    public DateOnly StartDate { get; private set; }

    public DateOnly EndDate { get; private set; }

    /// <summary>First day of the half-term break (no school), if the term has one.</summary>
    public DateOnly? HalfTermStart { get; private set; }

    /// <summary>Last day of the half-term break.</summary>
    public DateOnly? HalfTermEnd { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public void Change(DateOnly startDate, DateOnly endDate, DateOnly? halfTermStart, DateOnly? halfTermEnd)
    {
        if (endDate < startDate)
        {
            throw new DomainRuleException("term-dates", "The term must end on or after the day it starts.", nameof(EndDate));
        }

        if (halfTermStart.HasValue != halfTermEnd.HasValue)
        {
            throw new DomainRuleException("term-half-term", "Enter both the first and the last day of the half-term break, or neither.", nameof(HalfTermStart));
        }

        if (halfTermStart is { } hs && halfTermEnd is { } he && (hs <= startDate || he >= endDate || he < hs))
        {
            throw new DomainRuleException("term-half-term", "The half-term break must fall inside the term.", nameof(HalfTermStart));
        }

        StartDate = startDate;
        EndDate = endDate;
        HalfTermStart = halfTermStart;
        HalfTermEnd = halfTermEnd;
    }

    /// <summary>The term's one or two half-terms as (first day, last day) ranges.</summary>
    public IEnumerable<(DateOnly First, DateOnly Last)> HalfTerms()
    {
        if (HalfTermStart is { } hs && HalfTermEnd is { } he)
        {
            yield return (StartDate, hs.AddDays(-1));
            yield return (he.AddDays(1), EndDate);
        }
        else
        {
            yield return (StartDate, EndDate);
        }
    }
}

/// <summary>An INSET day or planned closure inside term time.</summary>
public sealed class ClosureDay : ISchoolOwned, ITrustStampable
{
    private ClosureDay() { }

    public ClosureDay(Guid schoolId, DateOnly date, ClosureKind kind, string description)
    {
        Id = Ids.New();
        SchoolId = schoolId;
        Date = date;
        Kind = kind;
        Description = description.Trim();
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public DateOnly Date { get; private set; }

    public ClosureKind Kind { get; private set; }

    public string Description { get; private set; } = "";

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

/// <summary>
/// A school's calendar as the rules see it: school days (possible sessions) come from terms less
/// half-term breaks, INSET/closure days, weekends and England's bank holidays; working days
/// (for deadlines such as 001's "five working days") are weekdays that are not bank holidays.
/// </summary>
public sealed class SchoolCalendar
{
    private readonly IReadOnlyList<Term> _terms;
    private readonly (DateOnly First, DateOnly Last)[] _halfTerms; // every half-term's days, worked out once: an import asks for each mark
    private readonly HashSet<DateOnly> _closures;
    private readonly HashSet<DateOnly> _bankHolidays;

    public SchoolCalendar(IEnumerable<Term> terms, IEnumerable<DateOnly> closureDays, IEnumerable<DateOnly> bankHolidays)
    {
        _terms = [.. terms.OrderBy(t => t.StartDate)];
        _halfTerms = [.. _terms.SelectMany(t => t.HalfTerms())];
        _closures = [.. closureDays];
        _bankHolidays = [.. bankHolidays];
    }

    public IReadOnlyList<Term> Terms => _terms;

    public static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    public bool IsBankHoliday(DateOnly date) => _bankHolidays.Contains(date);

    public bool IsWorkingDay(DateOnly date) => !IsWeekend(date) && !IsBankHoliday(date);

    public bool IsSchoolDay(DateOnly date) =>
        IsWorkingDay(date)
        && !_closures.Contains(date)
        && InTermTime(date);

    private bool InTermTime(DateOnly date)
    {
        foreach (var (first, last) in _halfTerms)
        {
            if (date >= first && date <= last)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>School days from <paramref name="from"/> to <paramref name="to"/>, both inclusive.</summary>
    public IEnumerable<DateOnly> SchoolDaysBetween(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (IsSchoolDay(d))
            {
                yield return d;
            }
        }
    }

    /// <summary>The last school day before <paramref name="date"/> in the school's terms; none before its first term.</summary>
    public DateOnly? SchoolDayBefore(DateOnly date)
    {
        var first = _terms.Count == 0 ? date : _terms.Min(t => t.StartDate);
        for (var d = date.AddDays(-1); d >= first; d = d.AddDays(-1))
        {
            if (IsSchoolDay(d))
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>The first school day after <paramref name="date"/> in the school's terms; none after its last term.</summary>
    public DateOnly? SchoolDayAfter(DateOnly date)
    {
        var last = _terms.Count == 0 ? date : _terms.Max(t => t.EndDate);
        for (var d = date.AddDays(1); d <= last; d = d.AddDays(1))
        {
            if (IsSchoolDay(d))
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>
    /// The date <paramref name="days"/> working days after <paramref name="from"/> (the day itself
    /// not counted). 001: "within five working days of the meeting"; domain.md worked example 3.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly from, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var d = from;
        while (days > 0)
        {
            d = d.AddDays(1);
            if (IsWorkingDay(d))
            {
                days--;
            }
        }

        return d;
    }

    /// <summary>The first school day on or after <paramref name="date"/>, or null past the calendar's end.</summary>
    public DateOnly? SchoolDayOnOrAfter(DateOnly date)
    {
        var last = _terms.Count == 0 ? date : _terms[^1].EndDate;
        for (var d = date; d <= last; d = d.AddDays(1))
        {
            if (IsSchoolDay(d))
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>
    /// When the next review at <paramref name="cadence"/> falls after <paramref name="from"/>
    /// (a start date or the previous review). Fortnightly and weekly reviews fall that many days
    /// later, moved to the next school day; half-termly and termly reviews fall on the last school
    /// day of the half-term or term containing the next day, so each period has its review.
    /// Null when the calendar holds no term that far ahead (add next year's terms).
    /// </summary>
    public DateOnly? NextReviewDate(ReviewCadence cadence, DateOnly from) => cadence switch
    {
        ReviewCadence.Weekly => SchoolDayOnOrAfter(from.AddDays(7)),
        ReviewCadence.Fortnightly => SchoolDayOnOrAfter(from.AddDays(14)),
        ReviewCadence.HalfTermly => LastSchoolDayOfPeriodAfter(_terms.SelectMany(t => t.HalfTerms()), from),
        ReviewCadence.Termly => LastSchoolDayOfPeriodAfter(_terms.Select(t => (t.StartDate, t.EndDate)), from),
        ReviewCadence.Annually => SchoolDayOnOrAfter(from.AddYears(1)),
    };

    private DateOnly? LastSchoolDayOfPeriodAfter(IEnumerable<(DateOnly First, DateOnly Last)> periods, DateOnly from)
    {
        foreach (var (first, last) in periods.OrderBy(p => p.First))
        {
            if (last <= from)
            {
                continue;
            }

            for (var d = last; d >= first && d > from; d = d.AddDays(-1))
            {
                if (IsSchoolDay(d))
                {
                    return d;
                }
            }
        }

        return null;
    }
}
