using FlexiSchooling.Domain.Calendar;

namespace FlexiSchooling.Domain.Policy;

/// <summary>A starting profile taken from one source policy, with where each value comes from.</summary>
public sealed record PolicyTemplate(
    string Key,
    string Name,
    string SourcePolicy,
    PolicyProfileSettings Settings,
    IReadOnlyDictionary<string, string> Sources)
{
    /// <summary>Where a setting's value comes from, e.g. "000 §7".</summary>
    public string SourceOf(string settingPath) =>
        Sources.TryGetValue(settingPath, out var source) ? source : throw new KeyNotFoundException($"Template {Key} does not cite {settingPath}.");
}

/// <summary>
/// The five templates, one per source policy in shared/policies (domain.md's table). A value a
/// policy does not set is the national default and says so; every setting is cited (a test walks
/// the settings by reflection and demands a citation for each, in each template).
/// </summary>
public static class PolicyTemplates
{
    public const string Ddat = "ddat-flexi-2024";
    public const string OswaldRoad = "oswald-road-ap-flexi";
    public const string OurLadyOfLourdes = "olol-cmat-aep-2024";
    public const string Hinckley = "hinckley-attendance-2025-26";
    public const string Emet = "emet-jfcs-ap-2025";

    // National defaults, where a policy is silent. Sources: DfE "Working together to improve school
    // attendance" (August 2024) and the School Attendance (Pupil Registration) (England) Regulations 2024.
    private const string National = "National default (DfE Working together to improve school attendance, 2024)";
    private const string ProductDefault = "Not set by this policy: product default, review locally";

    public static PolicyTemplate Get(string key) =>
        All.FirstOrDefault(t => t.Key == key) ?? throw new KeyNotFoundException($"No policy template {key}.");

    private static AttendanceSettings NationalAttendance(IReadOnlyList<AttendanceWave> waves) => new(
        Waves: waves,
        PersistentAbsenceAtOrBelowPercent: 90m,
        SevereAbsenceAtOrBelowPercent: 50m,
        FirstDayContactDay: 1,
        HomeVisitDay: 3,
        HomeVisitDayVulnerable: 2,
        SocialWorkerToldAfterDays: 3,
        MissingEducationAfterDays: 10,
        PenaltyNoticeUnauthorisedSessions: 10,
        PenaltyNoticeRollingSchoolWeeks: 10);

    private static readonly IReadOnlyList<AttendanceWave> NationalWaves =
    [
        new(1, 90m, true, "Persistent absence: meet parents, agree a support plan, consider LA involvement"),
        new(2, 50m, true, "Severe absence: refer to the local authority attendance service"),
    ];

    private static readonly FullTimeHours ReferenceHours = new(KS1: 21m, KS2: 23.5m, KS3: 24m, Year10: 24m, Year11: 25m);

    // Declared after the shared values above: static fields initialise in textual order.
    public static IReadOnlyList<PolicyTemplate> All { get; } = [Build000(), Build001(), Build002(), Build003(), Build004()];

    private static PartTimeSettings NationalPartTime(int? maxWeeks, ReviewCadence cadence, PartTimeApprover approver) =>
        new(maxWeeks, cadence, approver, NotAttendedCode: "C2", BelowCompulsoryAgeCode: "X", WelfareChecksOnDaysWithoutOnSiteProvision: true);

    private static AlternativeProvisionSettings NationalAp(ReviewCadence review, ReviewCadence visits, bool unregisteredNeedsTrust) =>
        new(review, visits, ProviderAbsenceReportBy: new TimeOnly(10, 0), ProviderRegisterReturns: ReviewCadence.Weekly,
            ProviderRecheckMonths: 12, UnregisteredProviderNeedsTrustApproval: unregisteredNeedsTrust, OffSiteCode: "B", LocalAuthorityArrangedCode: "K");

