using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>Where a pupil goes when a placement ends.</summary>
public enum PlacementDestination
{
    BackToSchoolFullTime,
    AnotherPlacement,
    FurtherEducationOrTraining,
    EmploymentWithTraining,
    AnotherSchool,
    Other,
}

public static class PlacementDestinations
{
    public static string Label(PlacementDestination destination) => destination switch
    {
        PlacementDestination.BackToSchoolFullTime => "Back to school full time",
        PlacementDestination.AnotherPlacement => "Another alternative provision placement",
        PlacementDestination.FurtherEducationOrTraining => "Further education or training",
        PlacementDestination.EmploymentWithTraining => "Employment with training (an apprenticeship)",
        PlacementDestination.AnotherSchool => "Another school",
        PlacementDestination.Other => "Somewhere else",
    };
}

/// <summary>What is recorded when a placement ends.</summary>
public sealed record PlacementEnding(DateOnly LastDay, PlacementDestination Destination, string? DestinationDetail, string Outcomes, string Qualifications, string PupilView);

/// <summary>What the professionals' initial visit to the provision found, under the headings of 002 appendix 1b.</summary>
public sealed record InitialVisit(
    DateOnly VisitedOn,
    string VisitedBy,
    string ProviderContact,
    string Safeguarding,
    string Curriculum,
    string NextStage,
    string Qualifications,
    string? OtherInformation);

/// <summary>One dated step of a graduated return to school (002 §3.9: "a graduated approach to support the reintegration").</summary>
public sealed record ReintegrationStep(DateOnly From, string What);

/// <summary>
/// The reintegration plan of a placement as the school records or revises it (002 §3.9): the date the pupil is back in
/// school full time (or why they will not return to their own school, 002 §3: "for some pupils they will not return"),
/// the dated steps of a graduated return, when it was discussed with the parents, the multi-agency meeting on the
/// strategies for the return, and — when revised — why the timeline was extended or shortened.
/// </summary>
public sealed record ReintegrationPlan(
    DateOnly? ReturnOn,
    string? NotReturningBecause,
    IReadOnlyList<ReintegrationStep> Steps,
    DateOnly? DiscussedWithParentsOn,
    DateOnly? MultiAgencyMeetingOn,
    string Strategies,
    string? ChangedBecause);

/// <summary>What the school records when it considers and refers a pupil for a placement (002 appendix 1a).</summary>
public sealed record PlacementReferral(
    Guid ProviderId,
    bool FullTime,
    SessionPattern InSchool,
    DateOnly StartDate,
    DateOnly PlannedEndDate,
    string Reasons,
    string PreviousInformation,
    decimal FullCost,
    string Funding,
    string ParentMeeting,
    string PupilVoice,
    DateOnly? ParentAgreedOn,
    CensusPlacementReason CensusReason = CensusPlacementReason.Other,
    bool OffSiteDirection = false);

/// <summary>
/// The alternative provision of an AP case (a case of kind <see cref="ArrangementKind.AlternativeProvision"/>; a pupil
/// may have several at once): the provider, full or part time and the sessions spent there, the dates, and the referral
/// of 002 appendix 1a — the reasons, what is known already, the full cost and who pays, the parents' meeting, the pupil's
/// own voice and the parents' agreement. The head's agreement is the case's decision. One per case.
/// </summary>
public sealed class Placement : ISchoolOwned, ITrustStampable
{
    public const int MaxTextLength = 4000;

    private Placement() { }

