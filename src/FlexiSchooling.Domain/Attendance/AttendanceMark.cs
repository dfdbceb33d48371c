using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Attendance;

/// <summary>
/// One mark: one pupil, one session of one school day. It keeps the category its code had when it
/// was recorded, so a later change to the DfE code set never rewrites history. Every change is
/// a <see cref="MarkChange"/>; after the day the mark is locked and a change needs a reason
/// (School Attendance (Pupil Registration) (England) Regulations 2024: every entry kept, with who
/// changed it and why).
/// </summary>
public sealed class AttendanceMark : ISchoolOwned, ITrustStampable
{
    private AttendanceMark() { }

    private AttendanceMark(Guid schoolId, Guid pupilId, DateOnly date, Session session)
    {
        Id = Ids.New();
        SchoolId = schoolId;
        PupilId = pupilId;
        Date = date;
        Session = session;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public DateOnly Date { get; private set; }

    public Session Session { get; private set; }

    public string Code { get; private set; } = "";

    public AttendanceCategory Category { get; private set; }

    public int? MinutesLate { get; private set; }

    public string? Comment { get; private set; }

    /// <summary>The school's own reason behind the code, if it keeps one (<see cref="AttendanceSubReasons"/>).</summary>
    public string? SubReason { get; private set; }

    /// <summary>False where an arrangement or approved leave says the pupil was not expected in school (e.g. flexi home sessions).</summary>
    public bool ExpectedInSchool { get; private set; } = true;

    /// <summary>What the mark counts as in its pupil's figures (<see cref="AttendanceFigures.From"/>): read before a change to move them by it (<see cref="SummaryMove.Changed"/>).</summary>
    public (AttendanceCategory Category, bool ExpectedInSchool) Counted => (Category, ExpectedInSchool);

    public Guid? ExpectedMarkId { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public Guid? RecordedBy { get; private set; }

    /// <summary>
    /// Set on a mark an import created (ADR 0017): its first history entry is kept on the mark itself — the import
    /// batch keeps the file, who imported it and when — and is written out as a history row, with this reason, by
    /// the mark's first change. Null once written out, and for marks recorded any other way.
    /// </summary>
    public string? FirstEntryReason { get; private set; }

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>A mark after the day it is for is locked: changing it needs a reason.</summary>
    public static bool IsLocked(DateOnly markDate, DateOnly today) => markDate < today;

    /// <summary>Records the first mark for a pupil's session.</summary>
    public static (AttendanceMark Mark, MarkChange Change) Record(
        Guid schoolId, Guid pupilId, DateOnly date, Session session, MarkEntry entry, RegisterSettings registers,
        DateOnly today, Guid? userId, DateTimeOffset now, string? reason)
    {
        var mark = new AttendanceMark(schoolId, pupilId, date, session);
        var change = mark.Apply(entry, registers, today, userId, now, reason, first: true);
        return (mark, change!);
    }

    /// <summary>
    /// Records the first mark for a pupil's session from an import, checked as <see cref="Record"/> checks it. Its
    /// first history entry stays on the mark (<see cref="FirstEntryReason"/>) instead of a history row per imported
    /// mark: nothing is lost, since until the mark changes its own fields are that entry (<see cref="FirstEntry"/>).
    /// </summary>
    public static AttendanceMark Import(
        Guid schoolId, Guid pupilId, DateOnly date, Session session, MarkEntry entry, RegisterSettings registers,
        DateOnly today, Guid? userId, DateTimeOffset now, string reason)
    {
        var mark = new AttendanceMark(schoolId, pupilId, date, session);
        mark.Apply(entry, registers, today, userId, now, reason, first: true, history: false);
        mark.FirstEntryReason = reason.Trim();
        return mark;
    }

    /// <summary>The first history entry while it is kept on the mark (an imported mark not yet changed); otherwise null.</summary>
    public MarkChange? FirstEntry => FirstEntryReason is { } reason
        ? new MarkChange(this, null, Code, null, MinutesLate, SubReason, reason, RecordedBy, RecordedAt)
        : null;

    /// <summary>
    /// Changes the mark; returns its history rows: none when nothing changed, otherwise the change — preceded, for an
    /// imported mark's first change, by its first entry written out as it was recorded.
    /// </summary>
    public IReadOnlyList<MarkChange> Change(MarkEntry entry, RegisterSettings registers, DateOnly today, Guid? userId, DateTimeOffset now, string? reason)
    {
        var firstEntry = FirstEntry;
        if (Apply(entry, registers, today, userId, now, reason, first: false) is not { } change)
        {
            return [];
        }

        FirstEntryReason = null;
        return firstEntry is null ? [change] : [firstEntry, change];
    }

    private MarkChange? Apply(MarkEntry entry, RegisterSettings registers, DateOnly today, Guid? userId, DateTimeOffset now, string? reason, bool first, bool history = true)
    {
        var set = AttendanceCodeSet.For(Date);
        var code = AttendanceCodeSet.Normalise(entry.Code);
        if (code == AttendanceCodeSet.PresentAm && Session == Session.PM)
        {
            code = AttendanceCodeSet.PresentPm; // "/" typed in the afternoon means present
        }

        if (!set.TryGet(code, out var found))
        {
            throw new DomainRuleException("attendance-code-known", $"'{entry.Code}' is not a register code. Use a DfE code such as / L N I M C.", nameof(MarkEntry.Code));
        }

        RegisterRules.CheckLateness(found.Code, entry.MinutesLate, registers);
        var minutes = found.Code is AttendanceCodeSet.Late or AttendanceCodeSet.LateAfterClose ? entry.MinutesLate : null;
        var comment = string.IsNullOrWhiteSpace(entry.Comment) ? null : entry.Comment.Trim();
        var subReason = string.IsNullOrWhiteSpace(entry.SubReason) ? null : entry.SubReason.Trim();
        if (!first && found.Code == Code && minutes == MinutesLate && comment == Comment && subReason == SubReason && entry.ExpectedInSchool == ExpectedInSchool)
        {
            return null;
        }

        if (!first && IsLocked(Date, today) && string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("locked-mark-needs-reason", "This register is locked: give a reason for changing the mark.", nameof(MarkEntry.Reason));
        }

        if (!first && RegisterRules.ChangeNeedsReason(Code, found.Code) && string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("changed-mark-needs-reason", $"This mark was saved as {Code}: give a reason for changing it to {found.Code}.", nameof(MarkEntry.Reason));
        }

        var change = history ? new MarkChange(this, first ? null : Code, found.Code, first ? null : MinutesLate, minutes, subReason, reason?.Trim(), userId, now) : null;
        Code = found.Code;
        Category = found.Category;
        MinutesLate = minutes;
        Comment = comment;
        SubReason = subReason;
        ExpectedInSchool = entry.ExpectedInSchool;
        ExpectedMarkId = entry.ExpectedMarkId;
        RecordedAt = now;
        RecordedBy = userId;
        return change;
    }
}

/// <summary>What a person (or an expected mark) puts in a register row.</summary>
public sealed record MarkEntry(string Code, int? MinutesLate, string? Comment, bool ExpectedInSchool = true, Guid? ExpectedMarkId = null, string? Reason = null, string? SubReason = null);

/// <summary>One entry in a mark's history: who, when, old, new, why. Never updated or deleted.</summary>
public sealed class MarkChange : ISchoolOwned, ITrustStampable
{
    private MarkChange() { }

    internal MarkChange(AttendanceMark mark, string? oldCode, string newCode, int? oldMinutes, int? newMinutes, string? subReason, string? reason, Guid? changedBy, DateTimeOffset changedAt)
    {
        Id = Ids.New(changedAt);
        MarkId = mark.Id;
        SchoolId = mark.SchoolId;
        PupilId = mark.PupilId;
        Date = mark.Date;
        Session = mark.Session;
        OldCode = oldCode;
        NewCode = newCode;
        OldMinutesLate = oldMinutes;
        NewMinutesLate = newMinutes;
        SubReason = subReason;
        Reason = reason;
        ChangedBy = changedBy;
        ChangedAt = changedAt;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid MarkId { get; private set; }

    public Guid PupilId { get; private set; }

    public DateOnly Date { get; private set; }

    public Session Session { get; private set; }

    public string? OldCode { get; private set; }

    public string NewCode { get; private set; } = "";

    public int? OldMinutesLate { get; private set; }

    public int? NewMinutesLate { get; private set; }

    /// <summary>The school's reason behind the new code, as recorded with it.</summary>
    public string? SubReason { get; private set; }

    public string? Reason { get; private set; }

    public Guid? ChangedBy { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

public static class RegisterRules
{
    /// <summary>
    /// Changing a saved mark to another code needs its reason, even on the day (issue 13: "a change to a saved mark asks its
    /// reason"; Regulations 2024: every entry and change kept, with who, when and why) — except replacing N, which is "no
    /// reason yet provided" and exists to be replaced once the reason is known (DfE Working together 2024).
    /// </summary>
    public static bool ChangeNeedsReason(string savedCode, string newCode) =>
        savedCode != newCode && savedCode != AttendanceCodeSet.NoReasonYet;

    /// <summary>
    /// L is a late arrival before the register closed; U after it closed (it counts as an
    /// unauthorised absence for the whole session). Minutes late are counted from the register
    /// opening; the register stays open for the profile's minutes (at most 30, by regulation).
    /// </summary>
    public static void CheckLateness(string code, int? minutesLate, RegisterSettings registers)
    {
        if (code is not (AttendanceCodeSet.Late or AttendanceCodeSet.LateAfterClose))
        {
            return;
        }

        if (minutesLate is not > 0)
        {
            throw new DomainRuleException("late-needs-minutes", "Enter how many minutes late the pupil arrived.", nameof(MarkEntry.MinutesLate));
        }

        if (code == AttendanceCodeSet.Late && minutesLate > registers.OpenMinutes)
        {
            throw new DomainRuleException("late-before-close", $"The register closes {registers.OpenMinutes} minutes after it opens: a pupil arriving {minutesLate} minutes late is U, not L.", nameof(MarkEntry.Code));
        }

        if (code == AttendanceCodeSet.LateAfterClose && minutesLate <= registers.OpenMinutes)
        {
            throw new DomainRuleException("late-after-close", $"The register was still open {minutesLate} minutes after it opened: the pupil is L, not U.", nameof(MarkEntry.Code));
        }
    }

    /// <summary>
    /// The session in progress at a time of the school's day: the afternoon from when its afternoon register opens (the
    /// profile's <see cref="Policy.RegisterSettings.PmOpens"/>), the morning before that, lunchtime included. Registers are
    /// taken "once at the start of the morning session and once during the afternoon session" (003 §3, "Procedures"), and
    /// schools' afternoons start at different times, so noon is nobody's rule: until the afternoon register opens, the
    /// morning's is the one being taken and chased, and the afternoon's cannot have been taken yet.
    /// </summary>
    public static Session SessionAt(TimeOnly time, Policy.RegisterSettings registers) =>
        time >= registers.PmOpens ? Session.PM : Session.AM;

    /// <summary>
    /// The earlier sessions whose registers should be complete by now, oldest first: both of the school day before today's,
    /// and this morning's once it is the afternoon of a school day. Every pupil on roll has an entry in every session's
    /// register (003 §3, "Procedures": "An entry must be made on the attendance register for all students who are on the
    /// school's admission roll"; Regulations 2024), and the registers are up to date by the end of every day (003 §7, Year
    /// and Pastoral Leaders), so a register still incomplete is overdue from the next session on. Older days are left to
    /// the registers page, day by day: the list chases the school day just gone, as an officer does each morning.
    /// </summary>
    public static IReadOnlyList<(DateOnly Date, Session Session)> EarlierSessionsToComplete(Calendar.SchoolCalendar calendar, DateOnly today, Session now)
    {
        var sessions = new List<(DateOnly, Session)>();
        if (calendar.SchoolDayBefore(today) is { } before)
        {
            sessions.Add((before, Session.AM));
            sessions.Add((before, Session.PM));
        }

        if (now == Session.PM && calendar.IsSchoolDay(today))
        {
            sessions.Add((today, Session.AM));
        }

        return sessions;
    }
}

public static class SessionRules
{
    /// <summary>A register is taken on or after its day, never ahead of it (expected marks say what is planned).</summary>
    public static void CheckNotFuture(DateOnly date, DateOnly today)
    {
        if (date > today)
        {
            throw new DomainRuleException("register-not-in-future", "You cannot take a register for a day that has not happened yet.");
        }
    }

    /// <summary>Marks are for school days (possible sessions are school days only) and pupils on roll.</summary>
    public static void CheckMarkable(Calendar.SchoolCalendar calendar, Pupils.Pupil pupil, DateOnly date)
    {
        if (!calendar.IsSchoolDay(date))
        {
            throw new DomainRuleException("register-school-days-only", $"{date:d MMMM yyyy} is not a school day: there is no register.");
        }

        if (!pupil.IsOnRoll(date))
        {
            throw new DomainRuleException("register-on-roll-only", $"{pupil.DisplayName} was not on roll on {date:d MMMM yyyy}.");
        }
    }
}
