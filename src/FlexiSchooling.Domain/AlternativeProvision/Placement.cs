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
    DateOnly? ParentAgreedOn);

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

    /// <summary>Where the pupil went next, recorded when the placement ends (issue 12, "Ending").</summary>
    public PlacementDestination? Destination { get; private set; }

    public string? DestinationDetail { get; private set; }

    /// <summary>What was achieved against the aims.</summary>
    public string? Outcomes { get; private set; }

    /// <summary>Qualifications gained, or none.</summary>
    public string? Qualifications { get; private set; }

    /// <summary>The pupil's own view of the placement, at its end.</summary>
    public string? PupilViewAtEnd { get; private set; }

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

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
        };
    }

    /// <summary>This placement's pupil as the registration rule counts them on a day (004 §7.2).</summary>
    public PlacedPupil AsPlaced(Pupil pupil, DateOnly on) =>
        new(pupil.Id, FullTime, CompulsorySchoolAge.Reached(pupil.DateOfBirth, on), pupil.Flags.LookedAfter, pupil.Flags.Ehcp);
}