    public Guid ArrangementId { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ProviderId { get; private set; }

    public bool FullTime { get; private set; }

    /// <summary>The sessions in school (none when full time); the rest of the week is at the provider (<see cref="SessionPattern"/>).</summary>
    public SessionPattern InSchool { get; private set; }

    public DateOnly StartDate { get; private set; }

    public DateOnly PlannedEndDate { get; private set; }

    public string Reasons { get; private set; } = "";

    public string PreviousInformation { get; private set; } = "";

    /// <summary>The placement's full cost in pounds, for its planned length (002 appendix 1a "full cost").</summary>
    public decimal FullCost { get; private set; }

    public string Funding { get; private set; } = "";

    public string ParentMeeting { get; private set; } = "";

    public string PupilVoice { get; private set; } = "";

    public DateOnly? ParentAgreedOn { get; private set; }

    /// <summary>The reason as the school census records it (the reason for the placement, not the pupil's needs).</summary>
    public CensusPlacementReason CensusReason { get; private set; }

    /// <summary>
    /// An off-site direction to improve behaviour (004 §6): the governing body requires the pupil to attend; it approves
    /// the direction, the parents are given written notice (their consent is not needed) and the planned end is its
    /// maximum period (<see cref="PlacementRules.DirectionNoticeBy"/>).
    /// </summary>
    public bool OffSiteDirection { get; private set; }

    /// <summary>Where the pupil went next, recorded when the placement ends (issue 12, "Ending").</summary>
    public PlacementDestination? Destination { get; private set; }

    public string? DestinationDetail { get; private set; }

    /// <summary>What was achieved against the aims.</summary>
    public string? Outcomes { get; private set; }

    /// <summary>Qualifications gained, or none.</summary>
    public string? Qualifications { get; private set; }

    /// <summary>The pupil's own view of the placement, at its end.</summary>
    public string? PupilViewAtEnd { get; private set; }

    /// <summary>The initial visit to the provision (002 appendix 1b), when made; null before.</summary>
    public DateOnly? InitialVisitOn { get; private set; }

    public string? InitialVisitBy { get; private set; }

    public string? InitialVisitContact { get; private set; }

    public string? InitialVisitSafeguarding { get; private set; }

    public string? InitialVisitCurriculum { get; private set; }

    public string? InitialVisitNextStage { get; private set; }

    public string? InitialVisitQualifications { get; private set; }

    public string? InitialVisitOther { get; private set; }

    public bool HasInitialVisit => InitialVisitOn is not null;

    /// <summary>
    /// Records the professionals' initial visit to the provision (002 appendix 1b): who visited, the provider's contact,
    /// the date, and what they found of the safeguarding arrangements, the curriculum the pupil will benefit from, the
    /// preparation for the next stage and the qualifications. Made before the placement starts — from the referral on —
    /// and needed before the start where the provider is unregistered (002: "the school must complete all of the initial
    /// visit forms … (Appendix 1a/1b & 2)"). A later visit before the start replaces it; the history keeps each.
    /// </summary>
    public ArrangementEvent RecordInitialVisit(Arrangement arrangement, InitialVisit visit, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage is not (ArrangementStage.Proposed or ArrangementStage.Agreed))
        {
            throw new DomainRuleException("initial-visit-before-start", "The initial visit is made before the placement starts.");
        }

        if (visit.VisitedOn > today || visit.VisitedOn < arrangement.RequestedOn)
        {
            throw new DomainRuleException("initial-visit-date", $"The visit is on a day from the referral ({arrangement.RequestedOn:d MMMM yyyy}) to today.", "VisitedOn");
        }

        foreach (var (value, field, heading) in new[]
        {
            (visit.VisitedBy, "VisitedBy", "who visited"), (visit.ProviderContact, "ProviderContact", "the contact at the provision and their details"),
            (visit.Safeguarding, "Safeguarding", "what was checked of the safeguarding arrangements"), (visit.Curriculum, "Curriculum", "how the pupil will benefit from the curriculum"),
            (visit.NextStage, "NextStage", "how the pupil is prepared for the next stage"), (visit.Qualifications, "Qualifications", "the qualifications the pupil will work towards"),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new DomainRuleException("initial-visit-complete", $"Enter {heading} (002 appendix 1b).", field);
            }
        }

        var again = HasInitialVisit;
        (InitialVisitOn, InitialVisitBy, InitialVisitContact, InitialVisitSafeguarding, InitialVisitCurriculum, InitialVisitNextStage, InitialVisitQualifications, InitialVisitOther) =
            (visit.VisitedOn, visit.VisitedBy.Trim(), visit.ProviderContact.Trim(), visit.Safeguarding.Trim(), visit.Curriculum.Trim(), visit.NextStage.Trim(), visit.Qualifications.Trim(),
                string.IsNullOrWhiteSpace(visit.OtherInformation) ? null : visit.OtherInformation.Trim());
        return arrangement.Event(again ? "Initial visit recorded again" : "Initial visit recorded", $"{InitialVisitBy} visited the provision on {visit.VisitedOn:d MMMM yyyy} (002 appendix 1b).", userId, now);
    }

    /// <summary>The reintegration plan's date back in school full time (002 §3.9); null before a plan, or when the pupil will not return.</summary>
    public DateOnly? ReturnOn { get; private set; }

    /// <summary>Why the pupil will not return to their own school, where the plan says so.</summary>
    public string? NotReturningBecause { get; private set; }

    /// <summary>The dated steps of the graduated return, in date order.</summary>
    public List<ReintegrationStep> ReintegrationSteps { get; private set; } = [];

    public DateOnly? ReintegrationDiscussedOn { get; private set; }

    public DateOnly? MultiAgencyMeetingOn { get; private set; }

    public string? ReintegrationStrategies { get; private set; }

    /// <summary>When the plan was last recorded or revised; null while there is none.</summary>
    public DateOnly? ReintegrationRecordedOn { get; private set; }

