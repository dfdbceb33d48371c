using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>What a QA visit to the provider records, under the headings of 002 appendix 5.</summary>
public sealed record VisitRecord(
    DateOnly VisitedOn,
    string VisitedBy,
    string ExternalAgencies,
    string Safeguarding,
    string Attendance,
    string BehaviourAndPastoral,
    string CurriculumAndProgress,
    string QualificationsAndNextSteps,
    string AdditionalComments,
    bool Satisfactory);

/// <summary>
/// A quality-assurance visit to the provider about one placement (002 §"Alternative Provision": "undertake half-termly
/// visits to the Alternative Provision sites to review the progress of the relevant pupils, complete and keep a record
/// of (Appendix 5)"; 004 §8): who visited and when, and what they found on safeguarding, attendance, behaviour and
/// pastoral care, curriculum and progress, qualifications and the next stage. Progress or attendance found
/// unsatisfactory raises a formal review (issue 12). Kept as written; the next visit falls due at the profile's
/// <see cref="AlternativeProvisionSettings.VisitCadence"/>.
/// </summary>
public sealed class PlacementVisit : ISchoolOwned, ITrustStampable
{
    public const int MaxTextLength = 4000;

    private PlacementVisit() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    public DateOnly VisitedOn { get; private set; }

    public string VisitedBy { get; private set; } = "";

    public string ExternalAgencies { get; private set; } = "";

    public string Safeguarding { get; private set; } = "";

    public string Attendance { get; private set; } = "";

    public string BehaviourAndPastoral { get; private set; } = "";

    public string CurriculumAndProgress { get; private set; } = "";

    public string QualificationsAndNextSteps { get; private set; } = "";

    public string AdditionalComments { get; private set; } = "";

    /// <summary>Whether progress and attendance were found satisfactory; not, and a formal review is raised.</summary>
    public bool Satisfactory { get; private set; }

    /// <summary>The visit's record as a PDF, kept with the case.</summary>
    public Guid? DocumentId { get; private set; }

    public Guid RecordedBy { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>The PDF the visit is kept as (set before it is saved: a visit is never changed afterwards).</summary>
    public void KeptAs(Guid documentId) => DocumentId = documentId;

    public static PlacementVisit Record(Arrangement arrangement, VisitRecord record, DateOnly today, Guid by, DateTimeOffset now)
    {
        if (arrangement.Kind != ArrangementKind.AlternativeProvision || arrangement.StartedOn is not { } started)
        {
            throw new DomainRuleException("visit-running-placement", "A QA visit is to a placement that has started.");
        }

        if (record.VisitedOn > today || record.VisitedOn < started)
        {
            throw new DomainRuleException("visit-date", $"The visit is on a day from the start ({started:d MMMM yyyy}) to today.", "VisitedOn");
        }

        foreach (var (value, field, heading) in new[]
        {
            (record.VisitedBy, "VisitedBy", "who visited"), (record.Safeguarding, "Safeguarding", "safeguarding concerns, or none"),
            (record.Attendance, "Attendance", "attendance"), (record.BehaviourAndPastoral, "BehaviourAndPastoral", "behaviour and pastoral update"),
            (record.CurriculumAndProgress, "CurriculumAndProgress", "curriculum and academic progress"),
            (record.QualificationsAndNextSteps, "QualificationsAndNextSteps", "qualifications and preparation for the next stage"),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new DomainRuleException("visit-record-complete", $"Enter {heading} (002 appendix 5).", field);
            }
        }

        return new PlacementVisit
        {
            Id = Ids.New(),
            TrustId = arrangement.TrustId,
            SchoolId = arrangement.SchoolId,
            ArrangementId = arrangement.Id,
            VisitedOn = record.VisitedOn,
            VisitedBy = record.VisitedBy.Trim(),
            ExternalAgencies = (record.ExternalAgencies ?? "").Trim(),
            Safeguarding = record.Safeguarding.Trim(),
            Attendance = record.Attendance.Trim(),
            BehaviourAndPastoral = record.BehaviourAndPastoral.Trim(),
            CurriculumAndProgress = record.CurriculumAndProgress.Trim(),
            QualificationsAndNextSteps = record.QualificationsAndNextSteps.Trim(),
            AdditionalComments = (record.AdditionalComments ?? "").Trim(),
            Satisfactory = record.Satisfactory,
            RecordedBy = by,
            RecordedAt = now,
        };
    }

    /// <summary>
    /// When the next QA visit to a placement is due, from its visits: at least once in every period of the profile's visit
    /// cadence (half-termly in every template) — by the end of the first period when there has been none, and after a visit
    /// by the end of the period after the one it was made in (a visit early in a half-term does not make the next due within
    /// it); weekly and fortnightly cadences count from the visit. Null when the placement is not running or the calendar has
    /// no later term.
    /// </summary>
    public static DateOnly? NextDue(ArrangementStage stage, DateOnly? startedOn, IEnumerable<PlacementVisit> visits, SchoolCalendar calendar, AlternativeProvisionSettings settings)
    {
        if (stage != ArrangementStage.Running || startedOn is not { } started)
        {
            return null;
        }

        var cadence = settings.VisitCadence;
        if (visits.Select(v => (DateOnly?)v.VisitedOn).Max() is not { } visited)
        {
            return calendar.NextReviewDate(cadence, started);
        }

        if (cadence is not (ReviewCadence.HalfTermly or ReviewCadence.Termly))
        {
            return calendar.NextReviewDate(cadence, visited);
        }

        return calendar.NextReviewDate(cadence, visited.AddDays(-1)) is { } endOfVisitedPeriod ? calendar.NextReviewDate(cadence, endOfVisitedPeriod) : null;
    }
}
