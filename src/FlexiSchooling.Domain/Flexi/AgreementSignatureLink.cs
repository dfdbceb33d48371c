using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Flexi;

/// <summary>How a signature was given.</summary>
public enum SignatureMethod
{
    /// <summary>On paper, in person; the scan is kept with the case.</summary>
    InPerson,

    /// <summary>The parent typed their name through a one-time link emailed to them.</summary>
    TypedNameByLink,
}

/// <summary>What a parent's one-time link is for: signing a flexi agreement's draft, or consenting to a case (a part-time timetable's plan).</summary>
public enum LinkPurpose
{
    Agreement,
    Consent,
}

/// <summary>
/// A one-time link emailed to the parent to sign the current draft of the agreement by typing their name, or
/// (issue 11) to give their written consent to a part-time timetable's approved plan the same way
/// (issue 4, step 6: "works without an account and expires"). Only the token's hash is stored; the link
/// is looked up before any tenant is known through a security-definer function (docs/adr/0005). It signs
/// only the draft it was sent for: a redraft, a newer link, its use or its expiry ends it.
/// </summary>
public sealed class AgreementSignatureLink : ISchoolOwned, ITrustStampable
{
    /// <summary>Long enough for a parent to read the agreement over a weekend and sign; short enough not to linger.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private AgreementSignatureLink() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    /// <summary>The draft of the agreement the link signs (1 for a consent: a plan is frozen once approved).</summary>
    public int Draft { get; private set; }

    public LinkPurpose Purpose { get; private set; }

    public string Email { get; private set; } = "";

    /// <summary>The parent the link was sent to, as the school named them.</summary>
    public string ParentName { get; private set; } = "";

    public string TokenHash { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid? CreatedBy { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? UsedAt { get; private set; }

    /// <summary>Set when a newer link was sent: only the latest works.</summary>
    public DateTimeOffset? WithdrawnAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>Whether the link still works: not used, not replaced by a newer one, not expired.</summary>
    public bool IsOutstanding(DateTimeOffset now) => UsedAt is null && WithdrawnAt is null && now < ExpiresAt;

    /// <summary>A new link for the parent to sign <paramref name="agreement"/>'s current draft; the token goes only in the email.</summary>
    public static (AgreementSignatureLink Link, string Token, ArrangementEvent Event) Send(Arrangement arrangement, FlexiAgreement agreement, string email, string parentName, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage != ArrangementStage.Agreed || agreement.ParentSignedOn is not null)
        {
            throw new DomainRuleException("signature-link-unsigned-draft", "A signing link is sent for a draft the parent has not signed, before the arrangement starts.");
        }

        var (link, token) = New(arrangement, LinkPurpose.Agreement, agreement.Draft, email, parentName, userId, now);
        return (link, token, arrangement.Event($"Signing link sent to the parent (draft {agreement.Draft})", $"To {link.ParentName} at {link.Email}; it expires {LondonClock.ToLondon(link.ExpiresAt):d MMMM yyyy HH:mm}.", userId, now));
    }

    /// <summary>
    /// A new link for the parent to give their written consent to an approved plan by typing their name (002 §4.2(1);
    /// 003 appendix 1), while their consent is still needed; the token goes only in the email.
    /// </summary>
    public static (AgreementSignatureLink Link, string Token, ArrangementEvent Event) SendForConsent(Arrangement arrangement, IEnumerable<ArrangementConsent> recorded, string email, string parentName, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage != ArrangementStage.Agreed || ArrangementConsent.Satisfies(recorded, ConsentParty.Parent))
        {
            throw new DomainRuleException("consent-link-needed", "A consent link is sent while the parent's consent is still needed, before the arrangement starts.");
        }

        var (link, token) = New(arrangement, LinkPurpose.Consent, 1, email, parentName, userId, now);
        return (link, token, arrangement.Event("Consent link sent to the parent", $"To {link.ParentName} at {link.Email}; it expires {LondonClock.ToLondon(link.ExpiresAt):d MMMM yyyy HH:mm}.", userId, now));
    }