    /// <summary>How many times the plan has been recorded: 1 for the first plan, then one more for each revision.</summary>
    public int ReintegrationRevision { get; private set; }

    public uint Version { get; private set; }

    public bool HasReintegrationPlan => ReintegrationRecordedOn is not null;

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public const int MaxReintegrationSteps = 6;

    public const int MaxStepLength = 150;

    /// <summary>The longest reason a plan records (why the pupil will not return; why it changed): kept short, as the case history holds it whole.</summary>
    public const int MaxReasonLength = 300;

    /// <summary>
    /// Records the reintegration plan, or revises it (002 §3.9): "a timeline is developed by the school to reintegrate the
    /// pupil back into school, based on the half-termly reviews"; it "can be extended or shortened based on the progress
    /// reports" (a revision says why); a graduated approach (dated steps, in order, before the return); "discussed with
    /// the pupil's parents" (on a day not in the future); a multi-agency meeting on the strategies (held or planned).
    /// The whole plan as recorded goes to the case's history, so every version stays traceable.
    /// </summary>
    public ArrangementEvent PlanReintegration(Arrangement arrangement, ReintegrationPlan plan, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage is not (ArrangementStage.Agreed or ArrangementStage.Running))
        {
            throw new DomainRuleException("reintegration-open-placement", "A reintegration plan is for a placement that is agreed or running.");
        }

        var returning = string.IsNullOrWhiteSpace(plan.NotReturningBecause);
        if (returning && plan.ReturnOn is null)
        {
            throw new DomainRuleException("reintegration-return-date", "Enter the date the pupil is back in school full time, or say why they will not return to the school.", "ReturnOn");
        }

        if (plan.ReturnOn is { } back && back <= StartDate)
        {
            throw new DomainRuleException("reintegration-return-date", $"The return is after the placement starts ({StartDate:d MMMM yyyy}).", "ReturnOn");
        }

        var steps = plan.Steps.Where(s => !string.IsNullOrWhiteSpace(s.What)).Select(s => s with { What = s.What.Trim() }).ToList();
        if (returning && steps.Count == 0)
        {
            throw new DomainRuleException("reintegration-graduated", "Enter at least one dated step of the graduated return (002 §3.9).", "Steps");
        }