    private static Dictionary<string, string> Cite(string fallback, params (string Path, string Source)[] cited)
    {
        var sources = SettingPaths.All.ToDictionary(p => p, _ => fallback);
        foreach (var (path, source) in cited)
        {
            if (!sources.ContainsKey(path))
            {
                throw new InvalidOperationException($"Unknown setting path {path}.");
            }

            sources[path] = source;
        }

        return sources;
    }

    // 000: DDAT Flexi-schooling Policy, October 2024 (flexi only).
    private static PolicyTemplate Build000() => new(
        Ddat,
        "DDAT flexi-schooling (97%, 2 weeks' notice)",
        "000 DDAT Flexi-schooling Policy, Oct 2024",
        new PolicyProfileSettings(
            new FlexiSettings(97m, ReviewCadence.Termly, ReviewCadence.Termly, SchoolNoticeWeeks: 2, ParentNoticeWeeks: null,
                DecisionDeadlineWorkingDays: null, OneRequestPerAcademicYear: false, FormalReviewAgreedBy: "Deputy CEO",
                NotifyTrust: false, WeeklyPlanningSharedWithParents: true, HomeSessionCode: "C"),
            NationalPartTime(null, ReviewCadence.HalfTermly, PartTimeApprover.Headteacher),
            NationalAp(ReviewCadence.HalfTermly, ReviewCadence.HalfTermly, false),
            NationalAttendance(NationalWaves),
            new RegisterSettings(new TimeOnly(8, 45), new TimeOnly(13, 15), 30),
            ReferenceHours),
        Cite(National,
            ("Flexi.FormalReviewBelowPercent", "000 §7: formal review where attendance at school falls below 97 percent"),
            ("Flexi.ReviewCadence", "000 §5: attendance and progress updated at least termly"),
            ("Flexi.ProgressUpdateCadence", "000 §5: progress reports at least termly"),
            ("Flexi.SchoolNoticeWeeks", "000 §7: two weeks' notice of termination"),
            ("Flexi.ParentNoticeWeeks", "000 §7: no parent notice route; the school terminates"),
            ("Flexi.DecisionDeadlineWorkingDays", "000 §4: no deadline set"),
            ("Flexi.OneRequestPerAcademicYear", "000 §4: no limit on repeat requests"),
            ("Flexi.FormalReviewAgreedBy", "000 §7: formal review set with agreement from the Deputy CEO"),
            ("Flexi.NotifyTrust", "000 §2: no trust notification beyond the Deputy CEO's oversight"),
            ("Flexi.WeeklyPlanningSharedWithParents", "000 §6: copies of weekly planning to parents"),
            ("Flexi.HomeSessionCode", "000 §5: off-site sessions are authorised absence (code C, DfE 2024)"),
            ("PartTime.MaxWeeks", ProductDefault),
            ("Registers.AmOpens", ProductDefault),
            ("Registers.PmOpens", ProductDefault),
            ("FullTimeHours.KS1", "003 Reduced Timetable Protocol (reference hours; not in 000)"),
            ("FullTimeHours.KS2", "003 Reduced Timetable Protocol (reference hours; not in 000)"),
            ("FullTimeHours.KS3", "003 Reduced Timetable Protocol (reference hours; not in 000)"),
            ("FullTimeHours.Year10", "003 Reduced Timetable Protocol (reference hours; not in 000)"),
            ("FullTimeHours.Year11", "003 Reduced Timetable Protocol (reference hours; not in 000)")));

