using System.Linq.Expressions;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Attendance;

public enum ContactMethod
{
    Call,
    Text,
    Email,
    HomeVisit,
    SocialWorkerInformed,
    Letter,
    Meeting,
    MissingEducationReferral,
}

/// <summary>A contact about a pupil's absence: the contact log that closes follow-up items.</summary>
public sealed class AbsenceContact : ISchoolOwned, ITrustStampable
{
    private AbsenceContact() { }

    public AbsenceContact(Guid schoolId, Guid pupilId, DateTimeOffset at, DateOnly onDate, ContactMethod method, bool reachedSomeone, int? waveStage, string? outcome, Guid? byUserId)
    {
        Id = Ids.New(at);
        SchoolId = schoolId;
        PupilId = pupilId;
        At = at;
        OnDate = onDate;
        Method = method;
        ReachedSomeone = reachedSomeone;
        WaveStage = waveStage;
        Outcome = string.IsNullOrWhiteSpace(outcome) ? null : outcome.Trim();
        ByUserId = byUserId;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public DateTimeOffset At { get; private set; }

    /// <summary>The school day the contact was made (London).</summary>
    public DateOnly OnDate { get; private set; }

    public ContactMethod Method { get; private set; }

    /// <summary>Whether a parent, carer or the pupil was actually reached (a CME referral follows no contact).</summary>
    public bool ReachedSomeone { get; private set; }

    /// <summary>For a letter or meeting that answers an attendance wave, the wave's stage.</summary>
    public int? WaveStage { get; private set; }

    public string? Outcome { get; private set; }

    public Guid? ByUserId { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

public enum FollowUpKind
{
    UnexplainedAbsence,
    FirstDayContact,
    HomeVisit,
    TellSocialWorker,
    MissingEducation,
    AttendanceWave,
    PenaltyNoticeThreshold,
    WelfareCheck,
}

/// <summary>One thing to do about one pupil, and why it is there.</summary>
public sealed record FollowUpItem(Guid PupilId, FollowUpKind Kind, string Why, int Priority, string? Link = null);

/// <summary>
/// What the worklist reads about one pupil. <paramref name="Marks"/>: every mark of the window, or — when
/// <paramref name="Absences"/> is given — only its absences and its N marks, which are all the N rule and the penalty
/// notice's count read (the absence run reads <paramref name="Absences"/>, made from every mark when it is not given).
/// </summary>
public sealed record FollowUpPupil(Guid Id, PupilFlags Flags, IReadOnlyList<(DateOnly Date, Session Session, string Code, AttendanceCategory Category)> Marks, AttendanceFigures YearToDate, IReadOnlyList<AbsenceContact> Contacts,
    AbsenceDays? Absences = null);

/// <summary>
/// What <see cref="FollowUp.AbsenceRun(AbsenceDays, SchoolCalendar)"/> reads of a pupil's marks up to today: the days with
/// an absence mark, the latest day marked, and the latest school day with a mark that is not an absence. The run goes
/// back from the latest day marked through school days with an absence mark, and stops at a school day with none or
/// with any other mark — the latest such day being the one it can reach — so nothing else of the present marks matters,
/// and a query can return these three without them (the follow-up list's reads: one row in six of the window's at the
/// benchmark's scale).
/// </summary>
public sealed record AbsenceDays(IReadOnlySet<DateOnly> Absent, DateOnly? LatestMarked, DateOnly? LatestNotAbsent)
{
    /// <summary>The categories of an absence: the one definition, for the run here and for a query's filter.</summary>
    public static readonly AttendanceCategory[] Categories = [AttendanceCategory.Authorised, AttendanceCategory.Unauthorised];

    /// <summary>
    /// The marks of a window the follow-up list reads (an absence, or N), as a query's filter: the categories and the code
    /// written into it as constants, never parameters, so PostgreSQL can prove the filter implies the predicate of the
    /// partial index made for this read (<c>IX_attendance_marks_absences</c>, migration 0041, whose predicate the model
    /// builds from the same two: <see cref="IndexPredicate"/>) and read the absences alone, not every mark of the window.
    /// </summary>
    public static readonly Expression<Func<AttendanceMark, bool>> AbsenceOrNoReasonYet = BuildFilter();

    /// <summary>The partial index's predicate in SQL, from the same definition.</summary>
    public static string IndexPredicate =>
        $"category IN ({string.Join(", ", Categories.Select(c => $"'{c}'"))}) OR code = '{AttendanceCodeSet.NoReasonYet}'";

    private static Expression<Func<AttendanceMark, bool>> BuildFilter()
    {
        var mark = Expression.Parameter(typeof(AttendanceMark), "m");
        Expression filter = Expression.Equal(Expression.Property(mark, nameof(AttendanceMark.Code)), Expression.Constant(AttendanceCodeSet.NoReasonYet));
        foreach (var category in Categories.Reverse())
        {
            filter = Expression.OrElse(Expression.Equal(Expression.Property(mark, nameof(AttendanceMark.Category)), Expression.Constant(category)), filter);
        }

        return Expression.Lambda<Func<AttendanceMark, bool>>(filter, mark);
    }

    /// <summary>From every mark up to today.</summary>
    public static AbsenceDays Of(IEnumerable<(DateOnly Date, Session Session, string Code, AttendanceCategory Category)> marks, SchoolCalendar calendar, DateOnly today)
    {
        var upToToday = marks.Where(m => m.Date <= today).ToList();
        return Read(upToToday, upToToday.Count == 0 ? null : upToToday.Max(m => m.Date),
            upToToday.Where(m => !Categories.Contains(m.Category) && calendar.IsSchoolDay(m.Date)).Select(m => (DateOnly?)m.Date).Max());
    }

    /// <summary>From a query's answer: the marks it read (the absences among them make the absent days) and the two days.</summary>
    public static AbsenceDays Read(IEnumerable<(DateOnly Date, Session Session, string Code, AttendanceCategory Category)> marks, DateOnly? latestMarked, DateOnly? latestNotAbsent) =>
        new(marks.Where(m => Categories.Contains(m.Category)).Select(m => m.Date).ToHashSet(), latestMarked, latestNotAbsent);
}

/// <summary>
/// The attendance follow-up worklist (issue 3; 003 §3.4 and §8; DfE Working together to improve
/// school attendance, 2024), computed from marks, the calendar and the policy profile:
/// N not cleared by the end of its day; first-day contact; a home visit on the profile's day of
/// absence (sooner for vulnerable pupils); the social worker told after the profile's days; a
/// children-missing-education referral after the profile's consecutive days without contact; the
/// profile's attendance waves; and the national penalty-notice threshold for the head to consider.
/// A logged contact closes the items it answers.
/// </summary>
public static class FollowUp
{
    public static IReadOnlyList<FollowUpItem> For(FollowUpPupil pupil, SchoolCalendar calendar, AttendanceSettings settings, DateOnly today)
    {
        var items = new List<FollowUpItem>();

        // N is a placeholder: it must be cleared by the end of the day it was given.
        foreach (var n in pupil.Marks.Where(m => m.Code == AttendanceCodeSet.NoReasonYet && m.Date < today).OrderBy(m => m.Date).ThenBy(m => m.Session))
        {
            items.Add(new FollowUpItem(pupil.Id, FollowUpKind.UnexplainedAbsence, $"N (no reason yet) on {n.Date:ddd d MMM} {n.Session} was not cleared by the end of that day.", 2));
        }

        var run = AbsenceRun(pupil.Absences ?? AbsenceDays.Of(pupil.Marks, calendar, today), calendar);
        if (run is { Days: > 0 } absence)
        {
            var since = pupil.Contacts.Where(c => c.OnDate >= absence.Start).ToList();
            var reached = since.Any(c => c.ReachedSomeone);
            if (absence.Days >= settings.FirstDayContactDay && since.Count == 0)
            {
                items.Add(new FollowUpItem(pupil.Id, FollowUpKind.FirstDayContact, $"Absent since {absence.Start:ddd d MMM} ({Days(absence.Days)}) and nobody has been contacted.", 1));
            }

            var visitDay = pupil.Flags.IsVulnerable ? settings.HomeVisitDayVulnerable : settings.HomeVisitDay;
            if (absence.Days >= visitDay && !since.Any(c => c.Method == ContactMethod.HomeVisit))
            {
                items.Add(new FollowUpItem(pupil.Id, FollowUpKind.HomeVisit, $"Day {absence.Days} of absence: a home visit is due from day {visitDay}{(pupil.Flags.IsVulnerable ? " (sooner for a vulnerable or SEND pupil)" : "")}.", 1));
            }

            if (pupil.Flags.HasSocialWorker && absence.Days >= settings.SocialWorkerToldAfterDays && !since.Any(c => c.Method == ContactMethod.SocialWorkerInformed))
            {
                items.Add(new FollowUpItem(pupil.Id, FollowUpKind.TellSocialWorker, $"Has a social worker and has been absent {Days(absence.Days)}: tell the social worker after {settings.SocialWorkerToldAfterDays}.", 0));
            }

            if (absence.Days >= settings.MissingEducationAfterDays && !reached && !since.Any(c => c.Method == ContactMethod.MissingEducationReferral))
            {
                items.Add(new FollowUpItem(pupil.Id, FollowUpKind.MissingEducation, $"{Days(absence.Days)} of continuous absence without contact: refer as a child missing education after {settings.MissingEducationAfterDays}.", 0));
            }
        }

        // The most severe wave the year-to-date figure has crossed, until its action is logged. A pupil on a flexi-schooling
        // or part-time arrangement is judged by the sessions they were expected in school (issue 13: never chased for agreed
        // home sessions), with the statutory figure beside it.
        var adjusted = pupil.YearToDate.ExpectedPossible < pupil.YearToDate.Possible;
        if ((adjusted ? pupil.YearToDate.AdjustedPercent : pupil.YearToDate.Percent) is { } percent)
        {
            var wave = settings.Waves.Where(w => w.Applies(percent)).MaxBy(w => w.Stage);
            if (wave is not null && !pupil.Contacts.Any(c => c.WaveStage >= wave.Stage && AcademicYear.Containing(c.OnDate) == AcademicYear.Containing(today)))
            {
                var figure = adjusted ? $"Attendance at the sessions expected in school {percent:0.0}% this year (statutory {pupil.YearToDate.Percent:0.0}%)" : $"Attendance {percent:0.0}% this year";
                items.Add(new FollowUpItem(pupil.Id, FollowUpKind.AttendanceWave, $"{figure} is {(wave.Inclusive ? "at or below" : "below")} {wave.ThresholdPercent:0.##}%: {wave.Action}.", 3));
            }
        }

        // National threshold (DfE 2024): unauthorised sessions within a rolling window of school weeks.
        var windowStart = RollingSchoolWeeksStart(calendar, today, settings.PenaltyNoticeRollingSchoolWeeks);
        var unauthorised = pupil.Marks.Count(m => m.Category == AttendanceCategory.Unauthorised && m.Date >= windowStart && m.Date <= today);
        if (unauthorised >= settings.PenaltyNoticeUnauthorisedSessions)
        {
            items.Add(new FollowUpItem(pupil.Id, FollowUpKind.PenaltyNoticeThreshold, $"{unauthorised} unauthorised sessions since {windowStart:d MMM} (the last {settings.PenaltyNoticeRollingSchoolWeeks} school weeks): the headteacher should consider a penalty notice.", 4));
        }

        return items;
    }

    /// <summary>
    /// The current run of whole school days absent (no attending or not-possible session), counted
    /// back from the latest marked school day on or before today. Null when the pupil is not absent.
    /// </summary>
    public static (DateOnly Start, int Days)? AbsenceRun(IEnumerable<(DateOnly Date, Session Session, string Code, AttendanceCategory Category)> marks, SchoolCalendar calendar, DateOnly today) =>
        AbsenceRun(AbsenceDays.Of(marks, calendar, today), calendar);

    /// <summary>The same, from what the run reads of the marks (<see cref="AbsenceDays"/>).</summary>
    public static (DateOnly Start, int Days)? AbsenceRun(AbsenceDays marked, SchoolCalendar calendar)
    {
        if (marked.LatestMarked is not { } latest)
        {
            return null;
        }

        var days = 0;
        DateOnly? start = null;
        var earliest = marked.Absent.Count == 0 ? latest : marked.Absent.Min();
        for (var d = latest; d >= earliest; d = d.AddDays(-1))
        {
            if (!calendar.IsSchoolDay(d))
            {
                continue;
            }

            // A school day with any mark that is not an absence, or with no mark at all, ends the run.
            if (d <= marked.LatestNotAbsent || !marked.Absent.Contains(d))
            {
                break;
            }

            days++;
            start = d;
        }

        return days == 0 ? null : (start!.Value, days);
    }

    /// <summary>The first day of the window made of the last <paramref name="weeks"/> weeks that contain school days.</summary>
    public static DateOnly RollingSchoolWeeksStart(SchoolCalendar calendar, DateOnly today, int weeks)
    {
        var week = AttendanceFigures.WeekOf(today);
        var counted = 0;
        var earliest = week;
        for (var guard = 0; counted < weeks && guard < 60; guard++, week = week.AddDays(-7))
        {
            if (Enumerable.Range(0, 5).Any(i => calendar.IsSchoolDay(week.AddDays(i))))
            {
                counted++;
                earliest = week;
            }
        }

        return earliest;
    }

    private static string Days(int n) => n == 1 ? "1 school day" : $"{n} school days";
}
