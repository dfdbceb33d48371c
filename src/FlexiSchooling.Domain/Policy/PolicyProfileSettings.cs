using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Pupils;

namespace FlexiSchooling.Domain.Policy;

/// <summary>Who approves a part-time (reduced) timetable: the head (002 §4, 003) or the AP leader (004 §9.5).</summary>
public enum PartTimeApprover
{
    Headteacher,
    AlternativeProvisionLeader,
}

/// <summary>
/// Every number a school's policy decides, typed. domain.md "The per-school policy profile".
/// A version is immutable once saved; a change is a new <see cref="PolicyProfileVersion"/>, and an
/// arrangement keeps the version that was in force when it was approved.
/// </summary>
public sealed record PolicyProfileSettings(
    FlexiSettings Flexi,
    PartTimeSettings PartTime,
    AlternativeProvisionSettings AlternativeProvision,
    AttendanceSettings Attendance,
    RegisterSettings Registers,
    FullTimeHours FullTimeHours)
{
    // Checks the settings are coherent; returns each problem with the setting's path.
    public IReadOnlyList<(string Setting, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        void Percent(string path, decimal? value)
        {
            if (value is < 0 or > 100)
            {
                problems.Add((path, "Enter a percentage from 0 to 100."));
            }
        }

        Percent("Flexi.FormalReviewBelowPercent", Flexi.FormalReviewBelowPercent);
        Percent("Attendance.PersistentAbsenceAtOrBelowPercent", Attendance.PersistentAbsenceAtOrBelowPercent);
        Percent("Attendance.SevereAbsenceAtOrBelowPercent", Attendance.SevereAbsenceAtOrBelowPercent);
        foreach (var wave in Attendance.Waves)
        {
            Percent("Attendance.Waves", wave.ThresholdPercent);
        }

        if (Flexi.SchoolNoticeWeeks < 0 || Flexi.ParentNoticeWeeks < 0)
        {
            problems.Add(("Flexi.SchoolNoticeWeeks", "A notice period cannot be negative."));
        }

        if (PartTime.MaxWeeks is <= 0)
        {
            problems.Add(("PartTime.MaxWeeks", "A maximum length must be at least one week."));
        }

        // School Attendance (Pupil Registration) (England) Regulations 2024 and DfE Working together
        // to improve school attendance (2024) §: registers stay open no more than 30 minutes.
        if (Registers.OpenMinutes is < 1 or > RegisterSettings.StatutoryMaximumOpenMinutes)
        {
            problems.Add(("Registers.OpenMinutes", $"A register may stay open for 1 to {RegisterSettings.StatutoryMaximumOpenMinutes} minutes."));
        }

        if (Registers.PmOpens <= Registers.AmOpens)
        {
            problems.Add(("Registers.PmOpens", "The afternoon register must open after the morning register."));
        }

        return problems;
    }
}

public sealed record FlexiSettings(
    // Formal review when attendance at agreed school sessions falls below this; null = the policy sets no attendance trigger.
    decimal? FormalReviewBelowPercent,
    ReviewCadence ReviewCadence,
    ReviewCadence ProgressUpdateCadence,
    int SchoolNoticeWeeks,
    // Null when the policy gives the parent no notice route (the school ends the agreement).
    int? ParentNoticeWeeks,
    // Working days after the meeting by which the head decides; null = no deadline set.
    int? DecisionDeadlineWorkingDays,
    bool OneRequestPerAcademicYear,
    // Names the trust lead who must agree a formal review (000 §7: the Deputy CEO); null = no agreement needed.
    string? FormalReviewAgreedBy,
    // Trust (e.g. link DPS) told of every arrangement besides the LA (002 §5.1).
    bool NotifyTrust,
    bool WeeklyPlanningSharedWithParents,
    string HomeSessionCode);

public sealed record PartTimeSettings(
    int? MaxWeeks,
    ReviewCadence ReviewCadence,
    PartTimeApprover Approver,
    string NotAttendedCode,
    string BelowCompulsoryAgeCode,
    bool WelfareChecksOnDaysWithoutOnSiteProvision);

public sealed record AlternativeProvisionSettings(
    ReviewCadence ReviewCadence,
    ReviewCadence VisitCadence,
    TimeOnly ProviderAbsenceReportBy,
    ReviewCadence ProviderRegisterReturns,
    int ProviderRecheckMonths,
    bool UnregisteredProviderNeedsTrustApproval,
    string OffSiteCode,
    string LocalAuthorityArrangedCode);

/// <summary>An attendance wave: below (or at, when <see cref="Inclusive"/>) the threshold, the action is due.</summary>
public sealed record AttendanceWave(int Stage, decimal ThresholdPercent, bool Inclusive, string Action)
{
    public bool Applies(decimal attendancePercent) => Inclusive ? attendancePercent <= ThresholdPercent : attendancePercent < ThresholdPercent;
}

public sealed record AttendanceSettings(
    IReadOnlyList<AttendanceWave> Waves,
    decimal PersistentAbsenceAtOrBelowPercent,
    decimal SevereAbsenceAtOrBelowPercent,
    int FirstDayContactDay,
    int HomeVisitDay,
    int HomeVisitDayVulnerable,
    int SocialWorkerToldAfterDays,
    int MissingEducationAfterDays,
    int PenaltyNoticeUnauthorisedSessions,
    int PenaltyNoticeRollingSchoolWeeks);

public sealed record RegisterSettings(TimeOnly AmOpens, TimeOnly PmOpens, int OpenMinutes)
{
    // The statutory ceiling: not a school setting, so it is a constant here.
    public const int StatutoryMaximumOpenMinutes = 30;

    public TimeOnly AmCloses => AmOpens.AddMinutes(OpenMinutes);

    public TimeOnly PmCloses => PmOpens.AddMinutes(OpenMinutes);

    /// <summary>When the session's register opens.</summary>
    public TimeOnly Opens(Attendance.Session session) => session == Attendance.Session.AM ? AmOpens : PmOpens;

    /// <summary>When the session's register closes (a pupil arriving after it is U, not L).</summary>
    public TimeOnly Closes(Attendance.Session session) => session == Attendance.Session.AM ? AmCloses : PmCloses;
}

/// <summary>Weekly hours that count as full time, by key stage (003, Reduced Timetable Protocol).</summary>
public sealed record FullTimeHours(decimal KS1, decimal KS2, decimal KS3, decimal Year10, decimal Year11)
{
    public decimal? For(int yearGroup) => YearGroups.KeyStageOf(yearGroup) switch
    {
        KeyStage.KS1 => KS1,
        KeyStage.KS2 => KS2,
        KeyStage.KS3 => KS3,
        KeyStage.KS4 => yearGroup == 10 ? Year10 : Year11,
        KeyStage.EarlyYears or KeyStage.KS5 => null,
    };
}
