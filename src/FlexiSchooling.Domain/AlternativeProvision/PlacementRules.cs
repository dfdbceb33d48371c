using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.RiskAssessments;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>
/// The rules of an AP placement's referral and agreement (002 appendix 1a; 004 §7), in one place: the referral complete,
/// the dates in order, a part-time placement with some sessions at the provider and some in school; and, when it is
/// referred and again when the head agrees it, the provider open for placements (<see cref="ProviderRules.NewPlacementRefusals"/>)
/// and the registration rule kept (<see cref="ProviderRules.RegistrationRefusals"/>) — refused at the provider field,
/// every reason named.
/// </summary>
public static class PlacementRules
{
    /// <summary>The stages whose placements count as the provider's pupils for the registration rule.</summary>
    public static readonly ArrangementStage[] Placed = [ArrangementStage.Agreed, ArrangementStage.Running];

    /// <summary>
    /// Whom a placement asks or tells, each through the shared consents page: the parents' agreement (002 appendix 1a),
    /// the local authority told of each new placement (004 §7.12), its SEN team for a pupil with an EHCP (002: an EHCP
    /// placement is made in liaison with the local authority), the virtual school head's agreement for a looked-after
    /// pupil, and the social worker told. An off-site direction (004 §6) asks the governing body's approval instead of
    /// the parents' agreement, and gives the parents — and the local authority for a pupil with an EHCP — written notice.
    /// </summary>
    public static IReadOnlyList<ConsentRequirement> Consents(PupilFlags flags, bool offSiteDirection = false)
    {
        List<ConsentRequirement> needed = offSiteDirection
            ?
            [
                new(ConsentParty.GoverningBody, ConsentKind.Agreement, "The governing body's approval of the off-site direction", "004 §6.4", "Governors"),
                new(ConsentParty.Parent, ConsentKind.Notification, "Written notice to the parents, 2 school days before the first day (their consent is not needed)", "004 §6.5",
                    "Alternative provision leader or headteacher"),
                new(ConsentParty.LocalAuthority, ConsentKind.Notification, "The local authority told of the placement", "004 §7.12", "Alternative provision leader"),
            ]
            :
            [
                new(ConsentParty.Parent, ConsentKind.Consent, "The parents' agreement", "002 appendix 1a", "Alternative provision leader or headteacher, with the parents"),
                new(ConsentParty.LocalAuthority, ConsentKind.Notification, "The local authority told of the placement", "004 §7.12", "Alternative provision leader"),
            ];
        if (flags.Ehcp)
        {
            needed.Add(offSiteDirection
                ? new(ConsentParty.LocalAuthoritySenTeam, ConsentKind.Notification, "Written notice to the local authority (EHC plan), 2 school days before the first day", "004 §6; EHC plan", "SENCO")
                : new(ConsentParty.LocalAuthoritySenTeam, ConsentKind.Notification, "The local authority SEN team told (EHC plan)", "002 (EHC plan placements with the local authority)", "SENCO"));
        }

        if (flags.LookedAfter)
        {
            needed.Add(new(ConsentParty.VirtualSchoolHead, ConsentKind.Agreement, "The virtual school head's agreement (looked after)", "004 §7.10; statutory guidance for looked-after children", "Designated teacher or headteacher"));
        }

        if (flags.HasSocialWorker)
        {
            needed.Add(new(ConsentParty.SocialWorker, ConsentKind.Notification, "The pupil's social worker informed", "004 §7.10", "Designated safeguarding lead"));
        }

        return needed;
    }

    /// <summary>The school days' notice an off-site direction gives before its first day (statutory practice for directions under 004 §6).</summary>
    public const int DirectionNoticeSchoolDays = 2;

    /// <summary>
    /// The last day written notice of an off-site direction may be given: the second school day before the first day
    /// (so a Monday start needs notice by the Thursday before; holidays and closures do not count).
    /// </summary>
    public static DateOnly DirectionNoticeBy(Calendar.SchoolCalendar calendar, DateOnly firstDay)
    {
        var d = firstDay;
        for (var counted = 0; counted < DirectionNoticeSchoolDays;)
        {
            d = d.AddDays(-1);
            if (calendar.IsSchoolDay(d))
            {
                counted++;
            }
        }

        return d;
    }

