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

    /// <summary>
    /// The letter telling the local authority of a part-time timetable (002 §4.2(1) "notify the LA of all part-time
    /// arrangements"; 003 "notify the local authority of a reduced timetable immediately"): why, the phases with their
    /// share of full time, the end date, how sessions out of school are coded, and who is responsible for welfare.
    /// </summary>
    public static CaseDocumentToKeep<NotificationLetter> Notification(School school, string trustName, DateOnly on, string recipient, Arrangement arrangement, Pupil pupil, PartTimePlan plan, PolicyProfileSettings decidedUnder, string signedBy)
    {
        var name = FlexiDocuments.PupilName(pupil);
        var fullTime = decidedUnder.FullTimeHours.For(pupil.YearGroup);
        var phases = string.Join("\n", plan.Phases.Select(p =>
            $"{p.From:d MMM yyyy} to {plan.LastDayOf(p):d MMM yyyy}: {p.Pattern.Describe()}, {p.HoursInSchool:0.##} hours a week"
            + (PartTimeRules.PercentOfFullTime(p.HoursInSchool, pupil.YearGroup, decidedUnder.FullTimeHours) is { } pct ? $" ({pct:0.0}% of full time)" : "")));
        var letter = new NotificationLetter(Letterhead.For(school, trustName), on, recipient.Trim(), $"Notification of a part-time (reduced) timetable: {name}",
            $"I am writing to tell you that {school.Name} has agreed a temporary part-time timetable for the pupil below, as part of a wider plan of support and with a date by which they return to full-time education. It is not used to manage behaviour.",
            name, pupil.DateOfBirth, YearGroups.Label(pupil.YearGroup), pupil.Upn,
            [
                new("Why", string.Join("; ", plan.Reasons.Select(r => PartTimeRules.Reasons.Single(x => x.Key == r).Text))),
                new("From", $"{plan.StartDate:dddd d MMMM yyyy}"),
                new("Back to full time by", $"{plan.EndDate:dddd d MMMM yyyy}" + (plan.Extensions > 0 ? $" (extended from {plan.ApprovedEndDate:d MMMM yyyy}: {plan.ExtensionReason})" : "")),
                new("Time in school", phases + (fullTime is { } ft ? $"\nFull time for the year group is {ft:0.##} hours a week." : "")),
                new("Sessions out of school", $"Recorded in the register as {PartTimeRules.NotAttendedCode(pupil.DateOfBirth, plan.StartDate, decidedUnder.PartTime)} (authorised absence); the pupil stays on roll full time."),
                new("Wider support plan", plan.SupportPlan),
                new("Welfare out of school", plan.WelfareResponsibility),
                new("Reviews", $"{FlexiDocuments.Cadence(decidedUnder.PartTime.ReviewCadence)}, with the pupil's and the parents' views"),
                new("EHC plan", pupil.Flags.Ehcp ? "Yes: the local authority's SEN team's agreement is recorded before the start." : "No"),
            ],
            "The school remains responsible for the pupil's education and will tell you when they return to full time or if the plan changes. If you have any information that bears on this arrangement, please contact me.",
            school.HeadteacherName ?? signedBy);
        return new("NotificationLetter", letter, CaseDocumentKind.LocalAuthorityNotification, $"Part-time timetable notification {name} to the local authority {on:yyyy-MM-dd}.pdf");
    }
}
