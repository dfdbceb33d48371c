using System.Text;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Imports;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Attendance;

/// <summary>CSV export of the active school's marks or per-pupil figures; cells that a spreadsheet would run as formulas are escaped; audited.</summary>
public sealed class ExportModel(AuditTrail audit) : AppPageModel
{
    public async Task<IActionResult> OnGetAsync(DateOnly? from, DateOnly? to, string? what)
    {
        if (CurrentUser.ActiveSchool is not { } school || !await CanAsync(school.Id, Permission.ImportExport))
        {
            return NotFound();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        var start = from ?? Domain.Common.AcademicYear.Containing(Today).Start;
        var end = to ?? Today;
        var pupils = await Db.Pupils.AsNoTracking().Where(p => p.SchoolId == school.Id).ToDictionaryAsync(p => p.Id);
        var groups = await Db.RegistrationGroups.AsNoTracking().Where(g => g.SchoolId == school.Id).ToDictionaryAsync(g => g.Id, g => g.Name);
        var csv = new StringBuilder();
        string name;
        if (what == "summary")
        {
            name = "attendance";
            csv.AppendLine(Csv.Line(["UPN", "Legal Surname", "Legal Forename", "Year", "Registration Group", "Possible", "Attending", "Authorised", "Unauthorised", "Attendance %", "Expected in school", "Attended when expected", "Attendance when expected %"]));
            var marks = await Db.AttendanceMarks.AsNoTracking().Where(m => m.SchoolId == school.Id && m.Date >= start && m.Date <= end)
                .Select(m => new { m.PupilId, m.Category, m.ExpectedInSchool }).ToListAsync();
            foreach (var g in marks.GroupBy(m => m.PupilId).Where(g => pupils.ContainsKey(g.Key)).OrderBy(g => pupils[g.Key].LegalSurname))
            {
                var p = pupils[g.Key];
                var f = AttendanceFigures.From(g.Select(m => (m.Category, m.ExpectedInSchool)));
                csv.AppendLine(Csv.Line([p.Upn, p.LegalSurname, p.LegalForename, Domain.Pupils.YearGroups.Label(p.YearGroup), p.RegistrationGroupId is { } rg ? groups.GetValueOrDefault(rg) : "",
                    $"{f.Possible}", $"{f.Attending}", $"{f.Authorised}", $"{f.Unauthorised}", f.Percent is { } pc ? $"{pc:0.0}" : "", $"{f.ExpectedPossible}", $"{f.ExpectedAttended}", f.AdjustedPercent is { } ap ? $"{ap:0.0}" : ""]));
            }
        }
        else
        {
            name = "marks";
            csv.AppendLine(Csv.Line(["UPN", "Legal Surname", "Legal Forename", "Date", "Session", "Code", "Category", "Minutes Late", "Comment", "Sub Reason"]));
            var marks = await Db.AttendanceMarks.AsNoTracking().Where(m => m.SchoolId == school.Id && m.Date >= start && m.Date <= end).OrderBy(m => m.Date).ThenBy(m => m.Session).ToListAsync();
            foreach (var m in marks.Where(m => pupils.ContainsKey(m.PupilId)))
            {
                var p = pupils[m.PupilId];
                csv.AppendLine(Csv.Line([p.Upn, p.LegalSurname, p.LegalForename, $"{m.Date:yyyy-MM-dd}", m.Session.ToString(), m.Code, m.Category.ToString(), m.MinutesLate?.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Comment, m.SubReason]));
            }
        }

        await audit.SecurityAsync("exported", CurrentUser.TrustId, CurrentUser.UserId, $"{name}:{school.Id}");
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv", $"{name}-{start:yyyyMMdd}-{end:yyyyMMdd}.csv");
    }
}
