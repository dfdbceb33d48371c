using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;

namespace FlexiSchooling.Web.Documents;

/// <summary>The commissioning agreement as the document prints it (004 §7.11), with the placement it commissions.</summary>
public sealed record CommissioningAgreementDocument(
    Letterhead Letterhead,
    string PupilName,
    string YearGroup,
    DateOnly DateOfBirth,
    string ProviderName,
    string ProviderAddress,
    string ProviderContact,
    string Registration,
    string? Urn,
    bool FullTime,
    string AtProvider,
    DateOnly StartDate,
    DateOnly PlannedEndDate,
    string OffSiteCode,
    CommissioningAgreement Terms,
    string RecordedBy);

/// <summary>A QA visit as its record prints it (002 appendix 5).</summary>
public sealed record VisitRecordDocument(Letterhead Letterhead, string PupilName, string YearGroup, string Needs, string ProviderName, PlacementVisit Visit, string RecordedBy);

/// <summary>The consideration and referral form (002 appendix 1a) as completed with the head's decision.</summary>
public sealed record ReferralFormDocument(Letterhead Letterhead, string PupilName, string YearGroup, string Needs, string SeniorLeader, DateOnly ReferredOn, string ProviderName,
    string Registration, string Placement, DateOnly StartDate, DateOnly PlannedEndDate, string PreviousInformation, string Reasons, decimal FullCost, string Funding,
    string ParentMeeting, string PupilVoice, string ParentalAgreement, string HeadteacherAgreement, bool OffSiteDirection);

/// <summary>The report of the professionals' initial visit to the provision (002 appendix 1b).</summary>
public sealed record InitialVisitDocument(Letterhead Letterhead, string PupilName, string YearGroup, string ProviderName, string Registration, Placement Placement, string? Authorisation);

/// <summary>What each AP placement document says, built from the case as it stands.</summary>
public static class PlacementDocuments
{
    /// <summary>
    /// The letter telling the local authority of a new placement (004 §7.12: "the local authority will be informed of each
    /// new placement"): where, full or part time, from when to when, why, how sessions are coded and how it is quality
    /// assured; the pupil stays on the school's roll.
    /// </summary>
    public static CaseDocumentToKeep<NotificationLetter> Notification(School school, string trustName, DateOnly on, string recipient, Pupil pupil, Placement placement,
        AlternativeProvider provider, Domain.Policy.PolicyProfileSettings decidedUnder, string signedBy)
    {
        var name = FlexiDocuments.PupilName(pupil);
        var letter = new NotificationLetter(Letterhead.For(school, trustName), on, recipient.Trim(), $"Notification of an alternative provision placement: {name}",
            $"I am writing to tell you that {school.Name} has agreed an alternative provision placement for the pupil below. The pupil stays on the school's roll, and the school remains responsible for their education and safeguarding.",
            name, pupil.DateOfBirth, YearGroups.Label(pupil.YearGroup), pupil.Upn,
            [
                new("Provider", $"{provider.Name}, {provider.Address} ({ProviderRegistrations.Label(provider.Registration).ToLowerInvariant()}{(provider.Urn is { } urn ? $", URN {urn}" : "")}{(provider.Ukprn is { } ukprn ? $", UKPRN {ukprn}" : "")})"),
                new("Placement", placement.FullTime ? "Full time" : $"Part time: {placement.InSchool.OtherSessions} sessions a week at the provider; in school {placement.InSchool.Describe()}"),
                new("Dates", $"From {placement.StartDate:dddd d MMMM yyyy}, planned to end {placement.PlannedEndDate:d MMMM yyyy}"),
                new("Why", placement.Reasons),
                new("Sessions at the provider", $"Recorded in the register as {decidedUnder.AlternativeProvision.OffSiteCode} (approved educational activity) from the provider's daily reports; absence as reported."),
                new("Quality assurance", $"Visits to the provider {FlexiDocuments.Cadence(decidedUnder.AlternativeProvision.VisitCadence).ToLowerInvariant()} and reviews {FlexiDocuments.Cadence(decidedUnder.AlternativeProvision.ReviewCadence).ToLowerInvariant()}, with the pupil and the parents"),
                new("EHC plan", pupil.Flags.Ehcp ? "Yes: the local authority's SEN team is told too." : "No"),
            ],
            "The school will tell you when the placement ends and where the pupil goes next. If you have any information that bears on this placement, please contact me.",
            school.HeadteacherName ?? signedBy);
        return new("NotificationLetter", letter, CaseDocumentKind.LocalAuthorityNotification, $"Alternative provision notification {name} to the local authority {on:yyyy-MM-dd}.pdf");
    }

