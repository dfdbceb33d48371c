using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.RiskAssessments;
using FlexiSchooling.Domain.Security;

namespace FlexiSchooling.Domain.PartTime;

/// <summary>A reason a part-time timetable may be used, with the policy passage behind it.</summary>
public sealed record PartTimeReason(string Key, string Text, string Source);

/// <summary>
/// The rules of a part-time (reduced) timetable, one place each, reading the school's values from its policy profile
/// (<see cref="PartTimeSettings"/>, <see cref="FullTimeHours"/>). Sources: 002 §4 (Our Lady of Lourdes), 003 Reduced
/// Timetable Protocol and its appendix 1 (Hinckley), 004 §9 (EMET); domain.md "Part-time / reduced timetable".
/// </summary>
public static class PartTimeRules
{
    /// <summary>The reason that may never stand alone (002 §4: "should not be used to manage a pupil's behaviour"; 004 §9.4).</summary>
    public const string Behaviour = "behaviour";

    /// <summary>The recorded reasons a school chooses from (003 "When might a reduced educational provision be considered?"; 002 §4; 004 §9.3).</summary>
    public static IReadOnlyList<PartTimeReason> Reasons { get; } =
    [
        new("medical", "A medical condition prevents the pupil attending full time", "002 §4; 003; 004 §9.3"),
        new("reintegration", "Planned reintegration after an extended absence (suspension, non-attendance, school anxiety)", "003 (1); 002 §4"),
        new("managed-move", "To support a managed move between schools", "003 (1)"),
        new("emotional-social-send", "Emotional, social or special educational needs, while other support is arranged", "003 (2); 004 §9.4"),
        new("therapeutic", "To fit with a therapeutic intervention or another service", "003 (2)"),
        new(Behaviour, "Dysregulated behaviour as an indicator the pupil is struggling with a full-time timetable", "004 §9.4; never alone: 002 §4"),
    ];

    /// <summary>Where the sessions a part-time timetable leaves out come from in the register: ending or extending finds them by this.</summary>
    public const string SessionsSource = "Part-time timetable";

    /// <summary>
    /// A plan must meet these before it is proposed or redrafted: reasons from the list and never behaviour alone (002 §4;
    /// 004 §9.4); part of a wider support plan with a reintegration plan and who is responsible for the pupil's welfare
    /// out of school (003; 004 §9.6); a specified end date after the start and within the profile's maximum (003: at
    /// most twelve weeks; worked example 2); dated phases from the start that never reduce time in school and never
    /// exceed full time for the pupil's key stage (003's full-time hours).
    /// </summary>
    public static void CheckPlan(PartTimeProposal plan, int yearGroup, PartTimeSettings settings, FullTimeHours fullTime)
    {
        if (plan.Reasons.Count == 0 || plan.Reasons.Any(r => Reasons.All(x => x.Key != r)))
        {
            throw new DomainRuleException("part-time-reason-from-list", "Choose at least one reason from the list.", "Reasons");
        }

        if (plan.Reasons.All(r => r == Behaviour))
        {
            throw new DomainRuleException("part-time-never-to-manage-behaviour", "A part-time timetable is never used to manage behaviour (002 §4; 004 §9.4). Record the need behind it, or use the school's behaviour policy.", "Reasons");
        }

        Required(plan.SupportPlan, "SupportPlan", "Describe the wider support plan this timetable is part of.");
        Required(plan.Reintegration, "Reintegration", "Describe how the pupil returns to full time.");
        Required(plan.WelfareResponsibility, "WelfareResponsibility", "Say who is responsible for the pupil's welfare during the sessions out of school.");

        if (plan.EndDate <= plan.StartDate)
        {
            throw new DomainRuleException("part-time-end-after-start", "The end date must be after the start date.", "EndDate");
        }

        if (LatestEndDate(plan.StartDate, settings) is { } latest && plan.EndDate > latest)
        {
            throw new DomainRuleException("part-time-at-most-max-weeks", $"A part-time timetable here lasts at most {settings.MaxWeeks} weeks: from {plan.StartDate:d MMMM yyyy} the latest end date is {latest:d MMMM yyyy}. A longer one is an extension, agreed at a review for an exceptional reason.", "EndDate");
        }

        if (plan.Phases.Count == 0)
        {
            throw new DomainRuleException("part-time-phases", "Add the first phase: the sessions in school from the start.", "Phases[0].From");
        }

        var phases = plan.Phases.OrderBy(p => p.From).ToList();
        if (phases[0].From != plan.StartDate)
        {
            throw new DomainRuleException("part-time-first-phase-at-start", $"The first phase starts on the start date, {plan.StartDate:d MMMM yyyy}.", "Phases[0].From");
        }

        var full = fullTime.For(yearGroup);
        for (var i = 0; i < phases.Count; i++)
        {
            var phase = phases[i];
            var at = plan.Phases.ToList().IndexOf(phase);
            if (phase.From > plan.EndDate || (i > 0 && phase.From == phases[i - 1].From))
            {
                throw new DomainRuleException("part-time-phase-dates", "Each phase starts on its own date, on or before the end date.", $"Phases[{at}].From");
            }

            if (phase.HoursInSchool <= 0 || phase.Pattern.SchoolSessions == 0)
            {
                throw new DomainRuleException("part-time-some-time-in-school", "Each phase has some time in school: choose its sessions and enter its hours.", $"Phases[{at}].HoursInSchool");
            }

            if (full is { } f && phase.HoursInSchool > f)
            {
                throw new DomainRuleException("part-time-not-above-full-time", $"{phase.HoursInSchool:0.##} hours a week is above full time for {YearGroups.Label(yearGroup)} ({f:0.##} hours).", $"Phases[{at}].HoursInSchool");
            }

            if (phase.Pattern.SchoolSessions == 10 && (full is null || phase.HoursInSchool >= full))
            {
                throw new DomainRuleException("part-time-phase-reduced", "This phase is full time: end the timetable the day before it instead.", $"Phases[{at}].HoursInSchool");
            }

            if (i > 0 && (phase.HoursInSchool < phases[i - 1].HoursInSchool || phase.Pattern.SchoolSessions < phases[i - 1].Pattern.SchoolSessions))
            {
                throw new DomainRuleException("part-time-time-in-school-increases", "Time in school increases from phase to phase, never less (003: \"increases steadily and incrementally\").", $"Phases[{at}].HoursInSchool");
            }
        }
    }

