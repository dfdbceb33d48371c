using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>The three ways a pupil is not educated full time on the school site (domain.md, "The three arrangements").</summary>
public enum ArrangementKind
{
    FlexiSchooling,
    PartTimeTimetable,
    AlternativeProvision,
}

/// <summary>
/// Where a case stands. Every kind passes through the same stages (requested or proposed → agreed → running →
/// ended, or declined or withdrawn); each kind's rules class decides what moves it on. A flexi request is
/// <see cref="Requested"/> and then <see cref="MeetingHeld"/>; a part-time timetable, which the school
/// initiates, is <see cref="Proposed"/> until its approver decides. "Ending" is not a stage: it is an ended
/// case whose last day has not yet come (<c>StageTag</c>).
/// </summary>
public enum ArrangementStage
{
    Requested,
    MeetingHeld,
    Declined,
    Agreed,
    Running,
    Ended,
    Proposed,
    Withdrawn,
}

/// <summary>The names people use for each kind, in one place for pages, letters and lists.</summary>
public static class ArrangementKinds
{
    public static string Label(ArrangementKind kind) => kind switch
    {
        ArrangementKind.FlexiSchooling => "Flexi-schooling",
        ArrangementKind.PartTimeTimetable => "Part-time timetable",
        ArrangementKind.AlternativeProvision => "Alternative provision",
    };
}

public enum DecisionOutcome
{
    Agreed,
    Declined,
}

/// <summary>One decision criterion as the head assessed it: met or not, always with a note.</summary>
public sealed record CriterionAssessment(string Key, bool Met, string Note);

/// <summary>
/// The shared core of a case: one pupil, one kind of arrangement, its stage, the policy profile version
/// it was decided under, and its history (<see cref="ArrangementEvent"/>). Flexi-schooling is the first
/// kind to use it (issue 4): a request in writing from someone with parental responsibility, a meeting,
/// and the head's decision by the profile's deadline. Part-time timetables and AP placements reuse the
/// stages, the history, the documents and the gates; each kind's own rules live in its rules class
/// (<see cref="FlexiRules"/>).
/// </summary>
public sealed class Arrangement : ISchoolOwned, ITrustStampable
{
    private List<CriterionAssessment> _criteria = [];

    private Arrangement() { }

