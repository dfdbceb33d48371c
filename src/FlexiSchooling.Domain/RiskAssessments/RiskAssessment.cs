using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.RiskAssessments;

public enum RiskAssessmentStatus
{
    Draft,
    Submitted,
    Approved,
    Superseded,
}

/// <summary>
/// A pupil's risk assessment for an arrangement (issue 4, "Risk assessments"): started from a template and
/// adapted by the DSL (rows changed, added, removed — mandatory rows kept), submitted, approved by a head or
/// DSL other than the person who submitted it, given a review date from the template's cadence. A new
/// version starts from the approved one and supersedes it when approved; earlier versions are kept.
/// </summary>
public sealed class RiskAssessment : ISchoolOwned, ITrustStampable
{
    private List<RiskRow> _rows = [];

    private RiskAssessment() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    public string TemplateKey { get; private set; } = "";

    public string TemplateSource { get; private set; } = "";

    public ReviewCadence ReviewCadence { get; private set; }

    /// <summary>1 for the first assessment of the case, then one more for each new version.</summary>
    public int Number { get; private set; }

    public RiskAssessmentStatus Status { get; private set; }

    public IReadOnlyList<RiskRow> Rows => _rows;

    public Guid? SubmittedBy { get; private set; }

    public DateTimeOffset? SubmittedAt { get; private set; }

    public Guid? ApprovedBy { get; private set; }

    public DateTimeOffset? ApprovedAt { get; private set; }

    public DateOnly? ReviewDue { get; private set; }

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public static (RiskAssessment Assessment, ArrangementEvent Event) Start(Arrangement arrangement, RiskTemplate template, Guid? userId, DateTimeOffset now)
    {
        var assessment = new RiskAssessment
        {
            Id = Ids.New(now), SchoolId = arrangement.SchoolId, ArrangementId = arrangement.Id, TemplateKey = template.Key, TemplateSource = template.Source,
            ReviewCadence = template.ReviewCadence, Number = 1, Status = RiskAssessmentStatus.Draft, _rows = [.. template.Rows],
        };
        return (assessment, arrangement.Event("Risk assessment started", $"From the template: {template.Title}.", userId, now));
    }

    /// <summary>A new version from this approved one, to adapt at a review or when circumstances change.</summary>
    public (RiskAssessment Assessment, ArrangementEvent Event) NewVersion(Arrangement arrangement, Guid? userId, DateTimeOffset now)
    {
        if (Status != RiskAssessmentStatus.Approved)
        {
            throw new DomainRuleException("risk-new-version-from-approved", "A new version starts from the approved risk assessment.");
        }

        var next = new RiskAssessment
        {
            Id = Ids.New(now), SchoolId = SchoolId, ArrangementId = ArrangementId, TemplateKey = TemplateKey, TemplateSource = TemplateSource,
            ReviewCadence = ReviewCadence, Number = Number + 1, Status = RiskAssessmentStatus.Draft, _rows = [.. _rows],
        };
        return (next, arrangement.Event($"Risk assessment version {next.Number} started", null, userId, now));
    }

    /// <summary>The DSL's adapted rows: every row has an area, a hazard and a responsibility; mandatory rows stay.</summary>
    public void Edit(IReadOnlyList<RiskRow> rows)
    {
        if (Status != RiskAssessmentStatus.Draft)
        {
            throw new DomainRuleException("risk-edit-draft-only", "Only a draft can be changed: start a new version to change an approved risk assessment.");
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (string.IsNullOrWhiteSpace(row.Area) || string.IsNullOrWhiteSpace(row.Hazard))
            {
                throw new DomainRuleException("risk-row-needs-hazard", $"Row {i + 1}: give the area and the hazard, or remove the row.", $"Rows[{i}].Hazard");
            }
        }

        foreach (var mandatory in _rows.Where(r => r.Mandatory))
        {
            if (!rows.Any(r => r.Mandatory && r.Hazard == mandatory.Hazard))
            {
                throw new DomainRuleException("risk-mandatory-rows-stay", $"\"{mandatory.Hazard}\" must always be considered ({RiskTemplates.MandatoryFactorsSource}): it cannot be removed.");
            }
        }

        _rows = [.. rows.Select(r => r with { Area = r.Area.Trim(), Hazard = r.Hazard.Trim(), Controls = r.Controls.Trim(), FurtherActions = r.FurtherActions.Trim(), Responsibility = r.Responsibility.Trim(), ReviewFrequency = r.ReviewFrequency.Trim() })];
    }

