namespace FlexiSchooling.Domain.Common;

/// <summary>An English academic year runs from 1 September to 31 August.</summary>
public readonly record struct AcademicYear(int StartYear)
{
    public DateOnly Start => new(StartYear, 9, 1);

    public DateOnly End => new(StartYear + 1, 8, 31);

    public static AcademicYear Containing(DateOnly date) => new(date.Month >= 9 ? date.Year : date.Year - 1);

    public bool Contains(DateOnly date) => date >= Start && date <= End;

    public override string ToString() => $"{StartYear}/{(StartYear + 1) % 100:00}";
}
