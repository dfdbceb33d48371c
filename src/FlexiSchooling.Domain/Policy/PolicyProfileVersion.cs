using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Policy;

/// <summary>
/// One approved version of a policy profile: the trust's default (<see cref="SchoolId"/> null) or
/// one school's override. Versions are never edited; a change is a new version with its own
/// approval, effective-from and next-review dates, so an arrangement can keep the version that was
/// in force when it was approved.
/// </summary>
public sealed class PolicyProfileVersion : ITrustOwned, ITrustStampable
{
    private PolicyProfileVersion() { }

    public PolicyProfileVersion(
        Guid? schoolId,
        int number,
        string templateKey,
        string sourcePolicy,
        PolicyProfileSettings settings,
        DateOnly approvedOn,
        string approvedBy,
        DateOnly effectiveFrom,
        DateOnly nextReviewDate,
        string? changeSummary)
    {
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            throw new DomainRuleException("policy-profile-coherent", problems[0].Message, problems[0].Setting);
        }

        if (nextReviewDate <= approvedOn)
        {
            throw new DomainRuleException("policy-profile-review-date", "The next review date must be after the approval date.", nameof(NextReviewDate));
        }

        if (effectiveFrom < approvedOn)
        {
            throw new DomainRuleException("policy-profile-effective-after-approval", "A version cannot take effect before it is approved.", nameof(EffectiveFrom));
        }

        Id = Ids.New();
        SchoolId = schoolId;
        Number = number;
        TemplateKey = templateKey;
        SourcePolicy = sourcePolicy;
        Settings = settings;
        ApprovedOn = approvedOn;
        ApprovedBy = approvedBy.Trim();
        EffectiveFrom = effectiveFrom;
        NextReviewDate = nextReviewDate;
        ChangeSummary = changeSummary?.Trim();
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    /// <summary>Null for the trust's default profile.</summary>
    public Guid? SchoolId { get; private set; }

    /// <summary>1, 2, 3… within the trust default or within one school's overrides.</summary>
    public int Number { get; private set; }

    /// <summary>The template the first version came from (see <see cref="PolicyTemplates"/>).</summary>
    public string TemplateKey { get; private set; } = "";

    /// <summary>The policy document the values follow, as people name it.</summary>
    public string SourcePolicy { get; private set; } = "";

    public PolicyProfileSettings Settings { get; private set; } = null!;

    public DateOnly ApprovedOn { get; private set; }

    public string ApprovedBy { get; private set; } = "";

    public DateOnly EffectiveFrom { get; private set; }

    public DateOnly NextReviewDate { get; private set; }

    public string? ChangeSummary { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>
    /// The version in force for a school on a date: the school's newest override already effective,
    /// else the trust's newest default already effective. Throws when neither exists, because every
    /// trust is created from a template (there is always a value: bitwarden's policy-requirement idea).
    /// </summary>
    public static PolicyProfileVersion InForce(IEnumerable<PolicyProfileVersion> versions, Guid schoolId, DateOnly date)
    {
        var effective = versions.Where(v => v.EffectiveFrom <= date).ToList();
        return effective.Where(v => v.SchoolId == schoolId).MaxBy(v => (v.EffectiveFrom, v.Number))
            ?? effective.Where(v => v.SchoolId is null).MaxBy(v => (v.EffectiveFrom, v.Number))
            ?? throw new InvalidOperationException($"No policy profile is in force on {date:yyyy-MM-dd}: the trust has no default version.");
    }
}
