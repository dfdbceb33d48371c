using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Attendance;

public sealed record GroupRegisterRow(Guid Id, string Name, int Pupils, int Marked, int Unexplained);

/// <summary>The registers of a day and session at the active school: the groups this person takes, and whether each is done.</summary>
public sealed class IndexModel : AppPageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? Date { get; set; }

    [BindProperty(SupportsGet = true)]
    public Session? Session { get; set; }

    public DateOnly Day => Date ?? Today;

    public string SchoolName { get; private set; } = "";

    public bool IsSchoolDay { get; private set; }

    public IReadOnlyList<GroupRegisterRow> Groups { get; private set; } = [];

    /// <summary>On a day without registers: the school day before it (Monday's officer chasing Friday's) and the one after, if it has come.</summary>
    public DateOnly? SchoolDayBefore { get; private set; }

    public DateOnly? SchoolDayAfter { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (CurrentUser.ActiveSchool is not { } school || !await CanAsync(school.Id, Permission.TakeRegister))
        {
            return NotFound();
        }

        SchoolName = school.Name;
        Date ??= Today;
        if (Session is null)
        {
            var now = LondonClock.Now(Time);
            var registers = (await SchoolRules.ProfileAsync(Db, school.Id, Today)).Settings.Registers;
            Session = RegisterRules.SessionAt(TimeOnly.FromDateTime(now), registers);
        }

        var date = Date.Value;
        var calendar = await SchoolRules.CalendarAsync(Db, school.Id);
        IsSchoolDay = calendar.IsSchoolDay(date);
        if (!IsSchoolDay)
        {
            SchoolDayBefore = calendar.SchoolDayBefore(date);
            SchoolDayAfter = calendar.SchoolDayAfter(date) is { } after && after <= Today ? after : null;
            return Page();
        }

        Groups = await RegistersAsync(Db, CurrentUser, school.Id, date, Session.Value);
        return Page();
    }

    /// <summary>The registers of a day and session at a school that this person takes, each with how many pupils are marked (the registers page).</summary>
    public static async Task<IReadOnlyList<GroupRegisterRow>> RegistersAsync(Data.AppDbContext db, CurrentUser user, Guid schoolId, DateOnly date, Session session) =>
        (await RegistersAsync(db, user, schoolId, [(date, session)]))[(date, session)];

    /// <summary>
    /// The registers of several sessions at a school that this person takes, each with how many of the pupils on roll that day
    /// are marked (Today: the session now and the earlier ones still to complete): the groups, the pupils on roll and the marks
    /// read once each.
    /// </summary>
    public static async Task<IReadOnlyDictionary<(DateOnly Date, Session Session), IReadOnlyList<GroupRegisterRow>>> RegistersAsync(
        Data.AppDbContext db, CurrentUser user, Guid schoolId, IReadOnlyCollection<(DateOnly Date, Session Session)> sessions)
    {
        if (sessions.Count == 0)
        {
            return new Dictionary<(DateOnly, Session), IReadOnlyList<GroupRegisterRow>>();
        }

        var groups = (await db.RegistrationGroups.AsNoTracking().Where(g => g.SchoolId == schoolId).OrderBy(g => g.YearGroup).ThenBy(g => g.Name).ToListAsync())
            .Where(user.CanTakeRegister).ToList();
        var ids = groups.Select(g => g.Id).ToList();
        // The pupils on roll on any of the days read once, then split by day.
        var days = sessions.Select(s => s.Date).Distinct().ToList();
        var members = await db.Pupils.AsNoTracking()
            .Where(p => p.RegistrationGroupId != null && ids.Contains(p.RegistrationGroupId.Value)).Where(Pupil.OnRollDuring(days.Min(), days.Max()))
            .Select(p => new { p.Id, Group = p.RegistrationGroupId!.Value, p.AdmissionDate, p.LeavingDate }).ToListAsync();
        var onRoll = days.ToDictionary(date => date, date => members.Where(p => Pupil.WasOnRoll(p.AdmissionDate, p.LeavingDate, date)).ToLookup(p => p.Group, p => p.Id));

        var pupilIds = onRoll.Values.SelectMany(l => l.SelectMany(g => g)).Distinct().ToList();
        var dates = onRoll.Keys.ToList();
        var marks = (await db.AttendanceMarks.AsNoTracking().Where(m => pupilIds.Contains(m.PupilId) && dates.Contains(m.Date))
            .Select(m => new { m.PupilId, m.Date, m.Session, m.Code }).ToListAsync())
            .ToDictionary(m => (m.PupilId, m.Date, m.Session), m => m.Code);
        return sessions.Distinct().ToDictionary(s => s, s => (IReadOnlyList<GroupRegisterRow>)[.. groups.Select(g =>
        {
            var members = onRoll[s.Date][g.Id].ToList();
            return new GroupRegisterRow(g.Id, g.Name, members.Count, members.Count(p => marks.ContainsKey((p, s.Date, s.Session))),
                members.Count(p => marks.GetValueOrDefault((p, s.Date, s.Session)) == AttendanceCodeSet.NoReasonYet));
        })]);
    }
}