    // 001: Oswald Road Primary, AP and flexi guidance.
    private static PolicyTemplate Build001() => new(
        OswaldRoad,
        "Oswald Road Primary (decision within 5 working days)",
        "001 Oswald Road Primary AP and flexi-schooling guidance",
        new PolicyProfileSettings(
            new FlexiSettings(null, ReviewCadence.Termly, ReviewCadence.Termly, SchoolNoticeWeeks: 2, ParentNoticeWeeks: null,
                DecisionDeadlineWorkingDays: 5, OneRequestPerAcademicYear: false, FormalReviewAgreedBy: null,
                NotifyTrust: false, WeeklyPlanningSharedWithParents: false, HomeSessionCode: "C"),
            NationalPartTime(null, ReviewCadence.HalfTermly, PartTimeApprover.Headteacher),
            NationalAp(ReviewCadence.HalfTermly, ReviewCadence.HalfTermly, false),
            NationalAttendance(NationalWaves),
            new RegisterSettings(new TimeOnly(8, 45), new TimeOnly(13, 0), 30),
            ReferenceHours),
        Cite(National,
            ("Flexi.DecisionDeadlineWorkingDays", "001: the Headteacher decides within five working days of the meeting, by letter"),
            ("Flexi.FormalReviewBelowPercent", "001: no attendance trigger set"),
            ("Flexi.ReviewCadence", ProductDefault),
            ("Flexi.ProgressUpdateCadence", ProductDefault),
            ("Flexi.SchoolNoticeWeeks", ProductDefault),
            ("Flexi.ParentNoticeWeeks", "001: no parent notice route set"),
            ("Flexi.OneRequestPerAcademicYear", "001: no limit on repeat requests"),
            ("Flexi.FormalReviewAgreedBy", "001: no trust agreement needed"),
            ("Flexi.NotifyTrust", "001: not required"),
            ("Flexi.WeeklyPlanningSharedWithParents", "001: not required"),
            ("Flexi.HomeSessionCode", "DfE 2024 code C: flexi home sessions"),
            ("PartTime.MaxWeeks", ProductDefault),
            ("Registers.AmOpens", ProductDefault),
            ("Registers.PmOpens", ProductDefault),
            ("FullTimeHours.KS1", "003 Reduced Timetable Protocol (reference hours; not in 001)"),
            ("FullTimeHours.KS2", "003 Reduced Timetable Protocol (reference hours; not in 001)"),
            ("FullTimeHours.KS3", "003 Reduced Timetable Protocol (reference hours; not in 001)"),
            ("FullTimeHours.Year10", "003 Reduced Timetable Protocol (reference hours; not in 001)"),
            ("FullTimeHours.Year11", "003 Reduced Timetable Protocol (reference hours; not in 001)")));