    /// <summary>
    /// The written notice of an off-site direction (004 §6.5; statutory practice): to the parents — and to the local
    /// authority for a pupil with an EHCP — at least 2 school days before the first day, giving the provider's address and
    /// contact, the first day, the number of days and the session times, the reasons and objectives, the maximum period and
    /// how it is reviewed; the parents' consent is not needed, and their duty under section 444(1) of the Education Act 1996
    /// is stated.
    /// </summary>
    public static CaseDocumentToKeep<NotificationLetter> DirectionNotice(School school, string trustName, DateOnly on, string recipient, Pupil pupil, Placement placement,
        AlternativeProvider provider, CommissioningAgreement? commissioning, Domain.Policy.PolicyProfileSettings decidedUnder, string signedBy)
    {
        var name = FlexiDocuments.PupilName(pupil);
        var days = placement.FullTime ? "Every school day (full time)" : $"{placement.InSchool.OtherSessions / 2m:0.#} days a week ({placement.InSchool.OtherSessions} sessions); the rest of the week in school: {placement.InSchool.Describe()}";
        var letter = new NotificationLetter(Letterhead.For(school, trustName), on, recipient.Trim(), $"Off-site direction to improve behaviour: {name}",
            $"I am writing to tell you that the governing body of {school.Name} has directed that {name} attends {provider.Name} to improve their behaviour (an off-site direction). {name} stays on the school's roll, and the school remains responsible for their education and safeguarding.",
            name, pupil.DateOfBirth, YearGroups.Label(pupil.YearGroup), pupil.Upn,
            [
                new("Where", $"{provider.Name}, {provider.Address}"),
                new("Contact there", $"{provider.ContactName}{(string.IsNullOrWhiteSpace(provider.ContactPhone) ? "" : $", {provider.ContactPhone}")}{(string.IsNullOrWhiteSpace(provider.ContactEmail) ? "" : $", {provider.ContactEmail}")}"),
                new("First day", placement.StartDate.ToString("dddd d MMMM yyyy")),
                new("Days", days),
                new("Session times", commissioning?.DaysAndTimes ?? "As the provider's timetable, which the school will send you before the first day"),
                new("Reasons and objectives", placement.Reasons),
                new("How long", $"Until {placement.PlannedEndDate:d MMMM yyyy} at the latest (the direction's maximum period)"),
                new("Reviews", $"{FlexiDocuments.Cadence(decidedUnder.AlternativeProvision.ReviewCadence)}, with you and your child, and sooner if needed"),
                new("Your duty", "Your consent is not needed for an off-site direction, but you remain under the duty in section 444(1) of the Education Act 1996 to ensure that your child attends this provision as if it were their main school."),
            ],
            "Attendance is recorded at every session and any absence is followed up as it would be in school. If you would like to talk about the direction, please contact me.",
            school.HeadteacherName ?? signedBy);
        return new("NotificationLetter", letter, CaseDocumentKind.LocalAuthorityNotification, $"Off-site direction notice {name} {on:yyyy-MM-dd}.pdf");
    }

