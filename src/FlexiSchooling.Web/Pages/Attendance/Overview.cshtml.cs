using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Attendance;

public sealed record WaveCount(int Stage, decimal Threshold, bool Inclusive, int Count);

public sealed record SchoolAttendanceRow(Guid Id, string Name, int Pupils, decimal? Percent, int Persistent, int Severe, IReadOnlyList<WaveCount> Waves);

/// <summary>
/// Pupils below each threshold, per school, for everyone who sees pupils (a trust lead sees every
/// school). Counted in PostgreSQL from the yearly summaries (one row per pupil), never from raw marks.
/// </summary>
public sealed class OverviewModel : AppPageModel
{
    public AcademicYear Year { get; private set; }

    public IReadOnlyList<SchoolAttendanceRow> Schools { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Year = AcademicYear.Containing(Today);
        var schools = CurrentUser.SchoolsWhere(Permission.ViewPupils).ToList();
        var shown = CurrentUser.Schools.Where(s => schools.Contains(s.Id)).ToList();
        var settings = new List<(Guid, AttendanceSettings)>();
        foreach (var school in shown)
        {
            settings.Add((school.Id, (await SchoolRules.ProfileAsync(ReadDb, school.Id, Today)).Settings.Attendance));
        }

        var view = await Data.Attendance.AttendanceSummaries.TrustViewAsync(ReadDb, settings, Year);
        var rows = shown.Zip(view, (school, line) => new SchoolAttendanceRow(school.Id, school.Name, line.Pupils, line.Percent, line.Persistent, line.Severe,
            [.. settings.Single(s => s.Item1 == school.Id).Item2.Waves.OrderBy(w => w.Stage).Select(w => new WaveCount(w.Stage, w.ThresholdPercent, w.Inclusive, line.PupilsPerWave[w.Stage]))])).ToList();
        Schools = rows;
    }
}
