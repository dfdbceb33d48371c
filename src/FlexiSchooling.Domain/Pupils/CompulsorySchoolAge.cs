namespace FlexiSchooling.Domain.Pupils;

/// <summary>
/// When a child reaches compulsory school age: Education Act 1996 s8 and the Education (Start of Compulsory School
/// Age) Order 1998 — on the first prescribed day (31 December, 31 March, 31 August) on or after their fifth birthday.
/// Below it, sessions a part-time timetable leaves out are coded X, not C2 (002 §4.2(3); domain.md "Attendance").
/// </summary>
public static class CompulsorySchoolAge
{
    public static DateOnly StartsOn(DateOnly dateOfBirth)
    {
        var fifth = dateOfBirth.AddYears(5);
        DateOnly[] prescribed = [new(fifth.Year, 3, 31), new(fifth.Year, 8, 31), new(fifth.Year, 12, 31)];
        return prescribed.First(d => d >= fifth);
    }

    public static bool Reached(DateOnly dateOfBirth, DateOnly on) => on >= StartsOn(dateOfBirth);
}
