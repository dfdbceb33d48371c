using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Flexi;

/// <summary>What a flexi-schooling agreement says, as drafted with the parent (000 §4; 004 §10.5).</summary>
public sealed record AgreementTerms(
    string SchoolProvides,
    string HomeProvides,
    string ResponsiblePersonAtHome,
    string Flexibility,
    string Assessment,
    string SendProvision,
    string NationalCurriculumExtent,
    string Rationale,
    DateOnly StartDate,
    SessionPattern Pattern);

/// <summary>
/// The written agreement of an agreed flexi-schooling case. Drafted after the head agrees, revised until it
/// is signed; it carries every element 000 §4 and 004 §10.5 require, the sessions in school, and the
/// welfare statement. It does not start until signed by parents and school (later gates).
/// </summary>
public sealed class FlexiAgreement : ISchoolOwned, ITrustStampable
{
    /// <summary>000 §4 and 004 §10.5: who is responsible for the child's welfare, when.</summary>
    public const string WelfareStatement = "The school is responsible for the child's welfare while the child is at school, and the parents at all other times, including every session the child is educated at home.";

    private FlexiAgreement() { }

    public Guid ArrangementId { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public string SchoolProvides { get; private set; } = "";

    public string HomeProvides { get; private set; } = "";

    public string ResponsiblePersonAtHome { get; private set; } = "";

    public string Flexibility { get; private set; } = "";

    public string Assessment { get; private set; } = "";

    public string SendProvision { get; private set; } = "";

    public string NationalCurriculumExtent { get; private set; } = "";

    public string Rationale { get; private set; } = "";

    public DateOnly StartDate { get; private set; }

    public int InSchoolSessions { get; private set; }

    public SessionPattern Pattern => new(InSchoolSessions);

    public int Draft { get; private set; }

    public DateTimeOffset DraftedAt { get; private set; }

    public Guid? DraftedBy { get; private set; }

    public string? ParentSignedBy { get; private set; }

    public DateOnly? ParentSignedOn { get; private set; }

    /// <summary>How the parent signed: in person on paper (scan kept) or by typed name through the emailed link.</summary>
    public SignatureMethod? ParentSignedVia { get; private set; }

    public string? SchoolSignedBy { get; private set; }

    public DateOnly? SchoolSignedOn { get; private set; }

    /// <summary>The draft both signatures are on: a redraft needs signing again.</summary>
    public bool SignedByBoth => ParentSignedOn is not null && SchoolSignedOn is not null;

    public uint Version { get; private set; }

    /// <summary>
    /// A signature on the current draft, recorded as given in person on paper (the scan is kept with the case).
    /// The parent signs first or the school does; either way both sign the same draft.
    /// </summary>
    public ArrangementEvent Sign(Arrangement arrangement, bool parent, string name, DateOnly signedOn, DateOnly today, Guid? userId, DateTimeOffset now, SignatureMethod method = SignatureMethod.InPerson)
    {
        if (arrangement.Stage != ArrangementStage.Agreed)
        {
            throw new DomainRuleException("sign-before-start", "Signatures are recorded before the arrangement starts.");
        }

        // A case brought in from paper records reproduces an agreement signed before it was entered: its signatures date
        // from the decision on (issue 11, "Bringing in arrangements that already run").
        if (signedOn > today || signedOn < (arrangement.EnteredAfterwards ? arrangement.DecidedOn!.Value : DateOnly.FromDateTime(LondonClock.ToLondon(DraftedAt))))
        {
            throw new DomainRuleException("sign-date", arrangement.EnteredAfterwards
                ? $"The date of signing is on or after the decision ({arrangement.DecidedOn:d MMMM yyyy}) and not in the future."
                : $"The date of signing is on or after draft {Draft} was produced and not in the future.", "SignedOn");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainRuleException("sign-name", "Enter the name of the person who signed.", "SignedBy");
        }

        if (parent)
        {
            (ParentSignedBy, ParentSignedOn, ParentSignedVia) = (name.Trim(), signedOn, method);
        }
        else
        {
            (SchoolSignedBy, SchoolSignedOn) = (name.Trim(), signedOn);
        }

        return arrangement.Event(parent ? $"Agreement signed by the parent (draft {Draft})" : $"Agreement signed for the school (draft {Draft})", $"{name.Trim()}, {signedOn:d MMMM yyyy}, {(method == SignatureMethod.InPerson ? "in person on paper" : "by typed name through the link emailed to the parent")}.", userId, now);
    }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>The first draft, once the head has agreed the request.</summary>
    public static (FlexiAgreement Agreement, ArrangementEvent Event) DraftFor(Arrangement arrangement, AgreementTerms terms, SchoolCalendar calendar, Guid? userId, DateTimeOffset now)
    {
        var agreement = new FlexiAgreement { ArrangementId = arrangement.Id, SchoolId = arrangement.SchoolId };
        return (agreement, agreement.Revise(arrangement, terms, calendar, userId, now));
    }

    /// <summary>A new draft of the terms: only for an agreed case that has not started.</summary>
    public ArrangementEvent Revise(Arrangement arrangement, AgreementTerms terms, SchoolCalendar calendar, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage != ArrangementStage.Agreed)
        {
            throw new DomainRuleException("flexi-agreement-after-agreeing", "An agreement is drawn up after the headteacher agrees the request, and before the arrangement starts.");
        }

        terms.Pattern.CheckFlexi();
        if (terms.StartDate < arrangement.DecidedOn)
        {
            throw new DomainRuleException("flexi-agreement-start-after-decision", $"The start date cannot be before the decision ({arrangement.DecidedOn:d MMMM yyyy}).", "StartDate");
        }

        if (!calendar.IsSchoolDay(terms.StartDate))
        {
            throw new DomainRuleException("flexi-agreement-starts-on-a-school-day", $"{terms.StartDate:dddd d MMMM yyyy} is not a school day: choose a school day to start.", "StartDate");
        }

        // A new draft has not been signed by anyone.
        (ParentSignedBy, ParentSignedOn, ParentSignedVia, SchoolSignedBy, SchoolSignedOn) = (null, null, null, null, null);
        SchoolProvides = terms.SchoolProvides.Trim();
        HomeProvides = terms.HomeProvides.Trim();
        ResponsiblePersonAtHome = terms.ResponsiblePersonAtHome.Trim();
        Flexibility = terms.Flexibility.Trim();
        Assessment = terms.Assessment.Trim();
        SendProvision = terms.SendProvision.Trim();
        NationalCurriculumExtent = terms.NationalCurriculumExtent.Trim();
        Rationale = terms.Rationale.Trim();
        StartDate = terms.StartDate;
        InSchoolSessions = terms.Pattern.Bits;
        Draft++;
        DraftedAt = now;
        DraftedBy = userId;
        return arrangement.Event(Draft == 1 ? "Agreement drafted" : $"Agreement revised (draft {Draft})",
            $"In school: {terms.Pattern.Describe()}. To start on {terms.StartDate:d MMMM yyyy}.", userId, now);
    }
}