    // 002: Our Lady of Lourdes CMAT, Alternative Education Pathways Policy, November 2024.
    private static PolicyTemplate Build002() => new(
        OurLadyOfLourdes,
        "Our Lady of Lourdes CMAT (AP, part-time timetables, flexi)",
        "002 OLoL CMAT Alternative Education Pathways Policy, Nov 2024",
        new PolicyProfileSettings(
            new FlexiSettings(null, ReviewCadence.Termly, ReviewCadence.Termly, SchoolNoticeWeeks: 2, ParentNoticeWeeks: null,
                DecisionDeadlineWorkingDays: null, OneRequestPerAcademicYear: false, FormalReviewAgreedBy: null,
                NotifyTrust: true, WeeklyPlanningSharedWithParents: false, HomeSessionCode: "C"),
            NationalPartTime(null, ReviewCadence.HalfTermly, PartTimeApprover.Headteacher),
            NationalAp(ReviewCadence.HalfTermly, ReviewCadence.HalfTermly, true),
            NationalAttendance(NationalWaves),
            new RegisterSettings(new TimeOnly(8, 45), new TimeOnly(13, 15), 30),
            ReferenceHours),
        Cite(National,
            ("Flexi.NotifyTrust", "002 §5.1: notify the LA of all flexi arrangements and inform the link DPS"),
            ("Flexi.ReviewCadence", "002 §5.2: termly updates on flexi-schooling arrangements"),
            ("Flexi.ProgressUpdateCadence", "002 §5.2: termly updates including pupil progress"),
            ("Flexi.FormalReviewBelowPercent", "002 §5: no attendance trigger set"),
            ("Flexi.SchoolNoticeWeeks", ProductDefault),
            ("Flexi.ParentNoticeWeeks", "002 §5: no parent notice route set"),
            ("Flexi.DecisionDeadlineWorkingDays", "002 §5.1: no deadline set"),
            ("Flexi.OneRequestPerAcademicYear", "002 §5: no limit on repeat requests"),
            ("Flexi.FormalReviewAgreedBy", "002 §5: no trust agreement needed"),
            ("Flexi.WeeklyPlanningSharedWithParents", "002 §5.1: sharing curriculum outlines is optional"),
            ("Flexi.HomeSessionCode", "DfE 2024 code C: flexi home sessions"),
            ("PartTime.ReviewCadence", "002 §4.2: reviews at least half-termly"),
            ("PartTime.Approver", "002 §4.4: the Headteacher approves"),
            ("PartTime.NotAttendedCode", "002 §4: part-time sessions not attended coded C2"),
            ("PartTime.BelowCompulsoryAgeCode", "002 §4: code X below compulsory school age"),
            ("PartTime.MaxWeeks", "002 §4: no maximum set (time-limited, reviewed half-termly)"),
            ("AlternativeProvision.ReviewCadence", "002 §3.9: half-termly reviews"),
            ("AlternativeProvision.VisitCadence", "002 §3.7, §3.8: half-termly visits (appendix 5)"),
            ("AlternativeProvision.ProviderAbsenceReportBy", "002 §4.4: attendance updates by 10:00 AM daily"),
            ("AlternativeProvision.ProviderRegisterReturns", "002 §3.6: weekly registers from the provider"),
            ("AlternativeProvision.UnregisteredProviderNeedsTrustApproval", "002 §3.1: unregistered provision needs the trust's (DPS) approval"),
            ("Registers.AmOpens", ProductDefault),
            ("Registers.PmOpens", ProductDefault),
            ("FullTimeHours.KS1", "003 Reduced Timetable Protocol (reference hours; not in 002)"),
            ("FullTimeHours.KS2", "003 Reduced Timetable Protocol (reference hours; not in 002)"),
            ("FullTimeHours.KS3", "003 Reduced Timetable Protocol (reference hours; not in 002)"),
            ("FullTimeHours.Year10", "003 Reduced Timetable Protocol (reference hours; not in 002)"),
            ("FullTimeHours.Year11", "003 Reduced Timetable Protocol (reference hours; not in 002)")));

