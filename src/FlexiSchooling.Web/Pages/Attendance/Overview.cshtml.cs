using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Attendance;

public sealed record WaveCount(int Stage, decimal Threshold, bool Inclusive, int Count);

public sealed record SchoolAttendanceRow(Guid Id, string Name, int Pupils, decimal? Percent, int Persistent, int Severe, IReadOnlyList<WaveCount> Waves);

/// <summary>
/// Pupils below each threshold, per school, for everyone who sees pupils (a trust lead sees every
/// school). Reads the yearly summaries only (one row per pupil), never raw marks.
/// </summary>
public sealed class OverviewModel : AppPageModel
{
    public AcademicYear Year { get; private set; }

    public IReadOnlyList<SchoolAttendanceRow> Schools { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Year = AcademicYear.Containing(Today);
        var schools = CurrentUser.SchoolsWhere(Permission.ViewPupils).ToList();
        var perPupil = await Data.Attendance.AttendanceSummaries.PerPupilForYearAsync(Db, schools, Year);
        var rows = new List<SchoolAttendanceRow>();
        foreach (var school in CurrentUser.Schools.Where(s => schools.Contains(s.Id)))
        {
            var settings = (await SchoolRules.ProfileAsync(Db, school.Id, Today)).Settings.Attendance;
            var figures = perPupil.Where(p => p.SchoolId == school.Id).Select(p => p.Figures).Where(f => f.Possible > 0).ToList();
            var total = figures.Aggregate(AttendanceFigures.Zero, (sum, f) => sum + f);
            rows.Add(new SchoolAttendanceRow(school.Id, school.Name, figures.Count, total.Percent,
                figures.Count(f => f.IsPersistentAbsence(settings)), figures.Count(f => f.IsSevereAbsence(settings)),
                [.. settings.Waves.OrderBy(w => w.Stage).Select(w => new WaveCount(w.Stage, w.ThresholdPercent, w.Inclusive, figures.Count(f => w.Applies(f.Percent!.Value))))]));
        }

        Schools = rows;
    }
}