    /// <summary>003 Reduced Timetable Protocol: at most the profile's weeks (Hinckley twelve) from the start; null where the policy sets no maximum. Worked example 2.</summary>
    public static DateOnly? LatestEndDate(DateOnly start, PartTimeSettings settings) =>
        settings.MaxWeeks is { } weeks ? start.AddDays((7 * weeks) - 1) : null;

    /// <summary>Hours in school as a share of full time for the pupil's key stage (003's hours: 21 / 23.5 / 24 / 24 / 25); null where the profile gives none.</summary>
    public static decimal? PercentOfFullTime(decimal hours, int yearGroup, FullTimeHours fullTime) =>
        fullTime.For(yearGroup) is { } full and > 0 ? Math.Round(100m * hours / full, 1) : null;

    /// <summary>Who approves, in words: the headteacher (002 §4.4; 003) or the alternative provision leader (004 §9.5).</summary>
    public static string ApproverLabel(PartTimeSettings settings) => settings.Approver switch
    {
        PartTimeApprover.Headteacher => RolePermissions.Label(StaffRole.Headteacher),
        PartTimeApprover.AlternativeProvisionLeader => RolePermissions.Label(StaffRole.AlternativeProvisionLeader),
    };

    /// <summary>Whether someone with these roles at the school is the profile's approver (004 §9.5: the AP leader; the head alone is not).</summary>
    public static bool MayApprove(IEnumerable<StaffRole> rolesAtSchool, PartTimeSettings settings) => rolesAtSchool.Contains(settings.Approver switch
    {
        PartTimeApprover.Headteacher => StaffRole.Headteacher,
        PartTimeApprover.AlternativeProvisionLeader => StaffRole.AlternativeProvisionLeader,
    });

    /// <summary>
    /// The approver decides a proposed plan (002 §4.4 and 003: the head; 004 §9.5: "all part-time timetables must be
    /// approved by the Alternative Provision Leader"). A plan not approved gives its reason.
    /// </summary>
    public static void CheckApproval(Arrangement arrangement, bool mayApprove, PartTimeSettings settings, DecisionOutcome outcome, string? reason, DateOnly decidedOn, DateOnly today)
    {
        if (arrangement.Kind != ArrangementKind.PartTimeTimetable || arrangement.Stage != ArrangementStage.Proposed)
        {
            throw new DomainRuleException("part-time-approve-proposed", "Only a proposed part-time timetable is approved.");
        }

        if (!mayApprove)
        {
            throw new DomainRuleException("part-time-approved-by-profile-approver", $"At this school part-time timetables are approved by the {ApproverLabel(settings).ToLowerInvariant()}{(settings.Approver == PartTimeApprover.AlternativeProvisionLeader ? " (004 §9.5)" : " (003)")}.");
        }

        if (decidedOn < arrangement.RequestedOn || decidedOn > today)
        {
            throw new DomainRuleException("part-time-approval-date", $"The date is on or after the proposal ({arrangement.RequestedOn:d MMMM yyyy}) and not in the future.", "DecidedOn");
        }

        if (outcome == DecisionOutcome.Declined && string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("part-time-decline-reason", "Give the reason the plan is not approved.", "Reason");
        }
    }