    // 003: The Hinckley School, Attendance Policy 2025-26 with its Flexi-Schooling and Reduced Timetable protocols.
    private static PolicyTemplate Build003() => new(
        Hinckley,
        "The Hinckley School (95%, 12-week reduced timetables, waves)",
        "003 The Hinckley School Attendance Policy 2025-26",
        new PolicyProfileSettings(
            new FlexiSettings(95m, ReviewCadence.HalfTermly, ReviewCadence.HalfTermly, SchoolNoticeWeeks: 2, ParentNoticeWeeks: null,
                DecisionDeadlineWorkingDays: null, OneRequestPerAcademicYear: false, FormalReviewAgreedBy: null,
                NotifyTrust: false, WeeklyPlanningSharedWithParents: false, HomeSessionCode: "C"),
            NationalPartTime(12, ReviewCadence.Fortnightly, PartTimeApprover.Headteacher),
            NationalAp(ReviewCadence.HalfTermly, ReviewCadence.HalfTermly, false),
            NationalAttendance(
            [
                new(1, 96m, false, "Early intervention by the year team (Wave 1)"),
                new(2, 95m, false, "Stage 1 letter; Pastoral Leader meets the pupil (Wave 2)"),
                new(3, 93m, false, "Stage 2 letter; parent meeting with the Year Leader (Wave 3)"),
                new(4, 90m, true, "LA paperwork by the Attendance Officer; LA monitoring period (Wave 4)"),
            ]) with { HomeVisitDay = 3, HomeVisitDayVulnerable = 2 },
            new RegisterSettings(new TimeOnly(8, 30), new TimeOnly(13, 30), 20),
            ReferenceHours),
        Cite(National,
            ("Flexi.FormalReviewBelowPercent", "003 Flexi-Schooling Protocol §7: formal review where attendance falls below 95%"),
            ("Flexi.ReviewCadence", "003 Flexi-Schooling Protocol §5: half-termly review meetings"),
            ("Flexi.ProgressUpdateCadence", "003 Flexi-Schooling Protocol §5: progress at least half termly"),
            ("Flexi.SchoolNoticeWeeks", "003 Flexi-Schooling Protocol §7: two weeks' notice"),
            ("Flexi.ParentNoticeWeeks", "003 Flexi-Schooling Protocol §7: no parent notice route"),
            ("Flexi.DecisionDeadlineWorkingDays", "003 Flexi-Schooling Protocol §4: no deadline set"),
            ("Flexi.OneRequestPerAcademicYear", "003 Flexi-Schooling Protocol §4: no limit on repeat requests"),
            ("Flexi.FormalReviewAgreedBy", "003 Flexi-Schooling Protocol §7: no trust agreement needed"),
            ("Flexi.NotifyTrust", "003: not required"),
            ("Flexi.WeeklyPlanningSharedWithParents", "003 Flexi-Schooling Protocol §6: not required"),
            ("Flexi.HomeSessionCode", "003 Appendix 2, C code: flexi home sessions"),
            ("PartTime.MaxWeeks", "003 Reduced Timetable Protocol, Recommended good practice: no longer than twelve weeks"),
            ("PartTime.ReviewCadence", "003 Reduced Timetable Protocol, Appendix 1: review dates fortnightly"),
            ("PartTime.Approver", "003 Reduced Timetable Protocol: signed off by the Headteacher"),
            ("PartTime.NotAttendedCode", "003 Reduced Timetable Protocol, Register Coding: C2"),
            ("Attendance.Waves", "003 §8: Waves 1–4 at 96%, 95%, 93% and 90%"),
            ("Attendance.PersistentAbsenceAtOrBelowPercent", "003 §5: persistent absentee below 90%"),
            ("Attendance.HomeVisitDay", "003 §8 Wave 1: home visits on day 3 of an absence"),
            ("Attendance.HomeVisitDayVulnerable", "003 §8 Wave 1: sooner if necessary for PP/SEND students"),
            ("Attendance.SocialWorkerToldAfterDays", "003 §3.4: a student with a social worker absent three or more days is reported"),
            ("Registers.AmOpens", "003 §3: registration begins at 8.30am"),
            ("Registers.OpenMinutes", "003 §3: registration ends at 8.50am (20 minutes)"),
            ("Registers.PmOpens", ProductDefault),
            ("FullTimeHours.KS1", "003 Reduced Timetable Protocol, What is full-time education?: KS1 21 hours"),
            ("FullTimeHours.KS2", "003 Reduced Timetable Protocol, What is full-time education?: KS2 23.5 hours"),
            ("FullTimeHours.KS3", "003 Reduced Timetable Protocol, What is full-time education?: KS3 24 hours"),
            ("FullTimeHours.Year10", "003 Reduced Timetable Protocol, What is full-time education?: Year 10 24 hours"),
            ("FullTimeHours.Year11", "003 Reduced Timetable Protocol, What is full-time education?: Year 11 25 hours")));

