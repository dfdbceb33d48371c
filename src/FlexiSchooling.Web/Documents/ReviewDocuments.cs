using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;

namespace FlexiSchooling.Web.Documents;

/// <summary>A review as held, for the case file: the same record for every kind, in the kind's own words.</summary>
public sealed record ReviewRecordDocument(
    Letterhead Letterhead,
    string Title,
    string Kind,
    string PupilName,
    string YearGroup,
    DateOnly HeldOn,
    DateOnly PeriodFrom,
    string Attendees,
    int AttendedAgreedSessions,
    int AgreedSessions,
    decimal? AttendedPercent,
    string? RaisedBecause,
    string ProgressLabel,
    string Progress,
    bool ProgressBelowStandard,
    string ParentLabel,
    string ParentEvidence,
    string PupilView,
    string Outcome,
    string OutcomeNotes,
    string? ParentSignedBy,
    string AttendanceLabel,
    ProgressReportSection? Report = null);

/// <summary>What an AP review's record adds as 002 appendix 6's progress report: the header fields and its other headings.</summary>
public sealed record ProgressReportSection(string Needs, string ProviderContact, string Pastoral, string NextSteps, string Targets, string SeniorLeader, string? Headteacher);

/// <summary>What a review record says, built from the review as held (issue 11: each review record kept as a PDF).</summary>
public static class ReviewDocuments
{
    /// <param name="provider">The provider of an AP case, whose contact the progress report names (002 appendix 6 "AP/Personal Tutor contact").</param>
    public static CaseDocumentToKeep<ReviewRecordDocument> Record(School school, string trustName, Arrangement arrangement, Pupil pupil, ArrangementReview held, DateOnly periodFrom, string outcome,
        string heldBy, Domain.AlternativeProvision.AlternativeProvider? provider = null)
    {
        var wording = ReviewWording.For(arrangement.Kind);
        var formal = held.Kind == ReviewKind.Formal;
        var report = wording.AsksProgressReport
            ? new ProgressReportSection(PlacementDocuments.Needs(pupil), provider is null ? "" : $"{provider.ContactName}, {provider.Name}{(string.IsNullOrWhiteSpace(provider.ContactPhone) ? "" : $", {provider.ContactPhone}")}",
                held.Pastoral ?? "", held.NextSteps ?? "", held.Targets ?? "", heldBy, school.HeadteacherName)
            : null;
        var document = new ReviewRecordDocument(
            Letterhead.For(school, trustName), formal ? wording.FormalRecordTitle : wording.RecordTitle, ArrangementKinds.Label(arrangement.Kind), FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup),
            held.HeldOn!.Value, periodFrom, held.Attendees!, held.AttendedAgreedSessions ?? 0, held.AgreedSessions ?? 0, held.AttendedPercent, held.RaisedBecause,
            wording.ProgressLabel, held.Progress!, held.ProgressBelowStandard,
            wording.ParentLabel, held.ParentEvidence!, held.PupilView!, outcome, held.OutcomeNotes!, held.ParentSignedBy, wording.AttendanceLabel, report);
        return new("ReviewRecord", document, CaseDocumentKind.ReviewRecord, $"{document.Title} {FlexiDocuments.PupilName(pupil)} {held.HeldOn:yyyy-MM-dd}.pdf");
    }
}
