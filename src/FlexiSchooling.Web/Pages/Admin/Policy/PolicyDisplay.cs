using System.Globalization;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Web.Pages.Admin.Policy;

/// <summary>How a setting reads to a person, and where its value comes from.</summary>
public static class PolicyDisplay
{
    public static string Label(string path) => path switch
    {
        "Flexi.FormalReviewBelowPercent" => "Flexi: formal review when attendance at agreed sessions falls below (%)",
        "Flexi.ReviewCadence" => "Flexi: review cadence",
        "Flexi.ProgressUpdateCadence" => "Flexi: progress updates to parents",
        "Flexi.SchoolNoticeWeeks" => "Flexi: notice the school gives (weeks)",
        "Flexi.ParentNoticeWeeks" => "Flexi: notice the parent gives (weeks)",
        "Flexi.DecisionDeadlineWorkingDays" => "Flexi: head decides within (working days of the meeting)",
        "Flexi.OneRequestPerAcademicYear" => "Flexi: one request per pupil per academic year",
        "Flexi.FormalReviewAgreedBy" => "Flexi: formal review agreed by",
        "Flexi.NotifyTrust" => "Flexi: trust notified of each arrangement",
        "Flexi.WeeklyPlanningSharedWithParents" => "Flexi: weekly planning shared with parents",
        "Flexi.HomeSessionCode" => "Flexi: register code for home sessions",
        "PartTime.MaxWeeks" => "Part-time timetable: maximum length (weeks)",
        "PartTime.ReviewCadence" => "Part-time timetable: review cadence",
        "PartTime.Approver" => "Part-time timetable: approved by",
        "PartTime.NotAttendedCode" => "Part-time timetable: code for sessions not attended",
        "PartTime.BelowCompulsoryAgeCode" => "Part-time timetable: code below compulsory school age",
        "PartTime.WelfareChecksOnDaysWithoutOnSiteProvision" => "Part-time timetable: welfare checks on days with no on-site provision",
        "AlternativeProvision.ReviewCadence" => "AP: formal review cadence",
        "AlternativeProvision.VisitCadence" => "AP: quality assurance visits",
        "AlternativeProvision.ProviderAbsenceReportBy" => "AP: provider reports absence by",
        "AlternativeProvision.ProviderRegisterReturns" => "AP: provider sends registers",
        "AlternativeProvision.ProviderRecheckMonths" => "AP: provider checks repeated every (months)",
        "AlternativeProvision.UnregisteredProviderNeedsTrustApproval" => "AP: unregistered provider needs trust approval",
        "AlternativeProvision.OffSiteCode" => "AP: register code for school-arranged AP",
        "AlternativeProvision.LocalAuthorityArrangedCode" => "AP: register code for LA-arranged provision",
        "Attendance.Waves" => "Attendance waves",
        "Attendance.PersistentAbsenceAtOrBelowPercent" => "Persistent absence at or below (%)",
        "Attendance.SevereAbsenceAtOrBelowPercent" => "Severe absence at or below (%)",
        "Attendance.FirstDayContactDay" => "First-day contact on absence day",
        "Attendance.HomeVisitDay" => "Home visit on absence day",
        "Attendance.HomeVisitDayVulnerable" => "Home visit for vulnerable or SEND pupils on absence day",
        "Attendance.SocialWorkerToldAfterDays" => "Social worker told after (days absent)",
        "Attendance.MissingEducationAfterDays" => "Child missing education referral after (consecutive days without contact)",
        "Attendance.PenaltyNoticeUnauthorisedSessions" => "Penalty notice: unauthorised sessions",
        "Attendance.PenaltyNoticeRollingSchoolWeeks" => "Penalty notice: within rolling school weeks",
        "Registers.AmOpens" => "Morning register opens",
        "Registers.PmOpens" => "Afternoon register opens",
        "Registers.OpenMinutes" => "Registers stay open (minutes, at most 30)",
        "FullTimeHours.KS1" => "Full-time hours, key stage 1",
        "FullTimeHours.KS2" => "Full-time hours, key stage 2",
        "FullTimeHours.KS3" => "Full-time hours, key stage 3",
        "FullTimeHours.Year10" => "Full-time hours, Year 10",
        "FullTimeHours.Year11" => "Full-time hours, Year 11",
        _ => path,
    };

    public static string Value(PolicyProfileSettings settings, string path) => Format(SettingPaths.Read(settings, path));

    public static string Format(object? value) => value switch
    {
        null => "Not set",
        bool b => b ? "Yes" : "No",
        decimal d => d.ToString("0.##", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm", CultureInfo.InvariantCulture),
        ReviewCadence c => c switch
        {
            ReviewCadence.HalfTermly => "Half-termly",
            _ => c.ToString(),
        },
        PartTimeApprover a => a == PartTimeApprover.Headteacher ? "Headteacher" : "Alternative provision leader",
        IEnumerable<AttendanceWave> waves => string.Join("; ", waves.Select(w => $"{(w.Inclusive ? "at or below" : "below")} {w.ThresholdPercent:0.##}%: {w.Action}")),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// The template's citation while the value is still the template's; otherwise the version that
    /// changed it.
    /// </summary>
    public static string Source(PolicyProfileVersion version, string path)
    {
        var template = PolicyTemplates.All.FirstOrDefault(t => t.Key == version.TemplateKey);
        if (template is null)
        {
            return "Set locally";
        }

        return Value(template.Settings, path) == Value(version.Settings, path)
            ? template.SourceOf(path)
            : $"Changed locally (was {Value(template.Settings, path)} in the template)";
    }
}
