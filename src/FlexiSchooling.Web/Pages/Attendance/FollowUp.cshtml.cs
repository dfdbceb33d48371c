using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Attendance;

public sealed record FollowUpPupilRow(Guid Id, string Name, string? Group, IReadOnlyList<FollowUpItem> Items);

/// <summary>The attendance officer's and pastoral staff's worklist for the active school (rules in <see cref="FollowUp"/>).</summary>
public sealed class FollowUpModel : AppPageModel
{
    public string SchoolName { get; private set; } = "";

    public IReadOnlyList<FollowUpPupilRow> Pupils { get; private set; } = [];

    /// <summary>Only pupils with an item of this kind (issue 13: the list filters).</summary>
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public FollowUpKind? What { get; set; }

    /// <summary>Only pupils of this registration group.</summary>
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Group { get; set; }

    /// <summary>Every pupil on the list before filtering, for the filters' choices and the counts.</summary>
    public IReadOnlyList<FollowUpPupilRow> All { get; private set; } = [];

    /// <summary>
    /// The list grouped by how urgent each pupil's most urgent item is (issue 13: grouping): safeguarding first, then
    /// contacts and visits due today, then registers to clear, then attendance over time.
    /// </summary>
    public IReadOnlyList<(string Title, string Id, IReadOnlyList<FollowUpPupilRow> Rows)> Sections =>
    [
        .. new[] { (0, 0, "Safeguarding: tell the social worker or refer as missing education", "safeguarding"), (1, 1, "Contact the family today", "contact"),
            (2, 2, "Registers to clear", "registers"), (3, int.MaxValue, "Attendance over time", "over-time") }
            .Select(b => (b.Item3, b.Item4, (IReadOnlyList<FollowUpPupilRow>)[.. Pupils.Where(p => p.Items.Min(i => i.Priority) is var top && top >= b.Item1 && top <= b.Item2)]))
            .Where(s => s.Item3.Count > 0),
    ];

    public async Task<IActionResult> OnGetAsync()
    {
        if (CurrentUser.ActiveSchool is not { } school || !await CanAsync(school.Id, Permission.FollowUpAbsence))
        {
            return NotFound();
        }

        SchoolName = school.Name;
        All = await ListAsync(Db, school.Id, Today);
        Pupils = [.. All.Where(p => (What is null || p.Items.Any(i => i.Kind == What)) && (string.IsNullOrEmpty(Group) || p.Group == Group))];
        return Page();
    }