    private Arrangement(Guid schoolId, Guid pupilId, ArrangementKind kind)
    {
        Id = Ids.New();
        SchoolId = schoolId;
        PupilId = pupilId;
        Kind = kind;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public ArrangementKind Kind { get; private set; }

    public ArrangementStage Stage { get; private set; }

    public DateOnly RequestedOn { get; private set; }

    /// <summary>The person with parental responsibility who asked, as they signed the request.</summary>
    public string RequestedBy { get; private set; } = "";

    public string RequesterRelationship { get; private set; } = "";

    public string? RequestSummary { get; private set; }

    public DateOnly? MeetingOn { get; private set; }

    public string? MeetingAttendees { get; private set; }

    public string? MeetingNotes { get; private set; }

    /// <summary>The last day for the head's decision, where the profile sets a deadline (e.g. 5 working days after the meeting).</summary>
    public DateOnly? DecisionDueBy { get; private set; }

    public DecisionOutcome? Outcome { get; private set; }

    public DateOnly? DecidedOn { get; private set; }

    public Guid? DecidedBy { get; private set; }

    public string? DecisionReason { get; private set; }

    public IReadOnlyList<CriterionAssessment> Criteria => _criteria;

    /// <summary>The local authority's agreement, needed first for a pupil with an EHCP (002 §5).</summary>
    public DateOnly? LocalAuthorityAgreedOn { get; private set; }

    public string? LocalAuthorityAgreedBy { get; private set; }

    public DateOnly? StartedOn { get; private set; }

    public DateOnly? NoticeGivenOn { get; private set; }

    /// <summary>"School" or "Parent".</summary>
    public string? NoticeGivenBy { get; private set; }

    /// <summary>The last day of the arrangement: the notice period after the notice (000 §7; 004 §10.6).</summary>
    public DateOnly? EndsOn { get; private set; }

    public string? EndReason { get; private set; }

    /// <summary>The policy profile version in force when the decision was made: the case keeps its rules.</summary>
    public Guid? ProfileVersionId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// Who brought the case in from paper records, when it was agreed before the school used the product (issue 11:
    /// "clearly marked as entered afterwards and by whom"); null for a case run in the product from the start.
    /// </summary>
    public Guid? EnteredAfterwardsBy { get; private set; }

    public DateTimeOffset? EnteredAfterwardsAt { get; private set; }

    public bool EnteredAfterwards => EnteredAfterwardsAt is not null;

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>Records a flexi-schooling request (the checks of <see cref="FlexiRules.CheckRequest"/> come first).</summary>
    public static (Arrangement Case, ArrangementEvent Event) RequestFlexi(
        Guid schoolId, Guid pupilId, DateOnly requestedOn, string requestedBy, string relationship, string? summary, Guid? userId, DateTimeOffset now)
    {
        var arrangement = new Arrangement(schoolId, pupilId, ArrangementKind.FlexiSchooling)
        {
            Stage = ArrangementStage.Requested,
            RequestedOn = requestedOn,
            RequestedBy = requestedBy.Trim(),
            RequesterRelationship = relationship.Trim(),
            RequestSummary = string.IsNullOrWhiteSpace(summary) ? null : summary.Trim(),
            CreatedAt = now,
        };
        return (arrangement, arrangement.Event("Request recorded", $"Written request from {arrangement.RequestedBy} ({arrangement.RequesterRelationship}) dated {requestedOn:d MMMM yyyy}.", userId, now));
    }

    /// <summary>
    /// Opens a case the school initiates (a part-time timetable: 002 §4, 003 Reduced Timetable Protocol, 004 §9.5 "the
    /// proposal … may come from any member of staff"): who proposed it stands where a flexi case keeps who requested it.
    /// The kind's rules check the proposal first (<c>PartTimeRules.CheckPlan</c>).
    /// </summary>
    public static (Arrangement Case, ArrangementEvent Event) Propose(
        ArrangementKind kind, Guid schoolId, Guid pupilId, DateOnly proposedOn, string proposedBy, string proposerRole, string? summary, Guid? userId, DateTimeOffset now)
    {
        if (kind == ArrangementKind.FlexiSchooling)
        {
            throw new DomainRuleException("flexi-never-school-initiated", "Flexi-schooling is asked for in writing by a parent, never proposed by the school (000 §4).");
        }

        var arrangement = new Arrangement(schoolId, pupilId, kind)
        {
            Stage = ArrangementStage.Proposed,
            RequestedOn = proposedOn,
            RequestedBy = proposedBy.Trim(),
            RequesterRelationship = proposerRole.Trim(),
            RequestSummary = string.IsNullOrWhiteSpace(summary) ? null : summary.Trim(),
            CreatedAt = now,
        };
        return kind == ArrangementKind.AlternativeProvision
            ? (arrangement, arrangement.Event("Referred", $"Referred for alternative provision by {arrangement.RequestedBy} ({arrangement.RequesterRelationship}) on {proposedOn:d MMMM yyyy}.", userId, now))
            : (arrangement, arrangement.Event("Proposed", $"{ArrangementKinds.Label(kind)} proposed by {arrangement.RequestedBy} ({arrangement.RequesterRelationship}) on {proposedOn:d MMMM yyyy}.", userId, now));
    }

    /// <summary>
    /// Ends a running arrangement that has no notice period (a part-time timetable returns to full time; an AP
    /// placement ends): <paramref name="lastDay"/> is its last day, and the outcome is recorded.
    /// </summary>
    public ArrangementEvent End(DateOnly lastDay, string outcome, string what, Guid? userId, DateTimeOffset now)
    {
        if (Stage != ArrangementStage.Running)
        {
            throw new DomainRuleException("end-running", "Only a running arrangement can end.");
        }

        if (lastDay < StartedOn!.Value.AddDays(-1))
        {
            throw new DomainRuleException("end-after-start", $"It cannot end before it started ({StartedOn:d MMMM yyyy}).", "LastDay");
        }

        if (string.IsNullOrWhiteSpace(outcome))
        {
            throw new DomainRuleException("end-outcome", "Record the outcome: how the pupil is doing and what happens next.", "Outcome");
        }

        Stage = ArrangementStage.Ended;
        (EndsOn, EndReason) = (lastDay, outcome.Trim());
        return Event(what, $"The last day is {lastDay:d MMMM yyyy}. {EndReason}", userId, now);
    }

    /// <summary>The meeting with the parent; it starts the decision deadline where the profile sets one.</summary>
    public ArrangementEvent RecordMeeting(DateOnly meetingOn, string attendees, string notes, DateOnly? decisionDueBy, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (Stage is not (ArrangementStage.Requested or ArrangementStage.MeetingHeld))
        {
            throw new DomainRuleException("meeting-before-decision", "The meeting is recorded before the decision; this case has been decided.");
        }

        if (meetingOn < RequestedOn)
        {
            throw new DomainRuleException("meeting-after-request", $"The meeting cannot be before the request ({RequestedOn:d MMMM yyyy}).", "MeetingOn");
        }

        if (meetingOn > today)
        {
            throw new DomainRuleException("meeting-not-future", "Record the meeting once it has taken place.", "MeetingOn");
        }

        Stage = ArrangementStage.MeetingHeld;
        MeetingOn = meetingOn;
        MeetingAttendees = attendees.Trim();
        MeetingNotes = notes.Trim();
        DecisionDueBy = decisionDueBy;
        return Event("Meeting recorded", $"Meeting held on {meetingOn:d MMMM yyyy} with {MeetingAttendees}." + (decisionDueBy is { } due ? $" Decision due by {due:d MMMM yyyy}." : ""), userId, now);
    }

    /// <summary>The local authority's agreement for a pupil with an EHCP, recorded before an agreeing decision.</summary>
    public ArrangementEvent RecordLocalAuthorityAgreement(DateOnly agreedOn, string agreedBy, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (agreedOn > today)
        {
            throw new DomainRuleException("la-agreement-not-future", "Record the local authority's agreement once it has been given.", "LocalAuthorityAgreedOn");
        }

        LocalAuthorityAgreedOn = agreedOn;
        LocalAuthorityAgreedBy = agreedBy.Trim();
        return Event("Local authority agreement recorded", $"Agreed by {LocalAuthorityAgreedBy} on {agreedOn:d MMMM yyyy}.", userId, now);
    }

    /// <summary>The head's decision; <see cref="FlexiRules.CheckDecision"/> holds the rules it must meet.</summary>
    public ArrangementEvent Decide(DecisionOutcome outcome, IReadOnlyList<CriterionAssessment> criteria, string? reason, DateOnly decidedOn, Guid profileVersionId, Guid? userId, DateTimeOffset now)
    {
        Outcome = outcome;
        _criteria = [.. criteria];
        DecisionReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        DecidedOn = decidedOn;
        DecidedBy = userId;
        ProfileVersionId = profileVersionId;
        Stage = outcome == DecisionOutcome.Agreed ? ArrangementStage.Agreed : ArrangementStage.Declined;
        var late = DecisionDueBy is { } due && decidedOn > due ? $" (after the deadline of {due:d MMMM yyyy})" : "";
        var what = Kind switch
        {
            ArrangementKind.FlexiSchooling => outcome == DecisionOutcome.Agreed ? "Request agreed" : "Request declined",
            ArrangementKind.AlternativeProvision => outcome == DecisionOutcome.Agreed ? "Placement agreed" : "Placement not agreed",
            _ => outcome == DecisionOutcome.Agreed ? "Plan approved" : "Plan not approved",
        };
        return Event(what, $"Decided on {decidedOn:d MMMM yyyy}{late}." + (outcome == DecisionOutcome.Declined && DecisionReason is { } why ? $" {why}" : ""), userId, now);
    }

    /// <summary>
    /// Starts the arrangement once every gate is met (each kind's <c>StartGates</c>), on the date it really began
    /// (<see cref="StartDate"/>): the agreed start date, or a later date when it began late. A start recorded before
    /// the agreed date is a start "on" that date: the case reads "Starts on …" until then.
    /// </summary>
    public ArrangementEvent Start(IReadOnlyList<Gate> gates, DateOnly agreedStart, DateOnly startOn, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (Stage != ArrangementStage.Agreed)
        {
            throw new DomainRuleException("start-agreed-case", "Only an agreed arrangement that has not started can start.");
        }

        if (gates.Where(g => !g.Met).ToList() is { Count: > 0 } unmet)
        {
            throw new DomainRuleException("start-needs-every-gate", $"It cannot start yet: {string.Join("; ", unmet.Select(g => g.Name.ToLowerInvariant()))}.");
        }

        var began = StartDate(agreedStart, startOn, today);
        Stage = ArrangementStage.Running;
        StartedOn = began;
        var late = began > agreedStart ? $" (agreed to start on {agreedStart:d MMMM yyyy})" : "";
        return Event("Arrangement started", began > today ? $"Starts on {began:d MMMM yyyy}." : $"From {began:d MMMM yyyy}{late}.", userId, now);
    }

    /// <summary>
    /// The day an arrangement runs from (issue 11, "a case starts on its agreed start date"): never before the agreed
    /// start date (its sessions were agreed from then, not from the day someone pressed Start); when that date is still
    /// ahead, that date; when it has passed, the day it really began — the agreed date or a later one, not in the future.
    /// </summary>
    public static DateOnly StartDate(DateOnly agreedStart, DateOnly startOn, DateOnly today)
    {
        if (agreedStart >= today)
        {
            return agreedStart;
        }

        if (startOn < agreedStart)
        {
            throw new DomainRuleException("start-not-before-agreed-date", $"It cannot have begun before the agreed start date, {agreedStart:d MMMM yyyy}.", "StartedOn");
        }

        if (startOn > today)
        {
            throw new DomainRuleException("start-began-not-future", "Give the day it began: the agreed start date has passed, so that day is not in the future.", "StartedOn");
        }

        return startOn;
    }

    /// <summary>A case withdrawn before it ran: the parent refused consent, or the school or parent stepped back. The pupil stays full time.</summary>
    public ArrangementEvent Withdraw(DateOnly on, string reason, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (Stage is not (ArrangementStage.Requested or ArrangementStage.MeetingHeld or ArrangementStage.Proposed or ArrangementStage.Agreed))
        {
            throw new DomainRuleException("withdraw-before-start", "Only a case that has not started can be withdrawn; a running arrangement is ended.");
        }

        if (on > today || on < RequestedOn)
        {
            throw new DomainRuleException("withdraw-date", "The date is on or after the case was opened and not in the future.", "WithdrawnOn");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("withdraw-reason", "Give the reason it was withdrawn.", "Reason");
        }

        Stage = ArrangementStage.Withdrawn;
        (EndsOn, EndReason) = (on, reason.Trim());
        return Event("Withdrawn", $"On {on:d MMMM yyyy}: {EndReason}", userId, now);
    }

    /// <summary>
    /// Notice to end a running arrangement: it ends on <paramref name="endsOn"/> (the profile's notice period,
    /// <see cref="Flexi.FlexiRules.EndDate"/>) and the case is closed with its history.
    /// </summary>
    public ArrangementEvent GiveNotice(string by, DateOnly noticeOn, DateOnly endsOn, string reason, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (Stage != ArrangementStage.Running)
        {
            throw new DomainRuleException("notice-running", "Notice is given to end an arrangement that is running.");
        }

        if (noticeOn > today || noticeOn < DecidedOn)
        {
            throw new DomainRuleException("notice-date", "The notice date is on or after the decision and not in the future.", "NoticeGivenOn");
        }

        // Issue 11: notice ends an arrangement that has begun; dated before the start, there is nothing yet to end.
        if (noticeOn < StartedOn)
        {
            throw new DomainRuleException("notice-after-start", $"Notice cannot be dated before the arrangement started ({StartedOn:d MMMM yyyy}).", "NoticeGivenOn");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("notice-reason", "Give the reason for ending the arrangement: the letter states it.", "Reason");
        }

        Stage = ArrangementStage.Ended;
        (NoticeGivenOn, NoticeGivenBy, EndsOn, EndReason) = (noticeOn, by, endsOn, reason.Trim());
        return Event($"Notice given by the {by.ToLowerInvariant()}", $"Notice on {noticeOn:d MMMM yyyy}; the last day is {endsOn:d MMMM yyyy}. {EndReason}", userId, now);
    }

    /// <summary>
    /// Marks a case being opened as brought in from paper records: its steps are then entered with their original dates
    /// (request, decision, signatures, consents, the start, past reviews), each step's own rules applying, and the case is
    /// shown as entered afterwards and by whom. Only as it is opened: a case run in the product is never relabelled.
    /// </summary>
    public ArrangementEvent EnterAfterwards(Guid? userId, DateTimeOffset now)
    {
        if (Stage is not (ArrangementStage.Requested or ArrangementStage.Proposed) || EnteredAfterwards)
        {
            throw new DomainRuleException("entered-afterwards-at-opening", "A case is brought in from paper records as it is opened.");
        }

        (EnteredAfterwardsBy, EnteredAfterwardsAt) = (userId, now);
        return Event("Brought in from paper records", "Agreed on paper before the school used FlexiSchooling: the dates of its steps are the original ones, entered afterwards.", userId, now);
    }

    public ArrangementEvent Event(string what, string? detail, Guid? userId, DateTimeOffset now) => new(this, what, detail, userId, now);
}

/// <summary>A condition an arrangement must meet before it starts, who must act on it, and whether it is met.</summary>
public sealed record Gate(string Name, string WhoActs, bool Met);

/// <summary>One line of a case's history: what happened, when, by whom. Never updated or deleted.</summary>
public sealed class ArrangementEvent : ISchoolOwned, ITrustStampable
{
    private ArrangementEvent() { }

    internal ArrangementEvent(Arrangement arrangement, string what, string? detail, Guid? userId, DateTimeOffset at)
    {
        Id = Ids.New(at);
        TrustId = arrangement.TrustId; // a case's history is its trust's (empty until the case is stamped)
        ArrangementId = arrangement.Id;
        SchoolId = arrangement.SchoolId;
        What = what;
        Detail = detail;
        By = userId;
        At = at;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    public string What { get; private set; } = "";

    public string? Detail { get; private set; }

    public Guid? By { get; private set; }

    public DateTimeOffset At { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