    /// <summary>
    /// What must be true before a placement starts, each with who acts: the consents and notifications of
    /// <see cref="Consents"/> (the local authority's unless it takes half-termly returns), the risk assessment of 002
    /// appendix 2 approved (004 §7.8), and the commissioning agreement of 004 §7.11 recorded.
    /// </summary>
    /// <param name="initialVisitMade">For a placement at an unregistered provider, whether the initial visit of 002 appendix 1b is reported (002: required there); null elsewhere.</param>
    /// <param name="directionNoticeBy">For an off-site direction, the last day its written notices may be given (<see cref="DirectionNoticeBy"/>): a notice recorded later does not meet its gate.</param>
    public static IReadOnlyList<Gate> StartGates(IEnumerable<ArrangementConsent> recorded, RiskAssessment? latestRiskAssessment, bool commissioningAgreed, PupilFlags flags, Trusts.LocalAuthority? localAuthority,
        DateOnly? directionNoticeBy = null, bool? initialVisitMade = null)
    {
        var consents = recorded.ToList();
        Gate AsGate(ConsentRequirement c) => directionNoticeBy is { } by && c.Party is ConsentParty.Parent or ConsentParty.LocalAuthoritySenTeam
            ? new Gate($"{c.What}: by {by:d MMMM yyyy}", c.WhoActs, ArrangementConsent.Latest(consents, c.Party) is { Answer: ConsentAnswer.Told } told && told.On <= by)
            : c.AsGate(consents);
        return
        [
            .. Consents(flags, directionNoticeBy is not null).Where(c => CaseNotifications.BeforeStart(c, localAuthority)).Select(AsGate),
            new("The risk assessment approved (002 appendix 2)", "Designated safeguarding lead; approved by a headteacher or DSL", latestRiskAssessment is { Status: RiskAssessmentStatus.Approved }),
            new("The commissioning agreement recorded (004 §7.11)", "Alternative provision leader, with the provider", commissioningAgreed),
            .. initialVisitMade is { } made ? [new Gate("The initial visit to the unregistered provision reported (002 appendix 1b)", "Alternative provision leader", made)] : Array.Empty<Gate>(),
        ];
    }

    /// <summary>The source of the expected marks a placement puts in the register, naming the provider (as the register shows it; at most 100 characters).</summary>
    public static string SessionsSource(string providerName)
    {
        var source = $"Alternative provision: {providerName}";
        return source.Length <= 100 ? source : source[..100];
    }

    /// <summary>
    /// Starts an agreed placement whose gates are met (<see cref="Arrangement.Start"/>, on its start date or the day it
    /// really began): each session at the provider goes into the register as an expected mark — the profile's off-site code
    /// (B, approved educational activity), naming the provider — until the planned end; the attendance officer then
    /// records what the provider reports. Its first review falls due at the profile's cadence (004 §8: at least
    /// half-termly).
    /// </summary>
    public static ArrangementStart Start(Arrangement arrangement, Placement placement, string providerName, IReadOnlyList<Gate> gates, AlternativeProvisionSettings settings,
        Calendar.SchoolCalendar calendar, DateOnly startOn, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        var started = arrangement.Start(gates, placement.StartDate, startOn, today, userId, now);
        var began = arrangement.StartedOn!.Value;
        var marks = placement.InSchool.CoveredSessionsAsExpectedMarks(arrangement.SchoolId, arrangement.PupilId, began, placement.PlannedEndDate, settings.OffSiteCode, SessionsSource(providerName),
            $"At {providerName}");
        return ArrangementStart.With(arrangement, started, marks, calendar.NextReviewDate(settings.ReviewCadence, began), userId, now);
    }

    /// <summary>The head's decision on a referral (002 appendix 1a): not agreeing needs its reason, which the case keeps.</summary>
    public static void CheckDecision(DecisionOutcome outcome, string? reason)
    {
        if (outcome == DecisionOutcome.Declined && string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("placement-declined-reason", "Say why the placement is not agreed", "Reason");
        }
    }

    public static void CheckReferral(PlacementReferral r)
    {
        if (r.PlannedEndDate <= r.StartDate)
        {
            throw new DomainRuleException("placement-end-after-start", "The planned end must be after the start: a placement is for a set time and reviewed (004 §8).", "PlannedEndDate");
        }

        if (!r.FullTime && r.InSchool.OtherSessions == 0)
        {
            throw new DomainRuleException("placement-part-time-sessions", "Leave some sessions unticked: those are the sessions at the provider.", "InSchool");
        }

        if (!r.FullTime && r.InSchool.SchoolSessions == 0)
        {
            throw new DomainRuleException("placement-part-time-some-school", "Tick the sessions still in school: with none, the placement is full time.", "InSchool");
        }

        if (r.FullCost < 0)
        {
            throw new DomainRuleException("placement-cost", "The full cost cannot be negative.", "FullCost");
        }

        foreach (var (value, field, what) in new[] { (r.Reasons, "Reasons", "the reasons for the placement"), (r.Funding, "Funding", "who pays for it"), (r.PupilVoice, "PupilVoice", "what the pupil says about it") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new DomainRuleException("placement-referral-complete", $"Enter {what} (002 appendix 1a).", field);
            }
        }
    }

    /// <summary>
    /// Refuses the provider for this pupil (at the provider field) when it may take no new placement or the registration
    /// rule forbids it; <paramref name="placed"/> are the trust's pupils already placed there.
    /// </summary>
    public static void CheckProvider(AlternativeProvider provider, ProviderCheckState checks, AlternativeProvisionSettings settings, PlacedPupil pupil, IReadOnlyCollection<PlacedPupil> placed)
    {
        // A provider already in breach of 004 §7.2 takes no one ("the school will not use the services of any such provider").
        var breach = ProviderRules.RegistrationBreach(provider, placed);
        var reasons = (breach is null ? ProviderRules.RegistrationRefusals(provider, pupil, placed) : [breach])
            .Concat(ProviderRules.NewPlacementRefusals(provider, checks, settings)).ToList();
        if (reasons.Count > 0)
        {
            throw new DomainRuleException("placement-provider", $"{provider.Name} cannot take this placement. {string.Join(" ", reasons)}", "ProviderId");
        }
    }
}
