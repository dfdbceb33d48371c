using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.Flexi;

/// <summary>Who gives notice to end a flexi-schooling agreement.</summary>
public enum NoticeGivenBy
{
    School,
    Parent,
}

/// <summary>A decision criterion of 000 §4 and 001, which the head assesses for every request, each with a note.</summary>
public sealed record FlexiCriterion(string Key, string Text, string Source);

/// <summary>
/// The rules of a flexi-schooling case, one place each, reading the school's values from its policy
/// profile (<see cref="FlexiSettings"/>). Cited by section of the policies in ../shared/policies.
/// </summary>
public static class FlexiRules
{
    /// <summary>000 §4: the head agrees only when satisfied of each of these.</summary>
    public static IReadOnlyList<FlexiCriterion> Criteria { get; } =
    [
        new("committed", "The parents are committed to providing suitable education overall and know their legal duty to ensure the child is educated full-time", "000 §4"),
        new("quality", "The education at home will be of good quality, and the child will receive a broad and balanced education overall", "000 §4"),
        new("development", "The arrangement will not have a significant adverse impact on the child's development, for example social interaction", "000 §4"),
        new("practical", "The arrangement can work practically, in terms of the work set for the child", "000 §4"),
        new("safeguarding", "There are no safeguarding concerns about the child's welfare surrounding the arrangement", "000 §4; 002 §5"),
    ];

    /// <summary>
    /// 000 §4 / 003 Flexi-Schooling Protocol §4: a request comes in writing from someone with parental
    /// responsibility, never from the school. One open case per pupil; where the profile allows one
    /// request per academic year (004 §10.4), a second is refused once the first has been decided.
    /// </summary>
    public static void CheckRequest(bool fromParentalResponsibility, bool inWriting, DateOnly requestedOn, DateOnly today, IEnumerable<Arrangement> pupilsFlexiCases, FlexiSettings settings)
    {
        if (!fromParentalResponsibility)
        {
            throw new DomainRuleException("flexi-request-from-parental-responsibility", "A flexi-schooling request can only come from someone with parental responsibility for the child.", "HasParentalResponsibility");
        }

        if (!inWriting)
        {
            throw new DomainRuleException("flexi-request-in-writing", "A request is made in writing: attach the parent's letter or email.", "Letter");
        }

        if (requestedOn > today)
        {
            throw new DomainRuleException("flexi-request-not-future", "The request date cannot be in the future.", "RequestedOn");
        }

        var cases = pupilsFlexiCases.Where(c => c.Kind == ArrangementKind.FlexiSchooling).ToList();
        if (cases.FirstOrDefault(c => c.Stage is ArrangementStage.Requested or ArrangementStage.MeetingHeld or ArrangementStage.Agreed or ArrangementStage.Running) is { } open)
        {
            throw new DomainRuleException("flexi-one-open-case", $"This pupil already has a flexi-schooling case (requested {open.RequestedOn:d MMMM yyyy}): continue that one.", "PupilId");
        }

        var year = AcademicYear.Containing(requestedOn);
        if (settings.OneRequestPerAcademicYear && cases.FirstOrDefault(c => c.DecidedOn is { } d && year.Contains(d)) is { } decided)
        {
            throw new DomainRuleException("flexi-one-request-per-year", $"The school's policy allows one flexi-schooling request per academic year, and this pupil's request was decided on {decided.DecidedOn:d MMMM yyyy}. A new request can be made from {year.End.AddDays(1):d MMMM yyyy}.", "RequestedOn");
        }
    }

    /// <summary>001: the head decides within the profile's working days after the meeting (worked example 3); null when the policy sets no deadline.</summary>
    public static DateOnly? DecisionDueBy(SchoolCalendar calendar, DateOnly meetingOn, FlexiSettings settings) =>
        settings.DecisionDeadlineWorkingDays is { } days ? calendar.AddWorkingDays(meetingOn, days) : null;

