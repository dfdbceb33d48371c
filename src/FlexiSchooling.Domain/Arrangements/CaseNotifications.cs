using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Trusts;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>A notification a case still owes: to whom, how they want it, by when, and whether it holds the start.</summary>
public sealed record NotificationDue(ConsentParty Party, string What, string To, string How, DateOnly DueBy, bool Overdue, bool BeforeStart);

/// <summary>
/// The notifications a case needs, each due with its deadline until it is recorded as sent (issue 11: "Every
/// notification a case needs shows as due, with its deadline, until it is recorded as sent"). The local authority is
/// told in its own way by its own deadline (<see cref="LocalAuthority.NotifyBy"/>); anyone else a kind tells (the
/// trust, at a profile that asks) is told on the day it is agreed.
/// </summary>
public static class CaseNotifications
{
    public static IReadOnlyList<NotificationDue> Due(
        Arrangement arrangement, IEnumerable<ConsentRequirement> requirements, LocalAuthority? localAuthority, SchoolCalendar calendar, IEnumerable<ArrangementConsent> recorded, DateOnly today,
        DateOnly? directionNoticeBy = null) =>
        Due(arrangement.Stage, arrangement.DecidedOn, requirements, localAuthority, calendar, recorded, today, directionNoticeBy);

    /// <summary>As above, for a case listed by its stage and the day it was agreed.</summary>
    public static IReadOnlyList<NotificationDue> Due(
        ArrangementStage stage, DateOnly? decidedOn, IEnumerable<ConsentRequirement> requirements, LocalAuthority? localAuthority, SchoolCalendar calendar, IEnumerable<ArrangementConsent> recorded, DateOnly today,
        DateOnly? directionNoticeBy = null)
    {
        if (stage is not (ArrangementStage.Agreed or ArrangementStage.Running) || decidedOn is not { } agreedOn)
        {
            return [];
        }

        var answers = recorded.ToList();
        return
        [
            .. requirements.Where(r => r.Kind == ConsentKind.Notification && !ArrangementConsent.Satisfies(answers, r.Party)).Select(r =>
            {
                var (to, how, due, beforeStart) = r.Party == ConsentParty.LocalAuthority && localAuthority is { } la
                    ? (la.Recipient, la.Describe(), la.NotifyBy(agreedOn, calendar), la.ToldBeforeStart)
                    : directionNoticeBy is { } by && r.Party is ConsentParty.Parent or ConsentParty.LocalAuthoritySenTeam
                        ? (ConsentRequirement.PartyLabel(r.Party), "A letter of the off-site direction (004 §6.5), produced here when you record it", by, true)
                        : (ConsentRequirement.PartyLabel(r.Party), "Told when it is agreed", agreedOn, true);
                return new NotificationDue(r.Party, r.What, to, how, due, due < today, beforeStart);
            }),
        ];
    }

    /// <summary>
    /// Whether a requirement is a gate before the start: every consent and agreement is; a notification is unless the
    /// local authority takes half-termly returns (<see cref="LocalAuthority.ToldBeforeStart"/>).
    /// </summary>
    public static bool BeforeStart(ConsentRequirement requirement, LocalAuthority? localAuthority) =>
        requirement.Party != ConsentParty.LocalAuthority || requirement.Kind != ConsentKind.Notification || localAuthority?.ToldBeforeStart != false;
}