    /// <summary>The school's follow-up list today: each pupil with what is due for them, most urgent first (this page and Today).</summary>
    public static async Task<IReadOnlyList<FollowUpPupilRow>> ListAsync(Data.AppDbContext db, Guid schoolId, DateOnly today)
    {
        var calendar = await SchoolRules.CalendarAsync(db, schoolId);
        var settings = (await SchoolRules.ProfileAsync(db, schoolId, today)).Settings.Attendance;
        var year = AcademicYear.Containing(today);
        var from = FollowUp.RollingSchoolWeeksStart(calendar, today, settings.PenaltyNoticeRollingSchoolWeeks);
        // Sessions an arrangement or leave agreed away from school (a flexi home session, out of school on a part-time
        // timetable) are not absences to chase: only marks of sessions the pupil was expected in school count here. Of the
        // window's marks only the absences and the N marks are read (all the N rule and the penalty notice count), through
        // the partial index of those alone (AbsenceDays.AbsenceOrNoReasonYet, migration 0041); the absence run's two other
        // days (AbsenceDays) come with each pupil: the latest day marked and the latest school day with a mark that is not
        // an absence, each the top of the pupil's own index range. The present marks, most of the window's, are not read:
        // at the benchmark's full scale that read took 86-130 ms of PostgreSQL's time, and the list, timed by hand with its
        // statements prepared as the application's are, 177 ms against 67 now (docs/performance.md, forty-seventh session).
        var onRoll = await PupilsWithTheirDays(db, schoolId, from, today, calendar).ToListAsync();
        var marks = (onRoll.Count == 0 ? []
            : await AbsencesRead(db, schoolId, from, today).ToListAsync())
            .ToLookup(m => m.PupilId, m => (m.Date, m.Session, m.Code, m.Category));
        // The year's figures at this school: one row a pupil from the yearly summaries (the sum of their weekly rows, kept with
        // them in the same transaction), not forty weekly rows a pupil summed here — at 250 pupils a year in, 18–20 ms of the
        // list's 40–58 (docs/performance.md, forty-sixth session).
        var ytd = (await Data.Attendance.AttendanceSummaries.PerPupilForYearAsync(db, [schoolId], year)).ToDictionary(r => r.PupilId, r => r.Figures);
        var contacts = (await db.AbsenceContacts.AsNoTracking().Where(c => c.SchoolId == schoolId && c.OnDate >= year.Start).ToListAsync()).ToLookup(c => c.PupilId);

        // Welfare checks due on days a running part-time timetable gives no time in school (004 §9.6), by the rules of
        // the profile version each was approved under.
        var welfare = new List<FollowUpItem>();
        // Read for all of them at once (each timetable with its plan, then every check recorded for them), not one by one: the
        // round trips stay the same however many timetables are running (RoundTripsTests).
        var running = await (from a in db.Arrangements.AsNoTracking()
                             join p in db.PartTimePlans.AsNoTracking() on a.Id equals p.ArrangementId
                             where a.SchoolId == schoolId && a.Kind == Domain.Arrangements.ArrangementKind.PartTimeTimetable && a.Stage == Domain.Arrangements.ArrangementStage.Running
                             select new { Arrangement = a, Plan = p }).ToListAsync();
        var runningIds = running.Select(r => r.Arrangement.Id).ToList();
        var recorded = running.Count == 0 ? null
            : (await db.WelfareChecks.AsNoTracking().Where(c => runningIds.Contains(c.ArrangementId)).Select(c => new { c.ArrangementId, c.Date }).ToListAsync()).ToLookup(c => c.ArrangementId, c => c.Date);
        foreach (var (arrangement, plan) in running.Select(r => (r.Arrangement, r.Plan)))
        {
            var decidedUnder = (await SchoolRules.DecidedUnderAsync(db, arrangement)).Settings.PartTime;
            welfare.AddRange(Domain.PartTime.PartTimeRules.MissingWelfareChecks(arrangement, plan, calendar, decidedUnder, [.. recorded![arrangement.Id]], today));
        }

        var welfareByPupil = welfare.ToLookup(w => w.PupilId);

        return [.. onRoll
            .Select(x => new
            {
                x.Pupil,
                x.Group,
                Items = (IReadOnlyList<FollowUpItem>)[.. FollowUp.For(
                    new FollowUpPupil(x.Pupil.Id, x.Pupil.Flags, [.. marks[x.Pupil.Id]], ytd.GetValueOrDefault(x.Pupil.Id, AttendanceFigures.Zero), [.. contacts[x.Pupil.Id]],
                        AbsenceDays.Read(marks[x.Pupil.Id], x.LatestMarked, x.LatestNotAbsent)),
                    calendar, settings, today), .. welfareByPupil[x.Pupil.Id]],
            })
            .Where(x => x.Items.Count > 0)
            .OrderBy(x => x.Items.Min(i => i.Priority)).ThenBy(x => x.Pupil.LegalSurname)
            .Select(x => new FollowUpPupilRow(x.Pupil.Id, $"{x.Pupil.LegalSurname}, {x.Pupil.PreferredForename ?? x.Pupil.LegalForename}",
                x.Group, [.. x.Items.OrderBy(i => i.Priority)]))];
    }