    /// <summary>
    /// Whom a part-time timetable asks or tells before it starts: written parental consent (002 §4.2(1); 003 appendix 1;
    /// 004 §9.6); the local authority told immediately (002 §4.2(1); 003 "Monitoring and reviewing"); for a pupil with
    /// an EHCP the LA SEN team's agreement (003 (3); 002 §4.2(6)); for a looked-after pupil the virtual school head's
    /// agreement (003 (4); 004 §9.6); a social worker informed where the pupil has one (002 §4.2(2); 004 §9.6).
    /// </summary>
    public static IReadOnlyList<ConsentRequirement> Consents(PupilFlags flags)
    {
        List<ConsentRequirement> needed =
        [
            new(ConsentParty.Parent, ConsentKind.Consent, "The parent's written consent", "002 §4.2(1); 003 appendix 1; 004 §9.6", "Headteacher or designated safeguarding lead, with the parent"),
            new(ConsentParty.LocalAuthority, ConsentKind.Notification, "The local authority told", "002 §4.2(1); 003 (notify immediately)", "Headteacher or designated safeguarding lead"),
        ];
        if (flags.Ehcp)
        {
            needed.Add(new(ConsentParty.LocalAuthoritySenTeam, ConsentKind.Agreement, "The local authority SEN team's agreement (EHC plan)", "003 (3); 002 §4.2(6)", "SENCO or headteacher"));
        }

        if (flags.LookedAfter)
        {
            needed.Add(new(ConsentParty.VirtualSchoolHead, ConsentKind.Agreement, "The virtual school head's agreement (looked after)", "003 (4); 004 §9.6", "Designated teacher or headteacher"));
        }

        if (flags.HasSocialWorker)
        {
            needed.Add(new(ConsentParty.SocialWorker, ConsentKind.Notification, "The pupil's social worker informed", "002 §4.2(2); 004 §9.6", "Designated safeguarding lead"));
        }

        return needed;
    }

    /// <summary>
    /// What must be true before a part-time timetable starts, each with who acts: every consent and notification of
    /// <see cref="Consents"/> (the local authority's, unless it takes half-termly returns: <see cref="CaseNotifications.BeforeStart"/>),
    /// and the risk assessment approved before the start (002 appendix 7; 003 appendix 4 with its
    /// mandatory factors; domain.md "risk assessment done before it starts").
    /// </summary>
    public static IReadOnlyList<Gate> StartGates(IEnumerable<ArrangementConsent> recorded, RiskAssessment? latestRiskAssessment, PupilFlags flags, Trusts.LocalAuthority? localAuthority = null) =>
        StartGates(recorded, latestRiskAssessment is { Status: RiskAssessmentStatus.Approved }, flags, localAuthority);

    /// <summary>As above, where only whether the risk assessment is approved is known (a list of cases).</summary>
    public static IReadOnlyList<Gate> StartGates(IEnumerable<ArrangementConsent> recorded, bool riskAssessmentApproved, PupilFlags flags, Trusts.LocalAuthority? localAuthority)
    {
        var consents = recorded.ToList();
        return
        [
            .. Consents(flags).Where(c => CaseNotifications.BeforeStart(c, localAuthority)).Select(c => c.AsGate(consents)),
            new("The risk assessment approved", "Designated safeguarding lead; approved by a headteacher or DSL", riskAssessmentApproved),
        ];
    }

    /// <summary>The code for a session the timetable leaves out: C2, or X below compulsory school age (002 §4.2(3); 003 appendix 1 item 5).</summary>
    public static string NotAttendedCode(DateOnly dateOfBirth, DateOnly on, PartTimeSettings settings) =>
        CompulsorySchoolAge.Reached(dateOfBirth, on) ? settings.NotAttendedCode : settings.BelowCompulsoryAgeCode;

    /// <summary>Weekdays with no session in school in a phase: 004 §9.6 asks for extra safety and welfare checks on those days.</summary>
    public static IReadOnlyList<DayOfWeek> DaysWithoutOnSiteProvision(PartTimePhase phase) =>
        [.. SessionPattern.Weekdays.Where(d => !phase.Pattern.InSchool(d, Session.AM) && !phase.Pattern.InSchool(d, Session.PM))];

