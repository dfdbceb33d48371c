using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>Who outside the school a case asks, or tells (domain.md, "Tenancy and people"; "Local authorities").</summary>
public enum ConsentParty
{
    Parent,
    LocalAuthority,
    LocalAuthoritySenTeam,
    VirtualSchoolHead,
    SocialWorker,
    GoverningBody,
    Trust,
}

/// <summary>What is needed of a party: their consent, their agreement (a body that may refuse), or only that they are told.</summary>
public enum ConsentKind
{
    Consent,
    Agreement,
    Notification,
}

/// <summary>The answer a record holds: given (consent or agreement), refused, or told (a notification sent).</summary>
public enum ConsentAnswer
{
    Given,
    Refused,
    Told,
}

/// <summary>
/// One thing a kind of arrangement needs from a party before it starts, with the policy that asks for it and who at
/// the school acts. Each kind's rules list its own (<c>PartTimeRules.Consents</c>); the mechanism that records them
/// is the same for every kind (issue 11, "Consents, agreements and notifications become one mechanism").
/// </summary>
public sealed record ConsentRequirement(ConsentParty Party, ConsentKind Kind, string What, string Source, string WhoActs)
{
    /// <summary>The gate this requirement is before the start: met by a record that gave consent or told the party.</summary>
    public Gate AsGate(IEnumerable<ArrangementConsent> recorded) => new(What, WhoActs, ArrangementConsent.Satisfies(recorded, Party));

    public static string PartyLabel(ConsentParty party) => party switch
    {
        ConsentParty.Parent => "Parent or carer",
        ConsentParty.LocalAuthority => "Local authority",
        ConsentParty.LocalAuthoritySenTeam => "Local authority SEN team",
        ConsentParty.VirtualSchoolHead => "Virtual school head",
        ConsentParty.SocialWorker => "Social worker",
        ConsentParty.GoverningBody => "Governing body",
        ConsentParty.Trust => "Trust",
    };
}

/// <summary>
/// A party's answer for a case, as recorded: what was asked, the answer, who gave it, when, who recorded it, and the
/// evidence kept with the case (a signed form, the email to the local authority). Append-only: a later record of the
/// same party stands over an earlier one, and both stay in the case's history.
/// </summary>
public sealed class ArrangementConsent : ISchoolOwned, ITrustStampable
{
    private ArrangementConsent() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    public ConsentParty Party { get; private set; }

    public ConsentKind Kind { get; private set; }

    /// <summary>What was asked or told, in the words of the requirement.</summary>
    public string What { get; private set; } = "";

    public ConsentAnswer Answer { get; private set; }

    /// <summary>The day it was given, refused or sent.</summary>
    public DateOnly On { get; private set; }

    /// <summary>Who gave it or was told, as they are named (e.g. "Sarah Example (mother)", "Leicestershire CC attendance team").</summary>
    public string By { get; private set; } = "";

    public string? Note { get; private set; }

    /// <summary>The case document that evidences it, when one was kept.</summary>
    public Guid? EvidenceDocumentId { get; private set; }

    public Guid? RecordedBy { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>True when the latest record of the party gave consent or told them.</summary>
    public static bool Satisfies(IEnumerable<ArrangementConsent> recorded, ConsentParty party) =>
        Latest(recorded, party) is { Answer: ConsentAnswer.Given or ConsentAnswer.Told };

    public static ArrangementConsent? Latest(IEnumerable<ArrangementConsent> recorded, ConsentParty party) =>
        recorded.Where(c => c.Party == party).OrderBy(c => c.RecordedAt).LastOrDefault();

    /// <summary>
    /// Records a party's answer before the arrangement starts. A notification is only ever "told"; consent and agreement
    /// are given or refused. The date is not in the future nor before the case was opened; who answered is named.
    /// </summary>
    public static (ArrangementConsent Consent, ArrangementEvent Event) Record(
        Arrangement arrangement, ConsentRequirement requirement, ConsentAnswer answer, DateOnly on, string by, string? note, Guid? evidenceDocumentId, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (requirement.Kind != ConsentKind.Notification
            && arrangement.Stage is not (ArrangementStage.Proposed or ArrangementStage.Requested or ArrangementStage.MeetingHeld or ArrangementStage.Agreed))
        {
            throw new DomainRuleException("consent-before-start", "Consents and agreements are recorded before the arrangement starts.");
        }

        // A party is told of an arrangement once it is agreed (002 §5.1; 003 "notify the local authority … immediately"),
        // and — where the authority takes half-termly returns — in the return after it started (CaseNotifications.BeforeStart).
        if (requirement.Kind == ConsentKind.Notification && (arrangement.Stage is not (ArrangementStage.Agreed or ArrangementStage.Running) || on < arrangement.DecidedOn))
        {
            throw new DomainRuleException("notify-agreed-case", $"A notification is recorded once the arrangement is agreed, dated on or after the decision{(arrangement.DecidedOn is { } d ? $" ({d:d MMMM yyyy})" : "")}.", "On");
        }

        if ((requirement.Kind == ConsentKind.Notification) != (answer == ConsentAnswer.Told))
        {
            throw new DomainRuleException("consent-answer-fits", requirement.Kind == ConsentKind.Notification
                ? "A notification is recorded as sent."
                : "Record whether it was given or refused.", "Answer");
        }

        if (on > today || on < arrangement.RequestedOn)
        {
            throw new DomainRuleException("consent-date", $"The date is on or after the case was opened ({arrangement.RequestedOn:d MMMM yyyy}) and not in the future.", "On");
        }

        // Consent is given in writing (002 §4.2(1) "written parental consent"; 003 appendix 1): the signed form is kept.
        if (requirement.Kind == ConsentKind.Consent && answer == ConsentAnswer.Given && evidenceDocumentId is null)
        {
            throw new DomainRuleException("consent-in-writing", "Consent is given in writing: attach the signed form.", "Evidence");
        }

        if (string.IsNullOrWhiteSpace(by) || by.Trim().Length > 200)
        {
            throw new DomainRuleException("consent-by", requirement.Kind == ConsentKind.Notification
                ? "Say who was told (at most 200 characters), for example the local authority's attendance team."
                : "Say who answered (at most 200 characters), with their relationship or role.", "By");
        }

        var consent = new ArrangementConsent
        {
            Id = Ids.New(now),
            TrustId = arrangement.TrustId,
            SchoolId = arrangement.SchoolId,
            ArrangementId = arrangement.Id,
            Party = requirement.Party,
            Kind = requirement.Kind,
            What = requirement.What,
            Answer = answer,
            On = on,
            By = by.Trim(),
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            EvidenceDocumentId = evidenceDocumentId,
            RecordedBy = userId,
            RecordedAt = now,
        };
        var verb = answer switch
        {
            ConsentAnswer.Given => requirement.Kind == ConsentKind.Agreement ? "agreed" : "consented",
            ConsentAnswer.Refused => requirement.Kind == ConsentKind.Agreement ? "did not agree" : "refused consent",
            _ => "told",
        };
        var what = answer == ConsentAnswer.Told ? $"{ConsentRequirement.PartyLabel(requirement.Party)} told" : $"{ConsentRequirement.PartyLabel(requirement.Party)} {verb}";
        return (consent, arrangement.Event(what, $"{consent.By}, {on:d MMMM yyyy}." + (consent.Note is { } n ? $" {n}" : ""), userId, now));
    }
}