    /// <summary>
    /// The pupils on roll with their registration groups' names and the absence run's two days (<see cref="AbsenceDays"/>):
    /// the latest day marked and the latest school day with a mark that is not an absence, in one read. Each day is the
    /// first row of the pupil's own index range read backwards (<c>ORDER BY date DESC LIMIT 1</c>), written so rather than
    /// as <c>max(date)</c>: PostgreSQL turns a <c>max</c> into that only when it estimates it cheaper, and in the generic
    /// plan a prepared statement is given after five runs it estimated one row a pupil and summed every mark of the
    /// window instead — 151 ms a school of 834 pupils against 24 (docs/performance.md, forty-seventh session;
    /// FollowUpTests.The_list_reads_a_windows_absences_through_the_index_of_absences_alone holds its shape).
    /// </summary>
    public static IQueryable<PupilWithTheirDays> PupilsWithTheirDays(Data.AppDbContext db, Guid schoolId, DateOnly from, DateOnly today, Domain.Calendar.SchoolCalendar calendar)
    {
        var notSchoolDays = Enumerable.Range(0, Math.Max(0, today.DayNumber - from.DayNumber + 1)).Select(from.AddDays).Where(d => !calendar.IsSchoolDay(d)).ToList();
        var absence = AbsenceDays.Categories;
        var window = Window(db, schoolId, from, today);
        return from p in db.Pupils.AsNoTracking().Where(p => p.SchoolId == schoolId).Where(Pupil.OnRollOn(today))
               join g in db.RegistrationGroups.AsNoTracking() on p.RegistrationGroupId equals g.Id into inGroup
               from g in inGroup.DefaultIfEmpty()
               select new PupilWithTheirDays(
                   p,
                   g == null ? null : g.Name,
                   window.Where(m => m.PupilId == p.Id).OrderByDescending(m => m.Date).Select(m => (DateOnly?)m.Date).FirstOrDefault(),
                   window.Where(m => m.PupilId == p.Id && !absence.Contains(m.Category) && !notSchoolDays.Contains(m.Date)).OrderByDescending(m => m.Date).Select(m => (DateOnly?)m.Date).FirstOrDefault());
    }

    /// <summary>A pupil <see cref="PupilsWithTheirDays"/> returns.</summary>
    public sealed record PupilWithTheirDays(Pupil Pupil, string? Group, DateOnly? LatestMarked, DateOnly? LatestNotAbsent);

    // The marks of the window that count: those of sessions the pupil was expected in school.
    private static IQueryable<Domain.Attendance.AttendanceMark> Window(Data.AppDbContext db, Guid schoolId, DateOnly from, DateOnly today) =>
        db.AttendanceMarks.AsNoTracking().Where(m => m.SchoolId == schoolId && m.Date >= from && m.Date <= today && m.ExpectedInSchool);

    /// <summary>The window's absences and N marks: the read the partial index is for
    /// (FollowUpTests.The_list_reads_a_windows_absences_through_the_index_of_absences_alone holds it there).</summary>
    public static IQueryable<AbsenceMark> AbsencesRead(Data.AppDbContext db, Guid schoolId, DateOnly from, DateOnly today) =>
        Window(db, schoolId, from, today).Where(AbsenceDays.AbsenceOrNoReasonYet).Select(m => new AbsenceMark(m.PupilId, m.Date, m.Session, m.Code, m.Category));

    /// <summary>A mark <see cref="AbsencesRead"/> returns.</summary>
    public sealed record AbsenceMark(Guid PupilId, DateOnly Date, Session Session, string Code, AttendanceCategory Category);

    public static string Label(FollowUpKind kind) => kind switch
    {
        FollowUpKind.UnexplainedAbsence => "N not cleared",
        FollowUpKind.FirstDayContact => "First-day contact",
        FollowUpKind.HomeVisit => "Home visit",
        FollowUpKind.TellSocialWorker => "Tell social worker",
        FollowUpKind.MissingEducation => "CME referral",
        FollowUpKind.AttendanceWave => "Attendance wave",
        FollowUpKind.PenaltyNoticeThreshold => "Penalty notice threshold",
        FollowUpKind.WelfareCheck => "Welfare check",
    };

    public static string Colour(FollowUpKind kind) => kind switch
    {
        FollowUpKind.TellSocialWorker or FollowUpKind.MissingEducation => "govuk-tag--red",
        FollowUpKind.FirstDayContact or FollowUpKind.HomeVisit or FollowUpKind.WelfareCheck => "govuk-tag--orange",
        FollowUpKind.UnexplainedAbsence => "govuk-tag--yellow",
        FollowUpKind.AttendanceWave or FollowUpKind.PenaltyNoticeThreshold => "govuk-tag--purple",
    };
}
