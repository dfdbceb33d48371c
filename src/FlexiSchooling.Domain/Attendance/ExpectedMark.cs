using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Attendance;

[Flags]
public enum Sessions
{
    None = 0,
    AM = 1,
    PM = 2,
    Both = AM | PM,
}

/// <summary>
/// The mechanism by which something the school has agreed declares "this pupil, these sessions,
/// this code": an approved leave of absence now; part-time timetables (C2), flexi-schooling home
/// sessions (C) and AP placements (B) later. The register pre-fills these marks; whether the pupil
/// was expected in school decides the arrangement-adjusted attendance figure.
/// </summary>
public sealed class ExpectedMark : ISchoolOwned, ITrustStampable
{
    private ExpectedMark() { }

    public ExpectedMark(Guid schoolId, Guid pupilId, DateOnly from, DateOnly to, Sessions sessions, IReadOnlySet<DayOfWeek>? weekdays, string code, bool expectedInSchool, string source, string? note)
    {
        if (to < from)
        {
            throw new DomainRuleException("expected-mark-dates", "The last day must be on or after the first day.", "To");
        }

        if (sessions == Sessions.None)
        {
            throw new DomainRuleException("expected-mark-sessions", "Choose the morning, the afternoon or both.", nameof(Sessions));
        }

        var set = AttendanceCodeSet.For(from);
        if (!set.TryGet(code, out var found))
        {
            throw new DomainRuleException("attendance-code-known", $"'{code}' is not a register code.", nameof(Code));
        }

        Id = Ids.New();
        SchoolId = schoolId;
        PupilId = pupilId;
        From = from;
        To = to;
        Sessions = sessions;
        Weekdays = weekdays is null ? 0 : weekdays.Aggregate(0, (bits, d) => bits | (1 << (int)d));
        Code = found.Code;
        ExpectedInSchool = expectedInSchool;
        Source = source;
        Note = note?.Trim();
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public DateOnly From { get; private set; }

    public DateOnly To { get; private set; }

    public Sessions Sessions { get; private set; }

    /// <summary>Bit per DayOfWeek; 0 means every day in the range.</summary>
    public int Weekdays { get; private set; }

    public string Code { get; private set; } = "";

    public bool ExpectedInSchool { get; private set; }

    /// <summary>What declared it, e.g. "Leave of absence".</summary>
    public string Source { get; private set; } = "";

    public string? Note { get; private set; }

    public DateTimeOffset? WithdrawnAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public bool Covers(DateOnly date, Session session) =>
        WithdrawnAt is null && date >= From && date <= To
        && Sessions.HasFlag(session == Session.AM ? Sessions.AM : Sessions.PM)
        && (Weekdays == 0 || (Weekdays & (1 << (int)date.DayOfWeek)) != 0);

    /// <summary>
    /// How a mark stands against what was declared for its session: the pupil is not expected in school only
    /// while the mark is the code the arrangement or leave declared (a flexi pupil who comes in on a home day
    /// is marked present, and that session is then counted as expected). Used by every path that records marks.
    /// </summary>
    public static (bool ExpectedInSchool, Guid? ExpectedMarkId) Against(ExpectedMark? expected, string code)
    {
        var follows = expected is not null && string.Equals(AttendanceCodeSet.Normalise(code), expected.Code, StringComparison.Ordinal);
        return follows ? (expected!.ExpectedInSchool, expected.Id) : (true, null);
    }

    public void Withdraw(DateTimeOffset at) => WithdrawnAt = at;

    /// <summary>Runs the expected marks on to a later last day (an arrangement extended: a part-time timetable's last phase).</summary>
    public void ExtendTo(DateOnly lastDay)
    {
        if (WithdrawnAt is not null || lastDay < To)
        {
            throw new DomainRuleException("expected-mark-extend", "Only expected marks in force run on, to a later day.");
        }

        To = lastDay;
    }

    /// <summary>Ends the expected marks after <paramref name="lastDay"/> (an arrangement that ends): none are placed after it.</summary>
    public void EndAfter(DateOnly lastDay, DateTimeOffset at)
    {
        if (lastDay < From)
        {
            Withdraw(at);
        }
        else if (lastDay < To)
        {
            To = lastDay;
        }
    }
}
