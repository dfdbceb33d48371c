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
        Session ??= LondonClock.Now(Time).Hour < 12 ? Domain.Attendance.Session.AM : Domain.Attendance.Session.PM;
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

    /// <summary>The registers of a day and session at a school that this person takes, each with how many pupils are marked (the registers page and Today).</summary>
    public static async Task<IReadOnlyList<GroupRegisterRow>> RegistersAsync(Data.AppDbContext db, CurrentUser user, Guid schoolId, DateOnly date, Session session)
    {
        var groups = (await db.RegistrationGroups.AsNoTracking().Where(g => g.SchoolId == schoolId).OrderBy(g => g.YearGroup).ThenBy(g => g.Name).ToListAsync())
            .Where(user.CanTakeRegister).ToList();
        var ids = groups.Select(g => g.Id).ToList();
        var onRoll = await db.Pupils.AsNoTracking()
            .Where(p => p.RegistrationGroupId != null && ids.Contains(p.RegistrationGroupId.Value)).Where(Pupil.OnRollOn(date))
            .Select(p => new { p.Id, Group = p.RegistrationGroupId!.Value }).ToListAsync();
        var pupilIds = onRoll.Select(p => p.Id).ToList();
        var marks = await db.AttendanceMarks.AsNoTracking().Where(m => pupilIds.Contains(m.PupilId) && m.Date == date && m.Session == session)
            .Select(m => new { m.PupilId, m.Code }).ToListAsync();
        var byPupil = marks.ToDictionary(m => m.PupilId, m => m.Code);
        return [.. groups.Select(g =>
        {
            var members = onRoll.Where(p => p.Group == g.Id).Select(p => p.Id).ToList();
            return new GroupRegisterRow(g.Id, g.Name, members.Count, members.Count(byPupil.ContainsKey), members.Count(p => byPupil.GetValueOrDefault(p) == AttendanceCodeSet.NoReasonYet));
        })];
    }
}