    // 004: John Flamsteed Community School (EMET), Alternative Provision Policy, Autumn 2025.
    private static PolicyTemplate Build004() => new(
        Emet,
        "EMET / John Flamsteed (4 weeks' notice either party, AP leader approves part-time)",
        "004 John Flamsteed Community School AP Policy, Autumn 2025",
        new PolicyProfileSettings(
            new FlexiSettings(null, ReviewCadence.Termly, ReviewCadence.Termly, SchoolNoticeWeeks: 4, ParentNoticeWeeks: 4,
                DecisionDeadlineWorkingDays: null, OneRequestPerAcademicYear: true, FormalReviewAgreedBy: null,
                NotifyTrust: false, WeeklyPlanningSharedWithParents: false, HomeSessionCode: "C"),
            NationalPartTime(null, ReviewCadence.HalfTermly, PartTimeApprover.AlternativeProvisionLeader),
            NationalAp(ReviewCadence.HalfTermly, ReviewCadence.HalfTermly, false),
            NationalAttendance(NationalWaves),
            new RegisterSettings(new TimeOnly(8, 40), new TimeOnly(13, 10), 30),
            ReferenceHours),
        Cite(National,
            ("Flexi.ReviewCadence", "004 §10.6: reviewed on a termly basis"),
            ("Flexi.ProgressUpdateCadence", "004 §10.6: termly"),
            ("Flexi.SchoolNoticeWeeks", "004 §10.6: a minimum of four weeks' notice, either party"),
            ("Flexi.ParentNoticeWeeks", "004 §10.6: a minimum of four weeks' notice, either party"),
            ("Flexi.OneRequestPerAcademicYear", "004 §10.4: no further request for the same pupil in the same academic year"),
            ("Flexi.FormalReviewBelowPercent", "004 §10: no attendance trigger set"),
            ("Flexi.DecisionDeadlineWorkingDays", "004 §10.4: decision in writing, no deadline set"),
            ("Flexi.FormalReviewAgreedBy", "004 §10: no trust agreement needed"),
            ("Flexi.NotifyTrust", "004 §10.7: LA procedures only"),
            ("Flexi.WeeklyPlanningSharedWithParents", "004 §10: not required"),
            ("Flexi.HomeSessionCode", "DfE 2024 code C: flexi home sessions"),
            ("PartTime.Approver", "004 §9.5: all part-time timetables approved by the Alternative Provision Leader"),
            ("PartTime.WelfareChecksOnDaysWithoutOnSiteProvision", "004 §9.6: additional safety and welfare checks"),
            ("PartTime.MaxWeeks", "004 §9.3: temporary, no maximum set"),
            ("AlternativeProvision.ProviderRecheckMonths", "004 §7.9: provider risk assessment reviewed annually"),
            ("AlternativeProvision.ReviewCadence", "004 §8.3: set at commissioning; at least half-termly"),
            ("AlternativeProvision.VisitCadence", "004 §8.3: set at commissioning; at least half-termly"),
            ("Registers.AmOpens", ProductDefault),
            ("Registers.PmOpens", ProductDefault),
            ("FullTimeHours.KS1", "003 Reduced Timetable Protocol (reference hours; not in 004)"),
            ("FullTimeHours.KS2", "003 Reduced Timetable Protocol (reference hours; not in 004)"),
            ("FullTimeHours.KS3", "003 Reduced Timetable Protocol (reference hours; not in 004)"),
            ("FullTimeHours.Year10", "003 Reduced Timetable Protocol (reference hours; not in 004)"),
            ("FullTimeHours.Year11", "003 Reduced Timetable Protocol (reference hours; not in 004)")));
}

/// <summary>The dotted path of every leaf setting, found by reflection so a new setting must be cited.</summary>
public static class SettingPaths
{
    public static IReadOnlyList<string> All { get; } = Walk(typeof(PolicyProfileSettings), "").ToList();

    private static IEnumerable<string> Walk(Type type, string prefix)
    {
        foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.DeclaringType == type && p.CanRead && p.GetMethod!.IsPublic && !p.GetMethod.IsStatic))
        {
            var path = prefix + property.Name;
            // Nested settings records recurse; values, strings and lists (the waves) are leaves.
            if (property.PropertyType.IsClass && property.PropertyType.Namespace == typeof(PolicyProfileSettings).Namespace)
            {
                foreach (var child in Walk(property.PropertyType, path + "."))
                {
                    yield return child;
                }
            }
            else if (!IsComputed(type, property.Name))
            {
                yield return path;
            }
        }
    }

    // Derived values (e.g. closing times) are not settings and need no citation.
    private static bool IsComputed(Type type, string name) => type == typeof(RegisterSettings) && name is "AmCloses" or "PmCloses";

    /// <summary>Reads a setting's value by its path, for display and comparison.</summary>
    public static object? Read(PolicyProfileSettings settings, string path)
    {
        object? current = settings;
        foreach (var part in path.Split('.'))
        {
            current = current?.GetType().GetProperty(part)?.GetValue(current);
        }

        return current;
    }
}