    /// <summary>
    /// The head decides after the meeting, on every criterion with a note (000 §4, 001). Agreeing needs every
    /// criterion met, and for a pupil with an EHCP the local authority's agreement first (002 §5); a decline
    /// gives its reason, for the letter. There is no appeal: the letter offers a meeting and the complaints route.
    /// </summary>
    public static void CheckDecision(Arrangement arrangement, DecisionOutcome outcome, IReadOnlyList<CriterionAssessment> criteria, string? reason, bool pupilHasEhcp, DateOnly decidedOn, DateOnly today)
    {
        if (arrangement.Stage != ArrangementStage.MeetingHeld)
        {
            throw new DomainRuleException("flexi-decision-after-meeting", arrangement.Stage == ArrangementStage.Requested
                ? "Record the meeting with the parent before deciding."
                : "This request has already been decided.");
        }

        if (decidedOn < arrangement.MeetingOn || decidedOn > today)
        {
            throw new DomainRuleException("flexi-decision-date", "The decision date is on or after the meeting and not in the future.", "DecidedOn");
        }

        foreach (var criterion in Criteria)
        {
            var assessed = criteria.FirstOrDefault(c => c.Key == criterion.Key);
            if (assessed is null || string.IsNullOrWhiteSpace(assessed.Note))
            {
                throw new DomainRuleException("flexi-criteria-each-with-a-note", $"Record whether this is met, with a note: {criterion.Text}.", $"Criteria[{criterion.Key}]");
            }
        }

        if (outcome == DecisionOutcome.Agreed)
        {
            if (Criteria.FirstOrDefault(c => !criteria.Single(a => a.Key == c.Key).Met) is { } unmet)
            {
                throw new DomainRuleException("flexi-agree-needs-every-criterion", $"A request can only be agreed when every criterion is met. Not met: {unmet.Text}.", $"Criteria[{unmet.Key}]");
            }

            if (pupilHasEhcp && arrangement.LocalAuthorityAgreedOn is null)
            {
                throw new DomainRuleException("flexi-ehcp-needs-local-authority", "This pupil has an EHC plan: record the local authority's agreement before agreeing to flexi-schooling (002 §5).", "LocalAuthorityAgreedOn");
            }
        }
        else if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("flexi-decline-gives-reason", "Give the reason for declining: the letter to the parent states it.", "Reason");
        }
    }

    /// <summary>
    /// Whom a flexi arrangement tells before it starts, through the one consents mechanism: the local authority (002
    /// §5.1; 000 §5: the LA is responsible for the suitability of the home part), and at OLoL the trust's link DPS.
    /// </summary>
    public static IReadOnlyList<ConsentRequirement> Consents(FlexiSettings settings)
    {
        List<ConsentRequirement> needed = [new(ConsentParty.LocalAuthority, ConsentKind.Notification, "The local authority notified", "002 §5.1; 000 §5", "Headteacher or designated safeguarding lead")];
        if (settings.NotifyTrust)
        {
            needed.Add(new(ConsentParty.Trust, ConsentKind.Notification, "The trust notified", "002 §5.1", "Headteacher (to the trust's link DPS)"));
        }

        return needed;
    }

    /// <summary>
    /// What must be true before a flexi arrangement starts (000 §4: "it does not start until signed by
    /// parents and school"; 002 §5 and appendix 8: the DSL's risk assessment; 002 §5.1: the local authority,
    /// and at OLoL the trust's link DPS, told — <see cref="Consents"/>), each with who acts.
    /// </summary>
    public static IReadOnlyList<Gate> StartGates(FlexiAgreement? agreement, RiskAssessments.RiskAssessment? latestRiskAssessment, IEnumerable<ArrangementConsent> recorded, FlexiSettings settings, Trusts.LocalAuthority? localAuthority = null)
    {
        var approved = latestRiskAssessment is { Status: RiskAssessments.RiskAssessmentStatus.Approved };
        var told = recorded.ToList();
        return
        [
            new("The agreement drawn up", "Headteacher or designated safeguarding lead", agreement is not null),
            new("The agreement signed by the parent", "The parent, in person or through the emailed link", agreement?.ParentSignedOn is not null),
            new("The agreement signed for the school", "Headteacher", agreement?.SchoolSignedOn is not null),
            new("The risk assessment approved", "Designated safeguarding lead; approved by a headteacher or DSL", approved),
            .. Consents(settings).Where(c => CaseNotifications.BeforeStart(c, localAuthority)).Select(c => c.AsGate(told)),
        ];
    }

    /// <summary>
    /// Ending an agreement: the notice period of the profile from the day notice is given (000 §7: two weeks'
    /// notice by the school; 004 §10.6: four weeks, by either party). Where the policy gives parents no notice
    /// route, the school ends the agreement. Worked example 5.
    /// </summary>
    public static DateOnly EndDate(DateOnly noticeGivenOn, NoticeGivenBy by, FlexiSettings settings)
    {
        var weeks = by == NoticeGivenBy.School
            ? settings.SchoolNoticeWeeks
            : settings.ParentNoticeWeeks ?? throw new DomainRuleException("flexi-parent-notice", "The school's policy gives no notice route to parents: the parent asks the school, which gives the school's notice.", "By");
        return noticeGivenOn.AddDays(7 * weeks);
    }

    /// <summary>
    /// 000 §7 / 003 Flexi-Schooling Protocol §7: a formal review when attendance at school falls below
    /// the profile's threshold — computed over the agreed school sessions only, never over home
    /// sessions (the arrangement-adjusted figure). No threshold in the profile: no attendance trigger.
    /// </summary>
    public static bool FormalReviewDue(AttendanceFigures figures, FlexiSettings settings) =>
        settings.FormalReviewBelowPercent is { } threshold && figures.AdjustedPercent is { } attended && attended < threshold;

    /// <summary>
    /// Why a formal review is raised on attendance, in words, or null when it is not (<see cref="FormalReviewDue"/>).
    /// The figures are those since the start, or since the last formal review was held: a review that let the
    /// arrangement continue starts the count again, so one low period raises one formal review, not one per register.
    /// </summary>
    public static string? FormalReviewReason(AttendanceFigures figures, FlexiSettings settings) =>
        FormalReviewDue(figures, settings)
            ? $"Attendance at the agreed school sessions is {figures.AdjustedPercent:0.0}% ({figures.ExpectedAttended} of {figures.ExpectedPossible}), below the school's threshold of {settings.FormalReviewBelowPercent:0.##}%."
            : null;

    /// <summary>000 §7 / 003 Flexi-Schooling Protocol §7: progress below the accepted standard, recorded at a review, raises a formal review.</summary>
    public static string ProgressReason(DateOnly reviewHeldOn) =>
        $"Progress was recorded below the accepted standard at the review on {reviewHeldOn:d MMMM yyyy}.";

    /// <summary>The source of every home session a flexi arrangement places in the register: ending it finds them by this.</summary>
    public const string HomeSessionsSource = "Flexi-schooling (home)";

    /// <summary>
    /// Starts an arrangement whose gates are all met (<see cref="Arrangement.Start"/>), on the agreement's start date or the
    /// day it really began: its home sessions go into the register as the profile's code, not expected in school, from
    /// then until it ends (000 §5), and its first review falls due at the profile's cadence from the calendar (000:
    /// termly; 003 Flexi-Schooling Protocol: half-termly).
    /// </summary>
    public static ArrangementStart Start(Arrangement arrangement, FlexiAgreement agreement, IReadOnlyList<Gate> gates, FlexiSettings settings, SchoolCalendar calendar, DateOnly startOn, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        var started = arrangement.Start(gates, agreement.StartDate, startOn, today, userId, now);
        var began = arrangement.StartedOn!.Value;
        var home = agreement.Pattern.CoveredSessionsAsExpectedMarks(arrangement.SchoolId, arrangement.PupilId, began, DateOnly.MaxValue, settings.HomeSessionCode, HomeSessionsSource);
        return ArrangementStart.With(arrangement, started, home, NextReviewDue(calendar, began, settings), userId, now);
    }

    /// <summary>
    /// Reviews at the profile's cadence (000: progress at least termly; 003 Flexi-Schooling Protocol: half-termly
    /// review meetings; 004 §10: termly), from the calendar: the next falls due at the end of the term or half
    /// term after <paramref name="from"/> (the start, then each review held). Null when the calendar has no later term.
    /// </summary>
    public static DateOnly? NextReviewDue(SchoolCalendar calendar, DateOnly from, FlexiSettings settings) =>
        calendar.NextReviewDate(settings.ReviewCadence, from);
}
