using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Trusts;

namespace FlexiSchooling.Web.Documents;

/// <summary>What every letter's head carries: the school's name and letterhead details from its settings.</summary>
public sealed record Letterhead(string SchoolName, string TrustName, IReadOnlyList<string> Address, string? Telephone, string? Email, string? HeadteacherName)
{
    public static Letterhead For(School school, string trustName) => new(
        school.Name,
        trustName,
        [.. new[] { school.AddressLine1, school.AddressLine2, school.Town, school.Postcode }.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l!)],
        school.Telephone,
        school.Email,
        school.HeadteacherName);
}

public sealed record LetterCriterion(string Text, bool Met);

/// <summary>The head's decision on a flexi-schooling request, as written to the parent (000 §4, 001).</summary>
public sealed record DecisionLetter(
    Letterhead Letterhead,
    DateOnly Date,
    string ParentName,
    string PupilName,
    string? YearGroup,
    DateOnly RequestedOn,
    DateOnly MeetingOn,
    DecisionOutcome Outcome,
    string? Reason,
    IReadOnlyList<LetterCriterion> Criteria,
    bool LocalAuthorityAgreed,
    string SignedBy);

/// <summary>A draft of the flexi-schooling agreement for signing (000 §4; 004 §10.5), with the rules of the profile the case was decided under.</summary>
public sealed record AgreementDocument(
    Letterhead Letterhead,
    string PupilName,
    string YearGroup,
    DateOnly DateOfBirth,
    string ParentName,
    FlexiSchooling.Domain.Flexi.FlexiAgreement Terms,
    string ReviewCadence,
    int SchoolNoticeWeeks,
    int? ParentNoticeWeeks,
    decimal? FormalReviewBelowPercent,
    string? FormalReviewAgreedBy,
    string HomeSessionCode);

/// <summary>An approved risk assessment, as approved, for the case file.</summary>
public sealed record RiskAssessmentDocument(
    Letterhead Letterhead,
    string PupilName,
    string YearGroup,
    string TemplateTitle,
    FlexiSchooling.Domain.RiskAssessments.RiskAssessment Assessment,
    string PreparedBy,
    string ApprovedBy);

/// <summary>The letter ending a flexi-schooling arrangement, with its notice and last day (000 §7; 004 §10.6).</summary>
public sealed record TerminationLetter(
    Letterhead Letterhead,
    DateOnly Date,
    string ParentName,
    string PupilName,
    bool ByParent,
    DateOnly NoticeGivenOn,
    int NoticeWeeks,
    DateOnly LastDay,
    string Reason,
    string SignedBy);

/// <summary>One row of a notification letter's details: what the recipient needs to know of the arrangement.</summary>
public sealed record LetterDetail(string Label, string Value);

/// <summary>
/// The letter telling a party of an arrangement of any kind — the local authority (002 §5.1; 003 "notify the local
/// authority"; 004 §7.12) or, at OLoL, the trust's link DPS — one template for every kind, each kind giving its own
/// opening and details (<see cref="FlexiDocuments.Notification"/>, <see cref="PartTimeDocuments.Notification"/>).
/// </summary>
public sealed record NotificationLetter(
    Letterhead Letterhead,
    DateOnly Date,
    string Recipient,
    string Subject,
    string Opening,
    string PupilName,
    DateOnly DateOfBirth,
    string YearGroup,
    string Upn,
    IReadOnlyList<LetterDetail> Details,
    string Closing,
    string SignedBy);
