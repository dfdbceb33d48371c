using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Trusts;

/// <summary>One half-term of a school's calendar, as a return covers it.</summary>
public readonly record struct HalfTerm(DateOnly First, DateOnly Last)
{
    public bool HasEnded(DateOnly today) => Last < today;

    /// <summary>The school's half-terms of the academic year containing <paramref name="today"/> that have begun, latest first, each from its first weekday.</summary>
    public static IReadOnlyList<HalfTerm> Begun(SchoolCalendar calendar, DateOnly today)
    {
        var year = AcademicYear.Containing(today);
        return [.. calendar.Terms.SelectMany(t => t.HalfTerms()).Select(h => new HalfTerm(Weekday(h.First), h.Last)).Where(h => year.Contains(h.First) && h.First <= today).OrderByDescending(h => h.First)];

        // A half-term after a break begins on the Monday, not the Saturday after the break ends.
        static DateOnly Weekday(DateOnly day) => SchoolCalendar.IsWeekend(day) ? Weekday(day.AddDays(1)) : day;
    }
}

/// <summary>
/// A school's half-termly return to a local authority that asks for one (domain.md, "Local authorities": "half-termly
/// returns including nil returns"): the arrangements in place at the school during the half-term, or none (a nil return),
/// recorded as sent on a day to someone. Each arrangement in it whose notification was still owed is then told
/// (<see cref="CaseNotifications"/>). One per school, authority and half-term; append-only.
/// </summary>
public sealed class LocalAuthorityReturn : ISchoolOwned, ITrustStampable
{
    private LocalAuthorityReturn() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid LocalAuthorityId { get; private set; }

    public DateOnly HalfTermFirst { get; private set; }

    public DateOnly HalfTermLast { get; private set; }

    public DateOnly SentOn { get; private set; }

    public string SentTo { get; private set; } = "";

    /// <summary>How many arrangements it listed: 0 for a nil return.</summary>
    public int Arrangements { get; private set; }

    public Guid? RecordedBy { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public HalfTerm HalfTerm => new(HalfTermFirst, HalfTermLast);

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>
    /// Whether an arrangement belongs in a half-term's return: agreed by the half-term's last day, and not ended (or
    /// withdrawn, or declined) before it began. Flexi-schooling, part-time timetables and placements alike.
    /// </summary>
    public static bool Includes(HalfTerm halfTerm, ArrangementStage stage, DateOnly? decidedOn, DateOnly? endsOn) =>
        stage is ArrangementStage.Agreed or ArrangementStage.Running or ArrangementStage.Ended
        && decidedOn is { } agreed && agreed <= halfTerm.Last
        && (endsOn is null || endsOn >= halfTerm.First);

    /// <summary>
    /// Records the return as sent: only to an authority that takes returns, once the half-term has begun, not in the
    /// future, to a named recipient, once per school and half-term.
    /// </summary>
    public static LocalAuthorityReturn Record(
        Guid schoolId, LocalAuthority authority, HalfTerm halfTerm, DateOnly sentOn, string sentTo, int arrangements, bool alreadySent, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (authority.Notice != LocalAuthorityNotice.HalfTermlyReturn)
        {
            throw new DomainRuleException("la-return-route", $"{authority.Name} is told of each arrangement, not by half-termly returns.");
        }

        if (alreadySent)
        {
            throw new DomainRuleException("la-return-once", $"The return for the half-term from {halfTerm.First:d MMMM yyyy} is already recorded as sent.");
        }

        if (sentOn < halfTerm.First || sentOn > today)
        {
            throw new DomainRuleException("la-return-date", $"The date it was sent is on or after the half-term began ({halfTerm.First:d MMMM yyyy}) and not in the future.", "SentOn");
        }

        if (string.IsNullOrWhiteSpace(sentTo) || sentTo.Trim().Length > 200)
        {
            throw new DomainRuleException("la-return-to", "Say who it was sent to (at most 200 characters).", "SentTo");
        }

        return new LocalAuthorityReturn
        {
            Id = Ids.New(now),
            SchoolId = schoolId,
            LocalAuthorityId = authority.Id,
            HalfTermFirst = halfTerm.First,
            HalfTermLast = halfTerm.Last,
            SentOn = sentOn,
            SentTo = sentTo.Trim(),
            Arrangements = arrangements,
            RecordedBy = userId,
            RecordedAt = now,
        };
    }

    /// <summary>
    /// The day the return told the authority of an arrangement it lists: the day it was sent — but never before the
    /// arrangement was agreed, as no notification is (<c>notify-agreed-case</c>), for a return sent early in the
    /// half-term that lists a case agreed after it.
    /// </summary>
    public DateOnly ToldOn(DateOnly decidedOn) => SentOn < decidedOn ? decidedOn : SentOn;
}