    /// <summary>The record of a QA visit, produced when it is recorded and kept with the case (002 appendix 5).</summary>
    public static CaseDocumentToKeep<VisitRecordDocument> Visit(School school, string trustName, Pupil pupil, AlternativeProvider provider, PlacementVisit visit, string recordedBy)
    {
        var document = new VisitRecordDocument(Letterhead.For(school, trustName), FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup), Needs(pupil),
            provider.Name, visit, recordedBy);
        return new("VisitRecord", document, CaseDocumentKind.VisitRecord, $"QA visit {FlexiDocuments.PupilName(pupil)} {visit.VisitedOn:yyyy-MM-dd}.pdf");
    }

    /// <summary>The referral form of 002 appendix 1a, completed when the head agrees or declines the placement.</summary>
    public static CaseDocumentToKeep<ReferralFormDocument> Referral(School school, string trustName, Arrangement decided, Pupil pupil, Placement placement, AlternativeProvider provider, string head)
    {
        var document = new ReferralFormDocument(Letterhead.For(school, trustName), FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup), Needs(pupil),
            $"{decided.RequestedBy} ({decided.RequesterRelationship})", decided.RequestedOn, provider.Name, ProviderRegistrations.Label(provider.Registration),
            placement.FullTime ? "Full time" : $"Part time: {placement.InSchool.OtherSessions} sessions a week at the provider; in school {placement.InSchool.Describe()}",
            placement.StartDate, placement.PlannedEndDate, placement.PreviousInformation.Length == 0 ? "None recorded" : placement.PreviousInformation, placement.Reasons,
            placement.FullCost, placement.Funding, placement.ParentMeeting.Length == 0 ? "None recorded" : placement.ParentMeeting, placement.PupilVoice,
            placement.OffSiteDirection ? "Not needed: an off-site direction, approved by the governing body, with written notice to the parents (004 §6)"
                : placement.ParentAgreedOn is { } agreed ? $"Agree ({agreed:d MMMM yyyy})" : "Not yet recorded: the parents' agreement is recorded before the start",
            decided.Outcome == DecisionOutcome.Agreed ? $"Agreed by {head} on {decided.DecidedOn:d MMMM yyyy}" : $"Not agreed by {head} on {decided.DecidedOn:d MMMM yyyy}: {decided.DecisionReason}",
            placement.OffSiteDirection);
        return new("ReferralForm", document, CaseDocumentKind.ReferralForm, $"Referral form {FlexiDocuments.PupilName(pupil)} {decided.DecidedOn:yyyy-MM-dd}.pdf");
    }

    /// <summary>The initial visit's report (002 appendix 1b), produced each time it is recorded; for an unregistered provider, the trust's authorisation is shown.</summary>
    public static CaseDocumentToKeep<InitialVisitDocument> InitialVisit(School school, string trustName, Pupil pupil, Placement placement, AlternativeProvider provider)
    {
        var authorisation = provider.Registration != ProviderRegistration.Unregistered ? null
            : provider.TrustApprovedOn is { } approved ? $"The trust approved the use of this unregistered provider on {approved:d MMMM yyyy}: {provider.TrustApprovalNote}"
            : "Not yet given: the trust's approval of this unregistered provider is needed before any placement";
        var document = new InitialVisitDocument(Letterhead.For(school, trustName), FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup), provider.Name,
            ProviderRegistrations.Label(provider.Registration), placement, authorisation);
        return new("InitialVisitReport", document, CaseDocumentKind.InitialVisitReport, $"Initial visit {FlexiDocuments.PupilName(pupil)} {placement.InitialVisitOn:yyyy-MM-dd}.pdf");
    }

    /// <summary>002 appendices 1a, 5 and 6 "SEND/ FSM/ LAC/ PP": the pupil's needs and groups as the forms list them.</summary>
    public static string Needs(Pupil pupil)
    {
        var f = pupil.Flags;
        var needs = string.Join(", ", new[] { (f.Ehcp, "EHCP"), (f.SenSupport, "SEN support"), (f.FreeSchoolMeals, "FSM"), (f.LookedAfter, "LAC"), (f.PupilPremium, "PP") }.Where(x => x.Item1).Select(x => x.Item2));
        return needs.Length == 0 ? "None" : needs;
    }

    /// <summary>The commissioning agreement, produced each time it is recorded and kept with the case (004 §7.11).</summary>
    public static CaseDocumentToKeep<CommissioningAgreementDocument> Commissioning(School school, string trustName, Pupil pupil, Placement placement, AlternativeProvider provider,
        CommissioningAgreement terms, string offSiteCode, string recordedBy)
    {
        var atProvider = placement.FullTime ? "Every session, Monday to Friday" : $"{placement.InSchool.OtherSessions} sessions a week: the rest in school";
        var document = new CommissioningAgreementDocument(Letterhead.For(school, trustName), FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup), pupil.DateOfBirth,
            provider.Name, provider.Address, provider.ContactName, ProviderRegistrations.Label(provider.Registration), provider.Urn, placement.FullTime, atProvider,
            placement.StartDate, placement.PlannedEndDate, offSiteCode, terms, recordedBy);
        return new("CommissioningAgreement", document, CaseDocumentKind.CommissioningAgreement, $"Commissioning agreement {FlexiDocuments.PupilName(pupil)} {placement.StartDate:yyyy-MM-dd}.pdf");
    }
}
