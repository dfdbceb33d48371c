using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.PartTime;

public sealed record WelfareCheckInput
{
    public DateOnly? Date { get; init; }

    public WelfareCheckMethod? Method { get; init; }

    public string Outcome { get; init; } = "";
}

public sealed class WelfareCheckInputValidator : AbstractValidator<WelfareCheckInput>
{
    public WelfareCheckInputValidator()
    {
        RuleFor(x => x.Date).NotEmpty().WithMessage("Enter the day the check was for");
        RuleFor(x => x.Method).NotNull().WithMessage("Choose how the check was made");
        RuleFor(x => x.Outcome).NotEmpty().WithMessage("Record what the check found: who you spoke to or saw, and how the pupil is")
            .MaximumLength(2000).WithMessage("This must be 2,000 characters or fewer");
    }
}

/// <summary>
/// The safety and welfare checks of a running part-time timetable (004 §9.6, §9.7): each school day it gives the pupil
/// no time in school, with the check recorded or still missing, and the form to record one. The attendance officer
/// (who follows up absence) and those who manage the case record them; everyone who sees the case sees them.
/// </summary>
public sealed class WelfareChecksModel(AuditTrail audit) : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.PartTimeTimetable;

    [BindProperty]
    public WelfareCheckInput Input { get; set; } = new();

    /// <summary>Each day a check was due so far, newest first, with the check where one was recorded.</summary>
    public IReadOnlyList<(DateOnly Date, WelfareCheck? Check)> Days { get; private set; } = [];

    public bool CanRecord { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        Input = Input with { Date = Days.Where(d => d.Check is null).Select(d => (DateOnly?)d.Date).LastOrDefault() ?? Today };
        await audit.ViewedAsync(nameof(Arrangement), id, Case.SchoolId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || !CanRecord)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        var settings = (await DecidedUnderAsync()).Settings.PartTime;
        var date = Input.Date!.Value;
        var due = PartTimeRules.WelfareCheckDue(Case, plan, await SchoolRules.CalendarAsync(Db, Case.SchoolId), settings, date);
        var (check, recorded) = WelfareCheck.Record(Case, due, Days.Any(d => d.Date == date && d.Check is not null), date, Input.Method!.Value, Input.Outcome, Today, CurrentUser.UserId, Time.GetUtcNow());
        Db.WelfareChecks.Add(check);
        Db.ArrangementEvents.Add(recorded);
        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}/WelfareChecks");
    }

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.ViewArrangements, tracked) || Case.StartedOn is not { } started)
        {
            return false;
        }

        CanRecord = Case.Stage == ArrangementStage.Running
            && (CurrentUser.Can(Permission.FollowUpAbsence, Case.SchoolId) || CurrentUser.Can(Permission.ManageArrangements, Case.SchoolId));
        var plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        var settings = (await DecidedUnderAsync()).Settings.PartTime;
        var checks = await Db.WelfareChecks.AsNoTracking().Where(c => c.ArrangementId == id).ToDictionaryAsync(c => c.Date);
        var last = Case.EndsOn is { } ends && ends < Today ? ends : Today;
        Days = [.. PartTimeRules.WelfareChecksDue(Case, plan, await SchoolRules.CalendarAsync(Db, Case.SchoolId), settings, started, last)
            .Select(d => (d, checks.GetValueOrDefault(d))).OrderByDescending(d => d.d)];
        return true;
    }
}