        if (steps.Count > MaxReintegrationSteps || steps.Any(s => s.What.Length > MaxStepLength))
        {
            throw new DomainRuleException("reintegration-graduated", $"Up to {MaxReintegrationSteps} steps, each {MaxStepLength} characters or fewer.", "Steps");
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].From < StartDate || (plan.ReturnOn is { } by && steps[i].From > by) || (i > 0 && steps[i].From <= steps[i - 1].From))
            {
                throw new DomainRuleException("reintegration-graduated",
                    $"Each step starts on a later day than the one before, from the placement's start{(plan.ReturnOn is { } r ? $" to the return on {r:d MMMM yyyy}" : "")}.", "Steps");
            }
        }

        if (plan.DiscussedWithParentsOn is not { } discussed || discussed > today)
        {
            throw new DomainRuleException("reintegration-parents", "Enter the day the plan was discussed with the parents or carers (002 §3.9); not a day in the future.", "DiscussedWithParentsOn");
        }

        if (plan.MultiAgencyMeetingOn is null)
        {
            throw new DomainRuleException("reintegration-multi-agency", "Enter the day of the multi-agency meeting on the strategies for the return, held or planned (002 §3.9).", "MultiAgencyMeetingOn");
        }

        if (string.IsNullOrWhiteSpace(plan.Strategies))
        {
            throw new DomainRuleException("reintegration-multi-agency", "Enter the strategies agreed for the return.", "Strategies");
        }

        if ((plan.NotReturningBecause?.Trim().Length ?? 0) > MaxReasonLength || (plan.ChangedBecause?.Trim().Length ?? 0) > MaxReasonLength)
        {
            throw new DomainRuleException("reintegration-revision", $"A reason is {MaxReasonLength} characters or fewer.", (plan.ChangedBecause?.Trim().Length ?? 0) > MaxReasonLength ? "ChangedBecause" : "NotReturningBecause");
        }

        var revising = HasReintegrationPlan;
        if (revising && string.IsNullOrWhiteSpace(plan.ChangedBecause))
        {
            throw new DomainRuleException("reintegration-revision", "Say why the plan changes: the progress reports that extend or shorten the timeline (002 §3.9).", "ChangedBecause");
        }

        var was = ReturnOn;
        (ReturnOn, NotReturningBecause, ReintegrationSteps, ReintegrationDiscussedOn, MultiAgencyMeetingOn, ReintegrationStrategies, ReintegrationRecordedOn) =
            (returning ? plan.ReturnOn : null, returning ? null : plan.NotReturningBecause!.Trim(), steps, discussed, plan.MultiAgencyMeetingOn, plan.Strategies.Trim(), today);
        ReintegrationRevision++; // every revision writes the row, so a stale form is always caught by the row version
        var aim = ReturnOn is { } on
            ? $"Back in school full time by {on:d MMMM yyyy}{(revising && was is { } before && before != on ? $" ({(on > before ? "extended" : "brought forward")} from {before:d MMMM yyyy})" : "")}."
            : $"Not returning to the school: {NotReturningBecause}.";
        var timeline = string.Join(" ", steps.Select(s => $"From {s.From:d MMMM yyyy}: {s.What}."));
        return arrangement.Event(revising ? $"Reintegration plan revised (version {ReintegrationRevision})" : "Reintegration plan recorded",
            $"{aim} {timeline} Discussed with the parents on {discussed:d MMMM yyyy}; multi-agency meeting {plan.MultiAgencyMeetingOn:d MMMM yyyy}.{(revising ? $" Why: {plan.ChangedBecause!.Trim()}" : "")}".Replace("  ", " "),
            userId, now);
    }

    /// <summary>
    /// Ends the running placement on its last day with what the school must know of it afterwards: the outcomes against
    /// its aims, the qualifications gained, the destination and the pupil's own view (issue 12, "Ending"); the sessions
    /// it placed in the register stop after the last day.
    /// </summary>
    public ArrangementEvent End(Arrangement arrangement, PlacementEnding ending, IEnumerable<Attendance.ExpectedMark> sessions, string providerName, Guid? userId, DateTimeOffset now)
    {
        foreach (var (value, field, what) in new[] { (ending.Outcomes, "Outcomes", "what the placement achieved against its aims"), (ending.Qualifications, "Qualifications", "the qualifications gained, or none"), (ending.PupilView, "PupilView", "the pupil's own view of the placement") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new DomainRuleException("placement-end-recorded", $"Enter {what}.", field);
            }
        }

        if (ending.Destination == PlacementDestination.Other && string.IsNullOrWhiteSpace(ending.DestinationDetail))
        {
            throw new DomainRuleException("placement-end-destination", "Say where the pupil goes next.", "DestinationDetail");
        }

        var ended = arrangement.End(ending.LastDay, $"{PlacementDestinations.Label(ending.Destination)}{(string.IsNullOrWhiteSpace(ending.DestinationDetail) ? "" : $": {ending.DestinationDetail.Trim()}")}. {ending.Outcomes.Trim()}",
            "Placement ended", userId, now);
        (Destination, DestinationDetail, Outcomes, Qualifications, PupilViewAtEnd) =
            (ending.Destination, string.IsNullOrWhiteSpace(ending.DestinationDetail) ? null : ending.DestinationDetail.Trim(), ending.Outcomes.Trim(), ending.Qualifications.Trim(), ending.PupilView.Trim());
        foreach (var mark in sessions.Where(m => m.Source == PlacementRules.SessionsSource(providerName)))
        {
            mark.EndAfter(ending.LastDay, now);
        }

        return ended;
    }

    public static Placement Refer(Arrangement arrangement, PlacementReferral referral)
    {
        if (arrangement.Kind != ArrangementKind.AlternativeProvision)
        {
            throw new DomainRuleException("placement-kind", "A placement belongs to an alternative provision case.");
        }

        PlacementRules.CheckReferral(referral);
        return new Placement
        {
            ArrangementId = arrangement.Id,
            TrustId = arrangement.TrustId,
            SchoolId = arrangement.SchoolId,
            ProviderId = referral.ProviderId,
            FullTime = referral.FullTime,
            InSchool = referral.FullTime ? new SessionPattern(0) : referral.InSchool,
            StartDate = referral.StartDate,
            PlannedEndDate = referral.PlannedEndDate,
            Reasons = referral.Reasons.Trim(),
            PreviousInformation = referral.PreviousInformation.Trim(),
            FullCost = referral.FullCost,
            Funding = referral.Funding.Trim(),
            ParentMeeting = referral.ParentMeeting.Trim(),
            PupilVoice = referral.PupilVoice.Trim(),
            ParentAgreedOn = referral.ParentAgreedOn,
            CensusReason = referral.CensusReason,
            OffSiteDirection = referral.OffSiteDirection,
        };
    }

    /// <summary>This placement's pupil as the registration rule counts them on a day (004 §7.2).</summary>
    public PlacedPupil AsPlaced(Pupil pupil, DateOnly on) =>
        new(pupil.Id, FullTime, CompulsorySchoolAge.Reached(pupil.DateOfBirth, on), pupil.Flags.LookedAfter, pupil.Flags.Ehcp);
}
