using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.RiskAssessments;
using FlexiSchooling.Domain.Trusts;

namespace FlexiSchooling.Web.Documents;

/// <summary>A document to produce and keep with a case: its template, its model, its kind and the file name it is kept under.</summary>
public sealed record CaseDocumentToKeep<TModel>(string Template, TModel Model, CaseDocumentKind Kind, string FileName);

/// <summary>
/// What each flexi-schooling document says, built from the case as it stands: one place for the pages that
/// produce them and for the demo seed, so a seeded case's documents read exactly as a real one's.
/// </summary>
public static class FlexiDocuments
{
    /// <summary>The pupil's name as letters give it: preferred forename, legal surname.</summary>
    public static string PupilName(Pupil pupil) => $"{pupil.PreferredForename ?? pupil.LegalForename} {pupil.LegalSurname}";

    /// <summary>The profile's review cadence as a person reads it (the policy pages' own wording).</summary>
    public static string Cadence(ReviewCadence cadence) => Pages.Admin.Policy.PolicyDisplay.Format(cadence);

    /// <summary>The head's decision letter (000 §4, 001: no appeal; a meeting, then the complaints procedure).</summary>
    public static CaseDocumentToKeep<DecisionLetter> Decision(School school, string trustName, Arrangement decided, Pupil pupil, string signedBy)
    {
        var decidedOn = decided.DecidedOn!.Value;
        var letter = new DecisionLetter(
            Letterhead.For(school, trustName), decidedOn, decided.RequestedBy, PupilName(pupil), YearGroups.Label(pupil.YearGroup), decided.RequestedOn, decided.MeetingOn!.Value,
            decided.Outcome!.Value, decided.DecisionReason, [.. FlexiRules.Criteria.Select(c => new LetterCriterion(c.Text, decided.Criteria.Single(a => a.Key == c.Key).Met))],
            pupil.Flags.Ehcp && decided.LocalAuthorityAgreedOn is not null, school.HeadteacherName ?? signedBy);
        return new("DecisionLetter", letter, CaseDocumentKind.DecisionLetter, $"Flexi-schooling decision {PupilName(pupil)} {decidedOn:yyyy-MM-dd}.pdf");
    }

    /// <summary>A draft of the agreement for signing, with the rules of the profile version the case was decided under.</summary>
    public static CaseDocumentToKeep<AgreementDocument> Agreement(School school, string trustName, Arrangement arrangement, Pupil pupil, FlexiAgreement agreement, FlexiSettings decidedUnder)
    {
        var document = new AgreementDocument(Letterhead.For(school, trustName), PupilName(pupil), YearGroups.Label(pupil.YearGroup), pupil.DateOfBirth, arrangement.RequestedBy, agreement,
            Cadence(decidedUnder.ReviewCadence), decidedUnder.SchoolNoticeWeeks, decidedUnder.ParentNoticeWeeks,
            decidedUnder.FormalReviewBelowPercent, decidedUnder.FormalReviewAgreedBy, decidedUnder.HomeSessionCode);
        return new("Agreement", document, CaseDocumentKind.Agreement, $"Flexi-schooling agreement {PupilName(pupil)} draft {agreement.Draft}.pdf");
    }

    /// <summary>An approved risk assessment, as approved.</summary>
    public static CaseDocumentToKeep<RiskAssessmentDocument> RiskAssessment(School school, string trustName, Pupil pupil, RiskTemplate template, RiskAssessment assessment, string preparedBy, string approvedBy)
    {
        var document = new RiskAssessmentDocument(Letterhead.For(school, trustName), PupilName(pupil), YearGroups.Label(pupil.YearGroup), template.Title, assessment, preparedBy, approvedBy);
        return new("RiskAssessment", document, CaseDocumentKind.RiskAssessment, $"Risk assessment {PupilName(pupil)} version {assessment.Number}.pdf");
    }

    /// <summary>The letter telling the local authority (or, at OLoL, the trust) of the arrangement (002 §5.1).</summary>
    public static CaseDocumentToKeep<NotificationLetter> Notification(
        School school, string trustName, DateOnly on, string recipient, bool toTrust, Pupil pupil, Arrangement arrangement, FlexiAgreement agreement, FlexiSettings decidedUnder, string signedBy)
    {
        var letter = new NotificationLetter(Letterhead.For(school, trustName), on, recipient.Trim(), $"Notification of a flexi-schooling arrangement: {PupilName(pupil)}",
            $"I am writing to tell you that {school.Name} has agreed a flexi-schooling arrangement for the pupil below, at the written request of their parent. " + (toTrust
                ? "The trust's policy asks that the link designated person for safeguarding is told of every arrangement."
                : "The quality and suitability of the education provided at home is the responsibility of the local authority; the school will work with you wherever necessary to ensure the child's education overall is suitable."),
            PupilName(pupil), pupil.DateOfBirth, YearGroups.Label(pupil.YearGroup), pupil.Upn,
            [
                new("Parent", arrangement.RequestedBy),
                new("Sessions in school", agreement.Pattern.Describe()),
                new("Sessions at home", $"Every other session, recorded in the register with code {decidedUnder.HomeSessionCode} (authorised absence)"),
                new("Starting", $"{agreement.StartDate:dddd d MMMM yyyy}, once the agreement is signed by the parent and the school"),
                new("Reviews", $"{Cadence(decidedUnder.ReviewCadence)}, with a formal review if attendance at the agreed school sessions or progress falls below the school's standard"),
            ],
            "The school remains responsible for the child's welfare while they are at school, and the parents at all other times. If you have any information that bears on this arrangement, please contact me.",
            school.HeadteacherName ?? signedBy);
        return new("NotificationLetter", letter, CaseDocumentKind.LocalAuthorityNotification,
            $"Flexi-schooling notification {PupilName(pupil)} to {(toTrust ? "the trust" : "the local authority")} {on:yyyy-MM-dd}.pdf");
    }

    /// <summary>The letter ending the arrangement, with the notice the profile gives and the last day (000 §7; 004 §10.6).</summary>
    public static CaseDocumentToKeep<TerminationLetter> Termination(School school, string trustName, DateOnly date, Arrangement ending, Pupil pupil, FlexiSettings decidedUnder, string signedBy)
    {
        var byParent = ending.NoticeGivenBy == nameof(NoticeGivenBy.Parent);
        var noticeOn = ending.NoticeGivenOn!.Value;
        var letter = new TerminationLetter(Letterhead.For(school, trustName), date, ending.RequestedBy, PupilName(pupil), byParent, noticeOn,
            byParent ? decidedUnder.ParentNoticeWeeks!.Value : decidedUnder.SchoolNoticeWeeks, ending.EndsOn!.Value, ending.EndReason!, school.HeadteacherName ?? signedBy);
        return new("TerminationLetter", letter, CaseDocumentKind.TerminationLetter, $"End of flexi-schooling {PupilName(pupil)} {noticeOn:yyyy-MM-dd}.pdf");
    }
}