    /// <summary>Submitted for approval once every risk has its control measures and someone responsible.</summary>
    public ArrangementEvent Submit(Arrangement arrangement, Guid? userId, DateTimeOffset now)
    {
        if (Status != RiskAssessmentStatus.Draft)
        {
            throw new DomainRuleException("risk-submit-draft", "This risk assessment has already been submitted.");
        }

        if (_rows.Count == 0)
        {
            throw new DomainRuleException("risk-has-rows", "A risk assessment needs at least one risk.");
        }

        for (var i = 0; i < _rows.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(_rows[i].Controls) || string.IsNullOrWhiteSpace(_rows[i].Responsibility))
            {
                throw new DomainRuleException("risk-row-needs-controls", $"Row {i + 1} ({_rows[i].Hazard}): record the control measures and who is responsible before submitting.", $"Rows[{i}].Controls");
            }
        }

        Status = RiskAssessmentStatus.Submitted;
        SubmittedBy = userId;
        SubmittedAt = now;
        return arrangement.Event($"Risk assessment {(Number == 1 ? "" : $"version {Number} ")}submitted for approval", null, userId, now);
    }

    /// <summary>
    /// Approved by a head or DSL who did not submit it. The review falls due at the template's cadence (002
    /// appendix 8: termly) or, where the school reviews the arrangement more often, at its next review (003
    /// Flexi-Schooling Protocol: half-termly meetings), whichever comes first: the assessment is looked at again
    /// at every review of the arrangement, never less often.
    /// </summary>
    public ArrangementEvent Approve(Arrangement arrangement, RiskAssessment? previous, SchoolCalendar calendar, ReviewCadence arrangementReviews, DateOnly today, Guid userId, DateTimeOffset now)
    {
        if (Status != RiskAssessmentStatus.Submitted)
        {
            throw new DomainRuleException("risk-approve-submitted", "Only a submitted risk assessment can be approved.");
        }

        if (SubmittedBy == userId)
        {
            throw new DomainRuleException("risk-approver-not-author", "A risk assessment is approved by someone other than the person who submitted it.");
        }

        var reviewDue = new[] { calendar.NextReviewDate(ReviewCadence, today), calendar.NextReviewDate(arrangementReviews, today) }.Min()
            ?? throw new DomainRuleException("risk-review-date", "The school calendar has no term far enough ahead to set the review date: add the next terms first.");
        Status = RiskAssessmentStatus.Approved;
        ApprovedBy = userId;
        ApprovedAt = now;
        ReviewDue = reviewDue;
        if (previous is { Status: RiskAssessmentStatus.Approved })
        {
            previous.Status = RiskAssessmentStatus.Superseded;
        }

        return arrangement.Event($"Risk assessment {(Number == 1 ? "" : $"version {Number} ")}approved", $"Review due by {ReviewDue:d MMMM yyyy}.", userId, now);
    }

    /// <summary>Sent back to the DSL to change, with the reason.</summary>
    public ArrangementEvent Return(Arrangement arrangement, string reason, Guid? userId, DateTimeOffset now)
    {
        if (Status != RiskAssessmentStatus.Submitted)
        {
            throw new DomainRuleException("risk-return-submitted", "Only a submitted risk assessment can be returned.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("risk-return-reason", "Say what needs to change.", "ReturnReason");
        }

        Status = RiskAssessmentStatus.Draft;
        SubmittedBy = null;
        SubmittedAt = null;
        return arrangement.Event("Risk assessment returned for changes", reason.Trim(), userId, now);
    }
}
