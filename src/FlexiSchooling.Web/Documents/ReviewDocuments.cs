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
    string? ParentSignedBy);

/// <summary>What a review record says, built from the review as held (issue 11: each review record kept as a PDF).</summary>
public static class ReviewDocuments
{
    public static CaseDocumentToKeep<ReviewRecordDocument> Record(School school, string trustName, Arrangement arrangement, Pupil pupil, ArrangementReview held, DateOnly periodFrom, string outcome)
    {
        var partTime = arrangement.Kind == ArrangementKind.PartTimeTimetable;
        var formal = held.Kind == ReviewKind.Formal;
        var document = new ReviewRecordDocument(
            Letterhead.For(school, trustName), formal ? "Formal review record" : "Review record", ArrangementKinds.Label(arrangement.Kind), FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup),
            held.HeldOn!.Value, periodFrom, held.Attendees!, held.AttendedAgreedSessions ?? 0, held.AgreedSessions ?? 0, held.AttendedPercent, held.RaisedBecause,
            partTime ? "Progress towards full time" : "Progress", held.Progress!, held.ProgressBelowStandard,
            partTime ? "The parents' view" : "The parent's evidence", held.ParentEvidence!, held.PupilView!, outcome, held.OutcomeNotes!, held.ParentSignedBy);
        return new("ReviewRecord", document, CaseDocumentKind.ReviewRecord, $"{document.Title} {FlexiDocuments.PupilName(pupil)} {held.HeldOn:yyyy-MM-dd}.pdf");
    }
}