    private static (AgreementSignatureLink Link, string Token) New(Arrangement arrangement, LinkPurpose purpose, int draft, string email, string parentName, Guid? userId, DateTimeOffset now)
    {
        email = email.Trim();
        if (email.Length is 0 or > 254 || email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@') || email.Contains(' ', StringComparison.Ordinal))
        {
            throw new DomainRuleException("signature-link-email", "Enter the parent's email address, like name@example.com.", "Email");
        }

        if (string.IsNullOrWhiteSpace(parentName) || parentName.Trim().Length > 200)
        {
            throw new DomainRuleException("signature-link-name", "Enter the name of the parent who will sign (at most 200 characters).", "ParentName");
        }

        var token = OneTimeToken.New();
        return (new AgreementSignatureLink
        {
            Id = Ids.New(now),
            SchoolId = arrangement.SchoolId,
            ArrangementId = arrangement.Id,
            Draft = draft,
            Purpose = purpose,
            Email = email,
            ParentName = parentName.Trim(),
            TokenHash = OneTimeToken.Hash(token),
            CreatedAt = now,
            CreatedBy = userId,
            ExpiresAt = now + Lifetime,
        }, token);
    }

    /// <summary>Why a consent link cannot be used now, in words for the parent; null when it can.</summary>
    public string? UnusableForConsent(Arrangement arrangement, IEnumerable<ArrangementConsent> recorded, DateTimeOffset now) => this switch
    {
        { Purpose: not LinkPurpose.Consent } => "This link is not for giving consent.",
        { UsedAt: not null } => "This link has already been used to give your consent.",
        { WithdrawnAt: not null } => "A newer link has been sent to you: use the link in the latest email.",
        _ when now >= ExpiresAt => "This link has expired. Ask the school to send a new one.",
        _ when arrangement.Stage != ArrangementStage.Agreed || ArrangementConsent.Satisfies(recorded, ConsentParty.Parent) => "Your consent is no longer needed.",
        _ => null,
    };

    /// <summary>
    /// The parent consents by typing their name and confirming they have read the plan: the consent is recorded as any
    /// other is, in writing, with the plan they read as its evidence; the link cannot be used again.
    /// </summary>
    public (ArrangementConsent Consent, ArrangementEvent Event) Consent(Arrangement arrangement, ConsentRequirement parent, IEnumerable<ArrangementConsent> recorded, string typedName, bool confirmed, Guid? planDocumentId, DateOnly today, DateTimeOffset now)
    {
        if (UnusableForConsent(arrangement, recorded, now) is { } reason)
        {
            throw new DomainRuleException("signature-link-usable", reason);
        }

        if (!confirmed)
        {
            throw new DomainRuleException("signature-link-confirm", "Confirm that you have read the plan and agree to it.", "Confirmed");
        }

        if (string.IsNullOrWhiteSpace(typedName) || typedName.Trim().Length > 150)
        {
            throw new DomainRuleException("signature-link-typed-name", "Type your full name to sign.", "TypedName");
        }

        UsedAt = now;
        return ArrangementConsent.Record(arrangement, parent, ConsentAnswer.Given, today, $"{typedName.Trim()} (typed name through the emailed link)", $"Sent to {ParentName} at {Email}.", planDocumentId, today, null, now);
    }

    /// <summary>Why the link cannot be used now, in words for the parent; null when it can.</summary>
    public string? Unusable(Arrangement arrangement, FlexiAgreement agreement, DateTimeOffset now) => this switch
    {
        { Purpose: not LinkPurpose.Agreement } => "This link is not for signing an agreement.",
        { UsedAt: not null } => "This link has already been used to sign the agreement.",
        { WithdrawnAt: not null } => "A newer link has been sent to you: use the link in the latest email.",
        _ when now >= ExpiresAt => "This link has expired. Ask the school to send a new one.",
        _ when agreement.Draft != Draft => "The agreement has changed since this link was sent. Ask the school to send a link for the new version.",
        _ when arrangement.Stage != ArrangementStage.Agreed || agreement.ParentSignedOn is not null => "The agreement no longer needs your signature.",
        _ => null,
    };

    /// <summary>
    /// The parent signs by typing their name and confirming they have read the agreement; the signature is
    /// recorded on the draft with how it was given, and the link cannot be used again.
    /// </summary>
    public ArrangementEvent Sign(Arrangement arrangement, FlexiAgreement agreement, string typedName, bool confirmed, DateOnly today, DateTimeOffset now)
    {
        if (Unusable(arrangement, agreement, now) is { } reason)
        {
            throw new DomainRuleException("signature-link-usable", reason);
        }

        if (!confirmed)
        {
            throw new DomainRuleException("signature-link-confirm", "Confirm that you have read the agreement and agree to it.", "Confirmed");
        }

        if (string.IsNullOrWhiteSpace(typedName))
        {
            throw new DomainRuleException("signature-link-typed-name", "Type your full name to sign.", "TypedName");
        }

        UsedAt = now;
        return agreement.Sign(arrangement, parent: true, typedName, today, today, null, now, SignatureMethod.TypedNameByLink);
    }

    /// <summary>A newer link replaces this one.</summary>
    public void Withdraw(DateTimeOffset now) => WithdrawnAt ??= now;
}
