using System.Security.Cryptography;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Arrangements;

public enum CaseDocumentKind
{
    /// <summary>The parent's written request, uploaded as received.</summary>
    RequestLetter,

    /// <summary>The head's decision letter, as produced and sent.</summary>
    DecisionLetter,

    /// <summary>A draft of the flexi-schooling agreement, as produced for signing.</summary>
    Agreement,

    /// <summary>An approved risk assessment, as approved.</summary>
    RiskAssessment,

    /// <summary>The agreement as signed in person on paper, scanned.</summary>
    SignedAgreement,

    /// <summary>The letter ending the arrangement, with its notice and last day.</summary>
    TerminationLetter,

    /// <summary>The letter telling the local authority of the arrangement (002 §5.1), as sent.</summary>
    LocalAuthorityNotification,

    /// <summary>Evidence the parent brought to a review (a diary, work samples, photographs), uploaded with it.</summary>
    ReviewEvidence,

    /// <summary>A part-time timetable's plan with the parent's and the school's agreement (003 appendix 1), as produced for signing.</summary>
    PartTimePlan,

    /// <summary>The evidence of a consent, agreement or notification: the signed consent, the email to the local authority.</summary>
    ConsentEvidence,

    /// <summary>A review as recorded, produced when it is held.</summary>
    ReviewRecord,

    /// <summary>A paper record of a case brought in from before the product (a decision letter, a review's notes), scanned.</summary>
    ScannedRecord,

    /// <summary>A risk assessment completed on paper before the case was brought in, scanned: safeguarding content.</summary>
    ScannedRiskAssessment,

    /// <summary>An AP placement's commissioning agreement with the provider (004 §7.11), as recorded.</summary>
    CommissioningAgreement,

    /// <summary>The record of a QA visit to the provider (002 appendix 5).</summary>
    VisitRecord,

    /// <summary>The consideration and referral form of 002 appendix 1a, completed with the head's decision.</summary>
    ReferralForm,

    /// <summary>The report of the professionals' initial visit to the provision (002 appendix 1b).</summary>
    InitialVisitReport,
}

/// <summary>What each kind of case document is called on pages, and which hold safeguarding narratives.</summary>
public static class CaseDocumentKinds
{
    /// <summary>A risk assessment's narrative opens only for those who may read safeguarding information (<c>Permission.ReadSafeguarding</c>); others see that it exists.</summary>
    public static bool IsSafeguarding(CaseDocumentKind kind) => kind is CaseDocumentKind.RiskAssessment or CaseDocumentKind.ScannedRiskAssessment;

    public static string Label(CaseDocumentKind kind) => kind switch
    {
        CaseDocumentKind.RequestLetter => "Parent's request",
        CaseDocumentKind.DecisionLetter => "Decision letter",
        CaseDocumentKind.Agreement => "Agreement for signing",
        CaseDocumentKind.RiskAssessment => "Approved risk assessment",
        CaseDocumentKind.SignedAgreement => "Signed agreement (scan)",
        CaseDocumentKind.TerminationLetter => "Termination letter",
        CaseDocumentKind.LocalAuthorityNotification => "Notification letter",
        CaseDocumentKind.ReviewEvidence => "Evidence brought to a review",
        CaseDocumentKind.PartTimePlan => "Part-time timetable and parental agreement",
        CaseDocumentKind.ConsentEvidence => "Consent or notification (evidence)",
        CaseDocumentKind.ScannedRecord => "Paper record (scanned)",
        CaseDocumentKind.ScannedRiskAssessment => "Risk assessment on paper (scanned)",
        CaseDocumentKind.CommissioningAgreement => "Commissioning agreement",
        CaseDocumentKind.VisitRecord => "QA visit record",
        CaseDocumentKind.ReferralForm => "Referral form (appendix 1a)",
        CaseDocumentKind.InitialVisitReport => "Initial visit report (appendix 1b)",
        CaseDocumentKind.ReviewRecord => "Review record",
    };
}

/// <summary>
/// A file kept with a case: an upload (the parent's letter or email) or a document the product
/// produced (a letter as sent). Stored whole with the case, never changed; downloading it is an
/// audited view for those who may see the case.
/// </summary>
public sealed class CaseDocument : ISchoolOwned, ITrustStampable
{
    /// <summary>Uploads are capped at 10 MB: a scanned letter or a photographed page is far smaller.</summary>
    public const int MaxUploadBytes = 10 * 1024 * 1024;

    private CaseDocument() { }

    public CaseDocument(Guid schoolId, Guid arrangementId, CaseDocumentKind kind, string fileName, string contentType, byte[] content, Guid? createdBy, DateTimeOffset createdAt)
    {
        Id = Ids.New(createdAt);
        SchoolId = schoolId;
        ArrangementId = arrangementId;
        Kind = kind;
        FileName = Path.GetFileName(fileName).Trim() is { Length: > 0 and <= 200 } name ? name : $"{kind}.bin";
        ContentType = contentType;
        Content = content;
        Size = content.Length;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        CreatedBy = createdBy;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    public CaseDocumentKind Kind { get; private set; }

    public string FileName { get; private set; } = "";

    public string ContentType { get; private set; } = "";

    public int Size { get; private set; }

    public string Sha256 { get; private set; } = "";

    public byte[] Content { get; private set; } = [];

    public Guid? CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The review a piece of evidence was brought to, if any.</summary>
    public Guid? ReviewId { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>
    /// An upload is accepted by what it is, not by its name: a PDF, PNG or JPEG by its first bytes, at most
    /// <see cref="MaxUploadBytes"/>. Returns the content type to store.
    /// </summary>
    /// <summary>Evidence the parent brought to <paramref name="review"/>: kept with the case and linked to that review.</summary>
    public static CaseDocument ReviewEvidenceFor(ArrangementReview review, string fileName, byte[] content, Guid? createdBy, DateTimeOffset createdAt) =>
        new(review.SchoolId, review.ArrangementId, CaseDocumentKind.ReviewEvidence, fileName, CheckUpload(content), content, createdBy, createdAt) { ReviewId = review.Id };

    public static string CheckUpload(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
        {
            throw new DomainRuleException("upload-not-empty", "The file is empty.", "Letter");
        }

        if (content.Length > MaxUploadBytes)
        {
            throw new DomainRuleException("upload-size", "The file must be smaller than 10 MB.", "Letter");
        }

        return content switch
        {
            [0x25, 0x50, 0x44, 0x46, 0x2D, ..] => "application/pdf", // %PDF-
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
            [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
            _ => throw new DomainRuleException("upload-type", "The file must be a PDF, or a photo or scan as JPEG or PNG.", "Letter"),
        };
    }
}
