using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.RiskAssessments;

namespace FlexiSchooling.Domain.Tests;

/// <summary>Issue 4, "Risk assessments (shared mechanism)".</summary>
public sealed class RiskAssessmentTests
{
    private static readonly Guid School = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2025, 5, 8, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Dsl = Guid.NewGuid();
    private static readonly Guid Head = Guid.NewGuid();

    private static SchoolCalendar Calendar() => new(
        [new Term(School, "Summer 2025", new(2025, 4, 22), new(2025, 7, 22), new(2025, 5, 26), new(2025, 5, 30))], [], BankHolidayFeed.Shipped().Select(b => b.Date));

    private static Arrangement Agreed()
    {
        var arrangement = Arrangement.RequestFlexi(School, Guid.NewGuid(), new(2025, 4, 28), "Parent", "Mother", null, null, Now).Case;
        arrangement.RecordMeeting(new(2025, 5, 1), "Parent, head", "Notes", null, new(2025, 5, 1), null, Now);
        arrangement.Decide(DecisionOutcome.Agreed, [], null, new(2025, 5, 2), Guid.NewGuid(), null, Now);
        return arrangement;
    }

    [Fact]
    public void The_shipped_templates_are_the_002_appendices_and_the_hinckley_mandatory_factors()
    {
        var flexi = RiskTemplates.For(ArrangementKind.FlexiSchooling, PolicyTemplates.OurLadyOfLourdes);
        Assert.StartsWith("002 (OLoL CMAT AEP Policy) Appendix 8", flexi.Source, StringComparison.Ordinal);
        Assert.Equal(ReviewCadence.Termly, flexi.ReviewCadence);
        Assert.Contains(flexi.Rows, r => r.Hazard == "Inconsistent phonics or literacy teaching" && r is { Likelihood: RiskLevel.High, Impact: RiskLevel.High });
        Assert.All(flexi.Rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Controls)));
        Assert.Contains("Appendix 7", RiskTemplates.For(ArrangementKind.PartTimeTimetable, PolicyTemplates.Ddat).Source, StringComparison.Ordinal);
        Assert.Contains("Appendix 2", RiskTemplates.For(ArrangementKind.AlternativeProvision, PolicyTemplates.Ddat).Source, StringComparison.Ordinal);

        // At a school on the Hinckley profile a reduced timetable's assessment always considers the six factors.
        var hinckley = RiskTemplates.For(ArrangementKind.PartTimeTimetable, PolicyTemplates.Hinckley);
        var mandatory = hinckley.Rows.Where(r => r.Mandatory).Select(r => r.Hazard).ToList();
        Assert.Equal(6, mandatory.Count);
        foreach (var factor in new[] { "looked after", "Child Protection", "CSE/CCE", "criminal activity", "substance misuse", "radicalisation" })
        {
            Assert.Contains(mandatory, h => h.Contains(factor, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(RiskTemplates.For(ArrangementKind.PartTimeTimetable, PolicyTemplates.Ddat).Rows, r => r.Mandatory);
    }

    [Fact]
    public void A_dsl_adapts_and_submits_and_someone_else_approves_with_a_review_date()
    {
        var arrangement = Agreed();
        var (assessment, started) = RiskAssessment.Start(arrangement, RiskTemplates.For(ArrangementKind.FlexiSchooling, PolicyTemplates.Ddat), Dsl, Now);
        Assert.Equal(("Risk assessment started", RiskAssessmentStatus.Draft, 1), (started.What, assessment.Status, assessment.Number));

        // Adapted: the phonics risk removed (a Year 9 pupil), a new one added without controls yet.
        var rows = assessment.Rows.Where(r => !r.Hazard.Contains("phonics", StringComparison.Ordinal)).Append(new RiskRow("Travel", "Cycles to school alone", RiskLevel.Low, RiskLevel.Medium, "", "", "Parents", "Termly")).ToList();
        assessment.Edit(rows);
        Assert.Equal(rows.Count, assessment.Rows.Count);
        Assert.Equal("risk-row-needs-hazard", Assert.Throws<DomainRuleException>(() => assessment.Edit([.. rows, new RiskRow("", "", RiskLevel.Low, RiskLevel.Low, "", "", "", "")])).Rule);
        Assert.Equal("risk-row-needs-controls", Assert.Throws<DomainRuleException>(() => assessment.Submit(arrangement, Dsl, Now)).Rule);
        assessment.Edit([.. rows.SkipLast(1), rows[^1] with { Controls = "Cycle helmet; route agreed with parents" }]);
        assessment.Submit(arrangement, Dsl, Now);
        Assert.Equal("risk-edit-draft-only", Assert.Throws<DomainRuleException>(() => assessment.Edit(rows)).Rule);

        Assert.Equal("risk-approver-not-author", Assert.Throws<DomainRuleException>(() => assessment.Approve(arrangement, null, Calendar(), ReviewCadence.Termly, new(2025, 5, 8), Dsl, Now)).Rule);
        var approved = assessment.Approve(arrangement, null, Calendar(), ReviewCadence.Termly, new(2025, 5, 8), Head, Now);
        Assert.Equal(RiskAssessmentStatus.Approved, assessment.Status);
        Assert.Equal(new DateOnly(2025, 7, 22), assessment.ReviewDue); // termly: the last school day of the summer term
        Assert.Contains("22 July 2025", approved.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_risk_assessment_is_reviewed_at_the_next_review_of_the_arrangement_when_that_comes_before_the_templates_cadence()
    {
        // Hinckley reviews flexi-schooling half-termly (003 Flexi-Schooling Protocol); 002 appendix 8's template says termly.
        var arrangement = Agreed();
        var (assessment, _) = RiskAssessment.Start(arrangement, RiskTemplates.For(ArrangementKind.FlexiSchooling, PolicyTemplates.Hinckley), Dsl, Now);
        assessment.Submit(arrangement, Dsl, Now);
        assessment.Approve(arrangement, null, Calendar(), PolicyTemplates.Get(PolicyTemplates.Hinckley).Settings.Flexi.ReviewCadence, new(2025, 5, 8), Head, Now);
        Assert.Equal(ReviewCadence.Termly, assessment.ReviewCadence);
        Assert.Equal(new DateOnly(2025, 5, 23), assessment.ReviewDue); // the last school day before the May half-term
    }

    [Fact]
    public void A_new_version_supersedes_the_approved_one_and_mandatory_rows_cannot_be_removed()
    {
        var arrangement = Agreed();
        var (first, _) = RiskAssessment.Start(arrangement, RiskTemplates.For(ArrangementKind.PartTimeTimetable, PolicyTemplates.Hinckley) with { Rows = [.. RiskTemplates.For(ArrangementKind.PartTimeTimetable, PolicyTemplates.Hinckley).Rows.Select(r => r with { Controls = r.Controls.Length == 0 ? "Considered with Social Care" : r.Controls })] }, Dsl, Now);
        Assert.Equal("risk-mandatory-rows-stay", Assert.Throws<DomainRuleException>(() => first.Edit([.. first.Rows.Where(r => !r.Hazard.Contains("radicalisation", StringComparison.Ordinal))])).Rule);
        first.Submit(arrangement, Dsl, Now);
        Assert.Equal("Risk assessment returned for changes", first.Return(arrangement, "Add the new travel plan", Head, Now).What);
        first.Submit(arrangement, Dsl, Now);
        first.Approve(arrangement, null, Calendar(), ReviewCadence.Termly, new(2025, 5, 8), Head, Now);

        var (second, started) = first.NewVersion(arrangement, Dsl, Now);
        Assert.Equal((2, RiskAssessmentStatus.Draft, first.Rows.Count), (second.Number, second.Status, second.Rows.Count));
        Assert.Equal("Risk assessment version 2 started", started.What);
        second.Submit(arrangement, Dsl, Now);
        Assert.Equal(RiskAssessmentStatus.Approved, first.Status); // the approved one stands until the new one is approved
        second.Approve(arrangement, first, Calendar(), ReviewCadence.Termly, new(2025, 6, 2), Head, Now);
        Assert.Equal((RiskAssessmentStatus.Superseded, RiskAssessmentStatus.Approved), (first.Status, second.Status));
        Assert.Equal(new DateOnly(2025, 6, 16), second.ReviewDue); // fortnightly at Hinckley
        Assert.Equal("risk-new-version-from-approved", Assert.Throws<DomainRuleException>(() => first.NewVersion(arrangement, Dsl, Now)).Rule);
    }
}
