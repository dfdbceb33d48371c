using FlexiSchooling.Data;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Privacy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Retention;

public sealed record ScheduleInput
{
    public int AttendanceYears { get; init; }

    public int CaseFileYears { get; init; }

    public int SendCaseFileYears { get; init; }

    public int AuditYears { get; init; }

    public int EmailMonths { get; init; }

    public RetentionSchedule ToSchedule() => new(AttendanceYears, CaseFileYears, SendCaseFileYears, AuditYears, EmailMonths);
}

public sealed record HoldRow(Guid Id, string Pupil, string Upn, string Reason, DateTimeOffset PlacedAt);

/// <summary>
/// The trust's retention schedule, its legal holds, and its retention runs (issue 14, "Retention"): the daily report of
/// what falls due, removed only when a named person confirms it (after giving the password again).
/// </summary>
public sealed class IndexModel(RetentionJob job) : AppPageModel
{
    [BindProperty]
    public ScheduleInput Input { get; set; } = new();

    [BindProperty]
    public string? HoldUpn { get; set; }

    [BindProperty]
    public string? HoldReason { get; set; }

    [BindProperty]
    public bool Checked { get; set; }

    public IReadOnlyList<HoldRow> Holds { get; private set; } = [];

    public RetentionRun? Report { get; private set; }

    public IReadOnlyList<RetentionRun> Runs { get; private set; } = [];

    public async Task OnGetAsync()
    {
        await LoadAsync();
        var schedule = await RetentionJob.ScheduleAsync(Db, CurrentUser.TrustId, HttpContext.RequestAborted);
        Input = new ScheduleInput
        {
            AttendanceYears = schedule.AttendanceYears, CaseFileYears = schedule.CaseFileYears, SendCaseFileYears = schedule.SendCaseFileYears,
            AuditYears = schedule.AuditYears, EmailMonths = schedule.EmailMonths,
        };
    }

    public async Task<IActionResult> OnPostScheduleAsync()
    {
        await LoadAsync();
        var schedule = Input.ToSchedule();
        foreach (var (field, message) in schedule.Problems())
        {
            ModelState.AddModelError($"Input.{field}", message);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var settings = await Db.RetentionSettings.SingleOrDefaultAsync();
        if (settings is null)
        {
            Db.RetentionSettings.Add(new RetentionSettings(schedule, CurrentUser.UserId, Time.GetUtcNow()));
        }
        else
        {
            settings.Set(schedule, CurrentUser.UserId, Time.GetUtcNow());
        }

        try
        {
            await Db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            ModelState.AddModelError("", "Someone else changed the schedule while you were editing it: this page now shows theirs. Make your change again.");
            Db.ChangeTracker.Clear();
            await OnGetAsync();
            return Page();
        }

        await job.ReportAsync(CurrentUser.TrustId, HttpContext.RequestAborted); // what falls due under the new schedule
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostHoldAsync()
    {
        await LoadAsync();
        var upn = HoldUpn?.Trim().ToUpperInvariant();
        var pupil = string.IsNullOrEmpty(upn) ? null
            : await Db.Pupils.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).SingleOrDefaultAsync(p => p.Upn == upn);
        if (pupil is null)
        {
            ModelState.AddModelError(nameof(HoldUpn), string.IsNullOrEmpty(upn) ? "Enter the pupil's UPN" : "No pupil with this UPN is on the roll of the trust's schools");
            return Page();
        }

        try
        {
            Db.LegalHolds.Add(new LegalHold(pupil.Id, null, HoldReason ?? "", CurrentUser.UserId, Time.GetUtcNow()));
            await Db.SaveChangesAsync();
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(nameof(HoldReason), e.Message);
            return Page();
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostLiftAsync(Guid holdId)
    {
        var hold = await Db.LegalHolds.SingleOrDefaultAsync(h => h.Id == holdId && h.LiftedAt == null);
        if (hold is null)
        {
            return NotFound();
        }

        hold.Lift(CurrentUser.UserId, Time.GetUtcNow());
        await Db.SaveChangesAsync();
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostReportAsync()
    {
        await job.ReportAsync(CurrentUser.TrustId, HttpContext.RequestAborted);
        return RedirectToPage();
    }

    /// <summary>The named person confirms: after the password again, everything due is removed in one transaction.</summary>
    public async Task<IActionResult> OnPostApplyAsync(Guid runId)
    {
        if (!await Db.RetentionRuns.AnyAsync(r => r.Id == runId && r.Status == RetentionRunStatus.Reported))
        {
            return NotFound();
        }

        if (!Checked)
        {
            await LoadAsync();
            ModelState.AddModelError(nameof(Checked), "Confirm that you have checked the report and the legal holds");
            return Page();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        try
        {
            await job.ApplyAsync(CurrentUser.TrustId, runId, CurrentUser.UserId, CurrentUser.DisplayName, HttpContext.RequestAborted);
        }
        catch (DomainRuleException e)
        {
            // A newer report replaced this one (the schedule changed, or the day's report came) while the page was open.
            await LoadAsync();
            ModelState.AddModelError("", e.Message);
            return Page();
        }

        return RedirectToPage(null, null, "runs");
    }

    private async Task LoadAsync()
    {
        Holds = await (from h in Db.LegalHolds.AsNoTracking().Where(h => h.LiftedAt == null)
                       join p in Db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]) on h.PupilId equals p.Id
                       orderby h.PlacedAt
                       select new HoldRow(h.Id, p.LegalForename + " " + p.LegalSurname, p.Upn, h.Reason, h.PlacedAt)).ToListAsync();
        var runs = await Db.RetentionRuns.AsNoTracking().OrderByDescending(r => r.ReportedAt).Take(20).ToListAsync();
        Report = runs.FirstOrDefault(r => r.Status == RetentionRunStatus.Reported);
        Runs = [.. runs.Where(r => r.Status is RetentionRunStatus.Completed or RetentionRunStatus.Failed)];
    }
}
