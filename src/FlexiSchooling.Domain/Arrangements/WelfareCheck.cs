using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>How a welfare check was made (004 §9.6: "via telephone calls, online meetings and/or home visits").</summary>
public enum WelfareCheckMethod
{
    Phone,
    OnlineMeeting,
    HomeVisit,
}

/// <summary>
/// A safety and welfare check on a pupil on a day their arrangement gives them no time in school (004 §9.6; 004 §9.7:
/// "records of … any additional safety and welfare checks carried out"): the day, how, what was found, who. One per day;
/// never changed (a correction is a note on a new day's check or the case history).
/// </summary>
public sealed class WelfareCheck : ISchoolOwned, ITrustStampable
{
    private WelfareCheck() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    public Guid PupilId { get; private set; }

    public DateOnly Date { get; private set; }

    public WelfareCheckMethod Method { get; private set; }

    public string Outcome { get; private set; } = "";

    public Guid? RecordedBy { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public static string MethodLabel(WelfareCheckMethod method) => method switch
    {
        WelfareCheckMethod.Phone => "Telephone call",
        WelfareCheckMethod.OnlineMeeting => "Online meeting",
        WelfareCheckMethod.HomeVisit => "Home visit",
    };

    /// <summary>
    /// Records the check for a day it was due (<paramref name="due"/>, from the kind's rules), not in the future, once a day,
    /// with what was found.
    /// </summary>
    public static (WelfareCheck Check, ArrangementEvent Event) Record(Arrangement arrangement, bool due, bool alreadyRecorded, DateOnly date, WelfareCheckMethod method, string outcome, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (date > today)
        {
            throw new DomainRuleException("welfare-check-not-future", "Record a welfare check once it has been made.", "Date");
        }

        if (!due)
        {
            throw new DomainRuleException("welfare-check-due-day", $"No welfare check is due on {date:dddd d MMMM yyyy}: the pupil has time in school that day, or the arrangement was not running.", "Date");
        }

        if (alreadyRecorded)
        {
            throw new DomainRuleException("welfare-check-once-a-day", $"A welfare check is already recorded for {date:d MMMM yyyy}.", "Date");
        }

        if (string.IsNullOrWhiteSpace(outcome) || outcome.Trim().Length > 2000)
        {
            throw new DomainRuleException("welfare-check-outcome", "Record what the check found (at most 2,000 characters): who you spoke to or saw, and how the pupil is.", "Outcome");
        }

        var check = new WelfareCheck
        {
            Id = Ids.New(now),
            TrustId = arrangement.TrustId,
            SchoolId = arrangement.SchoolId,
            ArrangementId = arrangement.Id,
            PupilId = arrangement.PupilId,
            Date = date,
            Method = method,
            Outcome = outcome.Trim(),
            RecordedBy = userId,
            RecordedAt = now,
        };
        return (check, arrangement.Event("Welfare check recorded", $"{MethodLabel(method)} on {date:d MMMM yyyy}.", userId, now));
    }
}
