using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>
/// Which of the week's ten sessions (Monday to Friday, morning and afternoon) a pupil is in school under an
/// arrangement — whole AM/PM blocks, as the policies agree them (000 §4, 004 §10.5). The rest are the
/// sessions the arrangement covers (home for flexi-schooling, off site for AP, not timetabled for a
/// part-time timetable). Shared by all three arrangements.
/// </summary>
public readonly record struct SessionPattern(int Bits)
{
    public static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public static SessionPattern FullTime { get; } = new(0b11_1111_1111);

    public static SessionPattern Of(IEnumerable<(DayOfWeek Day, Session Session)> inSchool) =>
        new(inSchool.Aggregate(0, (bits, s) => bits | Bit(s.Day, s.Session)));

    public bool InSchool(DayOfWeek day, Session session) => day is >= DayOfWeek.Monday and <= DayOfWeek.Friday && (Bits & Bit(day, session)) != 0;

    public int SchoolSessions => System.Numerics.BitOperations.PopCount((uint)(Bits & FullTime.Bits));

    public int OtherSessions => 10 - SchoolSessions;

    /// <summary>A flexi pattern keeps the child in school some of the week and at home some of it: neither all nor none.</summary>
    public void CheckFlexi()
    {
        if (SchoolSessions == 0)
        {
            throw new DomainRuleException("flexi-pattern-some-school", "Choose at least one session in school: with none, this is elective home education, not flexi-schooling.", "InSchool");
        }

        if (OtherSessions == 0)
        {
            throw new DomainRuleException("flexi-pattern-some-home", "Leave at least one session at home: with every session in school there is nothing to agree.", "InSchool");
        }
    }

    /// <summary>Plain words for letters and pages, e.g. "Monday to Wednesday all day; Thursday morning".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        foreach (var day in Weekdays)
        {
            var am = InSchool(day, Session.AM);
            var pm = InSchool(day, Session.PM);
            if (am || pm)
            {
                parts.Add($"{day}{(am && pm ? " all day" : am ? " morning" : " afternoon")}");
            }
        }

        return parts.Count == 0 ? "no sessions" : string.Join("; ", parts);
    }

    private static int Bit(DayOfWeek day, Session session) => 1 << ((((int)day - 1) * 2) + (session == Session.AM ? 0 : 1));

    /// <summary>
    /// The sessions the arrangement covers (those not in school) as expected marks with the profile's code,
    /// not expected in school: one per distinct morning/afternoon/all-day combination, for the weekdays it
    /// applies to. This is how the register comes pre-filled (issue 3's mechanism).
    /// </summary>
    public IReadOnlyList<ExpectedMark> CoveredSessionsAsExpectedMarks(Guid schoolId, Guid pupilId, DateOnly from, DateOnly to, string code, string source, string? note = null)
    {
        var pattern = this;
        note ??= $"In school: {pattern.Describe()}";
        var byDay = Weekdays.Select(d => (Day: d, Sessions: (pattern.InSchool(d, Session.AM) ? Sessions.None : Sessions.AM) | (pattern.InSchool(d, Session.PM) ? Sessions.None : Sessions.PM)))
            .Where(x => x.Sessions != Sessions.None);
        return [.. byDay.GroupBy(x => x.Sessions).Select(g => new ExpectedMark(schoolId, pupilId, from, to, g.Key, g.Select(x => x.Day).ToHashSet(), code, expectedInSchool: false, source, note))];
    }
}
