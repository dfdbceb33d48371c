using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>One item of a provider's due diligence, with where the policies ask for it.</summary>
public sealed record ProviderCheckItem(string Key, string Label, string Hint, string Source);

/// <summary>
/// The due-diligence checks made on a provider before a pupil is placed, and again each year or after a material
/// change (004 §7.8 and §7.9; 002 appendix 1b, the initial visit; the DfE's 2025 national standards for non-school AP:
/// enhanced DBS and a single central record, a named safeguarding lead, session-by-session attendance).
/// </summary>
public static class ProviderCheckItems
{
    public static readonly IReadOnlyList<ProviderCheckItem> All =
    [
        new("registration", "Registration status confirmed", "Ofsted or DfE register checked; URN or UKPRN matches", "004 §7.8; §7.2"),
        new("inspection", "Latest inspection report reviewed", "Ofsted report, and any local authority or other published report", "004 §7.8"),
        new("safeguarding", "Safeguarding policy and named safeguarding lead", "Including online safety; the lead's name and contact", "004 §7.8; 002 appendix 1b"),
        new("safer-recruitment", "Safer recruitment, single central record and enhanced DBS", "Written confirmation of staff safeguarding checks", "004 §7.8; DfE AP standards 2025"),
        new("data-protection", "Data management and protection", "Policy seen; how pupil information is kept and shared", "004 §7.8"),
        new("health-and-safety", "Health and safety, and the site", "Fire, first aid, lockdown; site security, toilets, protective equipment, catering, condition", "004 §7.8"),
        new("complaints", "Complaints policy", "", "004 §7.8"),
        new("attendance-behaviour", "Attendance and behaviour policies", "", "004 §7.8"),
        new("anti-bullying", "Anti-bullying policy", "", "004 §7.8"),
        new("insurance", "Insurance and compliance certificates", "Employer's and public liability; machinery, animals where relevant", "004 §7.8"),
        new("curriculum", "Curriculum offer", "Including personal development; enrolment and exam entries", "004 §7.8; 002 appendix 1b"),
        new("outcomes", "Qualifications and outcomes", "Track record of positive qualification outcomes", "004 §7.8"),
        new("attendance-reporting", "Attendance recorded AM and PM, reported daily", "How the school is told each day whether the pupil attended and was on time", "004 §7.8; 002 appendix 1b"),
        new("communication", "Communication and quality assurance visits", "How school and parents hear of progress and concerns; QA visits possible", "004 §7.8"),
    ];

    public static ProviderCheckItem? Find(string key) => All.FirstOrDefault(i => i.Key == key);
}

/// <summary>
/// One due-diligence check as made: the item, whether it was satisfactory, the evidence seen (and the document, where
/// one was kept), who checked and on what day. Append-only: a re-check is a new row and the latest for each item is the
/// one that counts (<see cref="ProviderRules"/>).
/// </summary>
public sealed class ProviderCheck : ITrustStampable
{
    public const int MaxEvidenceLength = 1000;

    private ProviderCheck() { }

    public ProviderCheck(Guid providerId, string item, bool satisfactory, string evidence, DateOnly checkedOn, Guid checkedBy, string checkedByName, DateOnly today, DateTimeOffset now, CheckedFile? file = null)
    {
        if (ProviderCheckItems.Find(item) is null)
        {
            throw new DomainRuleException("provider-check-item", "Choose one of the checks listed.");
        }

        if (string.IsNullOrWhiteSpace(evidence) || evidence.Trim().Length > MaxEvidenceLength)
        {
            throw new DomainRuleException("provider-check-evidence", $"Say what evidence was seen, in {MaxEvidenceLength} characters or fewer.");
        }

        if (checkedOn > today)
        {
            throw new DomainRuleException("provider-check-date", "A check cannot be dated in the future.");
        }

        Id = Ids.New();
        ProviderId = providerId;
        Item = item;
        Satisfactory = satisfactory;
        Evidence = evidence.Trim();
        CheckedOn = checkedOn;
        CheckedBy = checkedBy;
        CheckedByName = checkedByName;
        RecordedAt = now;
        EvidenceFile = file?.Content;
        EvidenceFileName = file?.Name;
        EvidenceContentType = file?.ContentType;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid ProviderId { get; private set; }

    /// <summary>The <see cref="ProviderCheckItem.Key"/>.</summary>
    public string Item { get; private set; } = "";

    public bool Satisfactory { get; private set; }

    public string Evidence { get; private set; } = "";

    public byte[]? EvidenceFile { get; private set; }

    public string? EvidenceFileName { get; private set; }

    public string? EvidenceContentType { get; private set; }

    public DateOnly CheckedOn { get; private set; }

    public Guid CheckedBy { get; private set; }

    public string CheckedByName { get; private set; } = "";

    public DateTimeOffset RecordedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>A check as a list shows it, without its evidence file's content (read only when the file is opened).</summary>
    public static ProviderCheck Listed(Guid id, Guid providerId, string item, bool satisfactory, string evidence, DateOnly checkedOn, Guid checkedBy, string checkedByName, DateTimeOffset recordedAt, string? fileName) => new()
    {
        Id = id,
        ProviderId = providerId,
        Item = item,
        Satisfactory = satisfactory,
        Evidence = evidence,
        CheckedOn = checkedOn,
        CheckedBy = checkedBy,
        CheckedByName = checkedByName,
        RecordedAt = recordedAt,
        EvidenceFileName = fileName,
    };
}

/// <summary>A document kept as a check's evidence (a policy, a certificate, the visit notes).</summary>
public sealed record CheckedFile(string Name, string ContentType, byte[] Content);
