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

/// <summary>What each AP placement document says, built from the case as it stands.</summary>
public static class PlacementDocuments
{
    /// <summary>The record of a QA visit, produced when it is recorded and kept with the case (002 appendix 5).</summary>
    public static CaseDocumentToKeep<VisitRecordDocument> Visit(School school, string trustName, Pupil pupil, AlternativeProvider provider, PlacementVisit visit, string recordedBy)
    {
        var f = pupil.Flags;
        var needs = string.Join(", ", new[] { (f.Ehcp, "EHCP"), (f.SenSupport, "SEN support"), (f.FreeSchoolMeals, "FSM"), (f.LookedAfter, "LAC"), (f.PupilPremium, "PP") }.Where(x => x.Item1).Select(x => x.Item2));
        var document = new VisitRecordDocument(Letterhead.For(school, trustName), FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup), needs.Length == 0 ? "None" : needs,
            provider.Name, visit, recordedBy);
        return new("VisitRecord", document, CaseDocumentKind.VisitRecord, $"QA visit {FlexiDocuments.PupilName(pupil)} {visit.VisitedOn:yyyy-MM-dd}.pdf");
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
