using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Pupils;

public sealed record MarkDay(DateOnly Date, string? Am, string? AmMeaning, string? Pm, string? PmMeaning);

public sealed record MarkHistoryRow(DateTimeOffset ChangedAt, string Who, DateOnly Date, Session Session, string? OldCode, string NewCode, string? Reason);

/// <summary>A pupil's attendance this academic year (from the weekly summaries), recent marks, and every change ever made.</summary>
public sealed class AttendanceModel : AppPageModel
{
    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public AcademicYear Year { get; private set; }

    public AttendanceFigures Figures { get; private set; } = AttendanceFigures.Zero;

    public bool Persistent { get; private set; }

    public bool Severe { get; private set; }

    public IReadOnlyList<MarkDay> Days { get; private set; } = [];

    public IReadOnlyList<MarkHistoryRow> History { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var pupil = await PupilIfAllowedAsync(id, Permission.ViewPupils);
        if (pupil is null)
        {
            return NotFound();
        }

        Id = pupil.Id;
        Name = pupil.DisplayName;
        Year = AcademicYear.Containing(Today);
        var from = Year.Start;
        var weeks = await Db.AttendancePupilWeeks.AsNoTracking().Where(w => w.PupilId == id && w.WeekStart >= from && w.WeekStart <= Year.End).ToListAsync();
        Figures = weeks.Aggregate(AttendanceFigures.Zero, (sum, w) => sum + w.Figures);
        var settings = (await SchoolRules.ProfileAsync(Db, pupil.SchoolId, Today)).Settings.Attendance;
        Persistent = Figures.IsPersistentAbsence(settings);
        Severe = Figures.IsSevereAbsence(settings);

        var marks = await Db.AttendanceMarks.AsNoTracking().Where(m => m.PupilId == id).OrderByDescending(m => m.Date).Take(40).ToListAsync();
        var codes = AttendanceCodeSet.Dfe2024;
        string? Meaning(string? code) => code is not null && codes.TryGet(code, out var c) ? c.Meaning : null;
        Days = [.. marks.GroupBy(m => m.Date).OrderByDescending(g => g.Key).Select(g =>
        {
            var am = g.FirstOrDefault(m => m.Session == Session.AM)?.Code;
            var pm = g.FirstOrDefault(m => m.Session == Session.PM)?.Code;
            return new MarkDay(g.Key, am, Meaning(am), pm, Meaning(pm));
        })];

        // The history rows, and the first entries imported marks still keep on themselves (ADR 0017), newest first.
        var written = await Db.MarkChanges.AsNoTracking().Where(c => c.PupilId == id).OrderByDescending(c => c.ChangedAt).Take(100).ToListAsync();
        var kept = await Db.AttendanceMarks.AsNoTracking().Where(m => m.PupilId == id && m.FirstEntryReason != null).OrderByDescending(m => m.RecordedAt).Take(100).ToListAsync();
        var changes = written.Concat(kept.Select(m => m.FirstEntry!)).OrderByDescending(c => c.ChangedAt).Take(100).ToList();
        var userIds = changes.Where(c => c.ChangedBy != null).Select(c => c.ChangedBy!.Value).Distinct().ToList();
        var users = await Db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName);
        History = [.. changes.Select(c => new MarkHistoryRow(c.ChangedAt, c.ChangedBy is { } u ? users.GetValueOrDefault(u, "A former user") : "System", c.Date, c.Session, c.OldCode, c.NewCode, c.Reason))];
        return Page();
    }
}
