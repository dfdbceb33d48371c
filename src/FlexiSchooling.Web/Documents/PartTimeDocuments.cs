using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Trusts;

namespace FlexiSchooling.Web.Documents;

/// <summary>One phase of the plan as the document prints it, with its share of full time.</summary>
public sealed record PlanPhaseLine(DateOnly From, DateOnly To, string InSchool, decimal Hours, decimal? PercentOfFullTime, IReadOnlyList<DayOfWeek> NoOnSiteDays);

/// <summary>
/// A part-time timetable's plan and parental agreement for signing (003 appendix 1: the parent's five undertakings and the
/// school's seven, with review dates), with the rules of the profile version it was approved under.
/// </summary>
public sealed record PartTimePlanDocument(
    Letterhead Letterhead,
    DateOnly Date,
    string PupilName,
    string YearGroup,
    DateOnly DateOfBirth,
    IReadOnlyList<string> Reasons,
    string SupportPlan,
    string Reintegration,
    string WelfareResponsibility,
    DateOnly StartDate,
    DateOnly EndDate,
    IReadOnlyList<PlanPhaseLine> Phases,
    decimal? FullTimeHours,
    string ReviewCadence,
    string NotAttendedCode,
    string ApprovedBy,
    DateOnly ApprovedOn);

/// <summary>What each part-time timetable document says, built from the case as it stands, for the pages and the demo seed alike.</summary>
public static class PartTimeDocuments
{
    /// <summary>The plan and parental agreement, produced when the plan is approved (003 appendix 1).</summary>
    public static CaseDocumentToKeep<PartTimePlanDocument> Plan(School school, string trustName, Arrangement approved, Pupil pupil, PartTimePlan plan, PolicyProfileSettings decidedUnder, string approvedBy)
    {
        var document = new PartTimePlanDocument(
            Letterhead.For(school, trustName), approved.DecidedOn!.Value, FlexiDocuments.PupilName(pupil), YearGroups.Label(pupil.YearGroup), pupil.DateOfBirth,
            [.. plan.Reasons.Select(r => PartTimeRules.Reasons.Single(x => x.Key == r).Text)], plan.SupportPlan, plan.Reintegration, plan.WelfareResponsibility,
            plan.StartDate, plan.EndDate,
            [.. plan.Phases.Select(p => new PlanPhaseLine(p.From, plan.LastDayOf(p), p.Pattern.Describe(), p.HoursInSchool,
                PartTimeRules.PercentOfFullTime(p.HoursInSchool, pupil.YearGroup, decidedUnder.FullTimeHours), PartTimeRules.DaysWithoutOnSiteProvision(p)))],
            decidedUnder.FullTimeHours.For(pupil.YearGroup), FlexiDocuments.Cadence(decidedUnder.PartTime.ReviewCadence),
            PartTimeRules.NotAttendedCode(pupil.DateOfBirth, plan.StartDate, decidedUnder.PartTime), approvedBy, approved.DecidedOn!.Value);
        return new("PartTimePlan", document, CaseDocumentKind.PartTimePlan, $"Part-time timetable {FlexiDocuments.PupilName(pupil)} {plan.StartDate:yyyy-MM-dd}.pdf");
    }
}
