using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.PartTime;

public sealed record FullTimeInput
{
    public uint Version { get; init; }

    public DateOnly? FullTimeFrom { get; init; }

    public string Outcome { get; init; } = "";
}

public sealed class FullTimeInputValidator : AbstractValidator<FullTimeInput>
{
    public FullTimeInputValidator()
    {
        RuleFor(x => x.FullTimeFrom).NotEmpty().WithMessage("Enter the first day back on a full-time timetable");
        RuleFor(x => x.Outcome).NotEmpty().WithMessage("Record the outcome: how the pupil is doing, and anything that continues (for example another arrangement)")
            .MaximumLength(2000).WithMessage("The outcome must be 2,000 characters or fewer");
    }
}

/// <summary>
/// Ends a part-time timetable: the pupil is back on a full-time timetable from a date (the sessions out of school stop
/// being placed in the register after the day before), or moves to another arrangement, with the outcome recorded
/// (issue 11, "Ending"; 003: "monitor when the child began and ended their reduced timetable").
/// </summary>
public sealed class FullTimeModel : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.PartTimeTimetable;

    [BindProperty]
    public FullTimeInput Input { get; set; } = new();

    public PartTimePlan Plan { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        Input = new FullTimeInput { Version = Case.Version, FullTimeFrom = Plan.EndDate < Today ? Today : Plan.EndDate.AddDays(1) };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true))
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var sessions = await Db.ExpectedMarks.Where(m => m.PupilId == Case.PupilId && m.Source == PartTimeRules.SessionsSource && m.WithdrawnAt == null).ToListAsync();
        Db.Entry(Case).Property(a => a.Version).OriginalValue = Input.Version;
        Db.ArrangementEvents.Add(PartTimeRules.ReturnToFullTime(Case, sessions, Input.FullTimeFrom!.Value, Input.Outcome, CurrentUser.UserId, Time.GetUtcNow()));
        await Db.SaveChangesAsync(); // the end, its history and the register's expected marks together
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync() => Input = Input with { Version = await CurrentCaseVersionAsync() };

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements, tracked) || Case.Stage != ArrangementStage.Running)
        {
            return false;
        }

        Plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        return true;
    }
}
