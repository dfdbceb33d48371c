using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>How a provider is registered (004 §7.2; 002 "Alternative Provision": "All Alternative Provision providers
/// should be registered with Ofsted"; domain.md "Provider due diligence").</summary>
public enum ProviderRegistration
{
    /// <summary>Registered with the DfE as an independent school, inspected against the Independent School Standards: may take any pupil.</summary>
    RegisteredIndependentSchool,

    /// <summary>Registered with Ofsted in another way (a further education provider, a registered setting), not as an independent school.</summary>
    OfstedRegistered,

    /// <summary>Not registered: used only in exceptional circumstances, with the trust's approval (002: the link DPS).</summary>
    Unregistered,
}

public static class ProviderRegistrations
{
    public static string Label(ProviderRegistration registration) => registration switch
    {
        ProviderRegistration.RegisteredIndependentSchool => "Registered independent school",
        ProviderRegistration.OfstedRegistered => "Ofsted-registered (not an independent school)",
        ProviderRegistration.Unregistered => "Unregistered",
    };
}

/// <summary>
/// An alternative provider, held by the trust and used by all its schools (issue 12, "Providers"): who it is, how to
/// reach it, its URN or UKPRN, how it is registered and its latest inspection. Its due-diligence checks are
/// <see cref="ProviderCheck"/> rows; whether it may take a new placement is <see cref="ProviderRules"/>'s to say.
/// </summary>
public sealed class AlternativeProvider : ITrustStampable
{
    public const int MaxNameLength = 150;

    /// <summary>The longest approval note or material change kept.</summary>
    public const int MaxNoteLength = 1000;

    private AlternativeProvider() { }

    public AlternativeProvider(Guid trustId, ProviderDetails details, DateTimeOffset now)
    {
        Id = Ids.New();
        TrustId = trustId;
        CreatedAt = now;
        Update(details);
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public string Name { get; private set; } = "";

    public string Address { get; private set; } = "";

    public string ContactName { get; private set; } = "";

    public string? ContactPhone { get; private set; }

    public string? ContactEmail { get; private set; }

    /// <summary>The unique reference number of a registered school or setting (6 or 7 digits), where it has one.</summary>
    public string? Urn { get; private set; }

    /// <summary>The UK provider reference number (8 digits, starting 1), where it has one.</summary>
    public string? Ukprn { get; private set; }

    /// <summary>The census's type of setting, for a provider with neither URN nor UKPRN (<see cref="CensusReturn"/>).</summary>
    public ApSettingType? CensusSettingType { get; private set; }

    public ProviderRegistration Registration { get; private set; }

    public DateOnly? LastInspectedOn { get; private set; }

    /// <summary>The latest inspection's judgement or outcome, as the report words it.</summary>
    public string? InspectionJudgement { get; private set; }

    /// <summary>The trust's approval to use an unregistered provider (002: the link DPS approves, "case-by-case").</summary>
    public DateOnly? TrustApprovedOn { get; private set; }

    public Guid? TrustApprovedBy { get; private set; }

    public string? TrustApprovalNote { get; private set; }

    /// <summary>A material change recorded (a new site, owner or safeguarding lead): every check is due again (004 §7.9).</summary>
    public DateOnly? MaterialChangeOn { get; private set; }

    public string? MaterialChange { get; private set; }

    /// <summary>When the change was recorded: a check recorded after it, even the same day, counts again.</summary>
    public DateTimeOffset? MaterialChangeRecordedAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public void Update(ProviderDetails details)
    {
        if (string.IsNullOrWhiteSpace(details.Name) || details.Name.Trim().Length > MaxNameLength)
        {
            throw new DomainRuleException("provider-name", $"A provider needs a name of {MaxNameLength} characters or fewer.");
        }

        if (details.Registration == ProviderRegistration.RegisteredIndependentSchool && string.IsNullOrWhiteSpace(details.Urn))
        {
            throw new DomainRuleException("provider-urn", "A registered independent school has a URN: enter it.");
        }

        Name = details.Name.Trim();
        Address = details.Address.Trim();
        ContactName = details.ContactName.Trim();
        ContactPhone = Clean(details.ContactPhone);
        ContactEmail = Clean(details.ContactEmail);
        Urn = Clean(details.Urn);
        Ukprn = Clean(details.Ukprn);
        CensusSettingType = details.CensusSettingType;
        if (details.Registration != Registration && Registration == ProviderRegistration.Unregistered)
        {
            // Approval was for an unregistered provider; once registered it is no longer needed, and a provider that
            // later loses its registration needs it afresh.
            TrustApprovedOn = null;
            TrustApprovedBy = null;
            TrustApprovalNote = null;
        }

        Registration = details.Registration;
        LastInspectedOn = details.LastInspectedOn;
        InspectionJudgement = Clean(details.InspectionJudgement);
    }

    /// <summary>The trust approves the use of this unregistered provider (002: "send these to their link DPS for approval").</summary>
    public void ApproveUnregistered(DateOnly on, Guid by, string note)
    {
        if (Registration != ProviderRegistration.Unregistered)
        {
            throw new DomainRuleException("provider-approval-unregistered", "Only an unregistered provider needs the trust's approval.");
        }

        if (string.IsNullOrWhiteSpace(note) || note.Trim().Length > MaxNoteLength)
        {
            throw new DomainRuleException("provider-approval-note", $"Say why the trust approves this unregistered provider, and what it saw (002: appendices 1a, 1b and 2), in {MaxNoteLength} characters or fewer.", "ApprovalNote");
        }

        TrustApprovedOn = on;
        TrustApprovedBy = by;
        TrustApprovalNote = note.Trim();
    }

    /// <summary>Records a material change: every check made before it (on an earlier day, or recorded earlier that day) is due again (004 §7.9).</summary>
    public void RecordMaterialChange(DateOnly on, string what, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(what) || what.Trim().Length > MaxNoteLength)
        {
            throw new DomainRuleException("provider-material-change", $"Say what changed (a new site, owner, manager or safeguarding lead), in {MaxNoteLength} characters or fewer.", "MaterialChange");
        }

        MaterialChangeOn = on;
        MaterialChange = what.Trim();
        MaterialChangeRecordedAt = now;
    }

    /// <summary>Whether a check was made before the latest material change, and so is due again.</summary>
    public bool ChangedSince(ProviderCheck check) =>
        MaterialChangeOn is { } on && (check.CheckedOn < on || (check.CheckedOn == on && check.RecordedAt < MaterialChangeRecordedAt));

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>What a person enters about a provider.</summary>
public sealed record ProviderDetails(
    string Name,
    string Address,
    string ContactName,
    string? ContactPhone,
    string? ContactEmail,
    string? Urn,
    string? Ukprn,
    ProviderRegistration Registration,
    DateOnly? LastInspectedOn,
    string? InspectionJudgement,
    ApSettingType? CensusSettingType = null);