    /// <summary>
    /// 004 §9.6: where the profile asks for them, a safety and welfare check is due on each school day the running
    /// timetable gives the pupil no time in school (from its start to its last day).
    /// </summary>
    public static bool WelfareCheckDue(Arrangement arrangement, PartTimePlan plan, SchoolCalendar calendar, PartTimeSettings settings, DateOnly date) =>
        settings.WelfareChecksOnDaysWithoutOnSiteProvision
        && arrangement.StartedOn is { } started && date >= started && date <= (arrangement.EndsOn ?? plan.EndDate)
        && calendar.IsSchoolDay(date)
        && plan.PhaseOn(date) is { } phase && DaysWithoutOnSiteProvision(phase).Contains(date.DayOfWeek);

    /// <summary>The days in a period a welfare check is due (<see cref="WelfareCheckDue"/>).</summary>
    public static IReadOnlyList<DateOnly> WelfareChecksDue(Arrangement arrangement, PartTimePlan plan, SchoolCalendar calendar, PartTimeSettings settings, DateOnly from, DateOnly to) =>
        [.. Enumerable.Range(0, Math.Max(0, to.DayNumber - from.DayNumber + 1)).Select(from.AddDays).Where(d => WelfareCheckDue(arrangement, plan, calendar, settings, d))];

    /// <summary>
    /// The follow-up list's items for a running timetable (004 §9.6): each day a welfare check was due, up to today,
    /// with none recorded — a safeguarding gap the attendance officer closes by recording the check.
    /// </summary>
    public static IReadOnlyList<FollowUpItem> MissingWelfareChecks(Arrangement arrangement, PartTimePlan plan, SchoolCalendar calendar, PartTimeSettings settings, IEnumerable<DateOnly> recorded, DateOnly today)
    {
        if (arrangement.Stage != ArrangementStage.Running || arrangement.StartedOn is not { } started)
        {
            return [];
        }

        var done = recorded.ToHashSet();
        return [.. WelfareChecksDue(arrangement, plan, calendar, settings, started, today).Where(d => !done.Contains(d))
            .Select(d => new FollowUpItem(arrangement.PupilId, FollowUpKind.WelfareCheck,
                $"{(d == today ? "Due today" : "Not recorded")}: {d:ddd d MMM}, a day the part-time timetable gives no time in school (004 §9.6).", d == today ? 2 : 1,
                $"/Cases/{arrangement.Id}/WelfareChecks"))];
    }

    /// <summary>
    /// Starts an approved timetable whose gates are met (<see cref="Arrangement.Start"/>, on its agreed start date or the
    /// day it really began): each phase's sessions out of school go into the register as expected marks — C2, or X for a
    /// pupil below compulsory school age — not expected in school, until the phase ends; its first review falls due at
    /// the profile's cadence (003 appendix 1: fortnightly; 002 §4.2(4): at least half-termly).
    /// </summary>
    public static ArrangementStart Start(Arrangement arrangement, PartTimePlan plan, IReadOnlyList<Gate> gates, PartTimeSettings settings, SchoolCalendar calendar, DateOnly dateOfBirth, DateOnly startOn, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        var started = arrangement.Start(gates, plan.StartDate, startOn, today, userId, now);
        var began = arrangement.StartedOn!.Value;
        var marks = new List<ExpectedMark>();
        foreach (var phase in plan.Phases)
        {
            var (from, to) = (phase.From < began ? began : phase.From, plan.LastDayOf(phase));
            if (to >= from && phase.Pattern.OtherSessions > 0)
            {
                marks.AddRange(phase.Pattern.CoveredSessionsAsExpectedMarks(arrangement.SchoolId, arrangement.PupilId, from, to, NotAttendedCode(dateOfBirth, from, settings), SessionsSource));
            }
        }

        return ArrangementStart.With(arrangement, started, marks, calendar.NextReviewDate(settings.ReviewCadence, began), userId, now);
    }

    /// <summary>
    /// Back to full time from <paramref name="fullTimeFrom"/>: the timetable's last day is the day before, its sessions
    /// stop being placed in the register after it, and the outcome is recorded (issue 11, "Ending").
    /// </summary>
    public static ArrangementEvent ReturnToFullTime(Arrangement arrangement, IEnumerable<ExpectedMark> sessions, DateOnly fullTimeFrom, string outcome, Guid? userId, DateTimeOffset now)
    {
        var lastDay = fullTimeFrom.AddDays(-1);
        ArrangementEvent ended;
        try
        {
            ended = arrangement.End(lastDay, outcome, "Back to full time", userId, now);
        }
        catch (DomainRuleException e) when (e.Field == "LastDay")
        {
            throw new DomainRuleException(e.Rule, e.Message, "FullTimeFrom"); // the page asks for the first day back, not the last day
        }

        foreach (var mark in sessions.Where(m => m.Source == SessionsSource))
        {
            mark.EndAfter(lastDay, now);
        }

        return ended;
    }

    private static void Required(string? value, string field, string message)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DomainRuleException("part-time-plan-complete", message, field);
        }
    }
}
