using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.AlternativeProvision;

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

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

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
