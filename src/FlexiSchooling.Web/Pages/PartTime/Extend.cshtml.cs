using FlexiSchooling.Domain.PartTime;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.PartTime;

public sealed record ExtendInput
{
    public uint Version { get; init; }

    public DateOnly? NewEndDate { get; init; }

    public string Reason { get; init; } = "";
}

public sealed class ExtendInputValidator : AbstractValidator<ExtendInput>
{
    public ExtendInputValidator()
    {
        RuleFor(x => x.NewEndDate).NotEmpty().WithMessage("Enter the new end date");
        RuleFor(x => x.Reason).NotEmpty().WithMessage("Record the exceptional reason for extending the timetable").MaximumLength(2000).WithMessage("The reason must be 2,000 characters or fewer");
    }
}

/// <summary>
/// Extends a running part-time timetable past its end date: only for a recorded exceptional reason, agreed at a review
/// that has been held, by the profile's approver (issue 11; 003: "generally no more than twelve weeks"; 002 §4.1: "reviewed
/// and adjusted as necessary"). The last phase's sessions out of school run on in the register to the new end date.
/// </summary>
public sealed class ExtendModel : PlanChangePageModel
{
    [BindProperty]
    public ExtendInput Input { get; set; } = new();

    protected override uint PostedVersion => Input.Version;

    protected override void KeepVersion(uint version) => Input = Input with { Version = version };

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        Input = new ExtendInput { Version = Plan.Version };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true))
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input) || await PlanToChangeAsync("An extension") is not { } change)
        {
            return Page();
        }

        var (plan, sessions) = change;

        Db.ArrangementEvents.Add(plan.Extend(Case, Input.NewEndDate!.Value, Input.Reason, LastReview!, sessions, CurrentUser.UserId, Time.GetUtcNow()));
        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }

    // The approver agrees the extension (004 §9.5: the AP leader; 002, 003: the head).
    private Task<bool> LoadAsync(Guid id, bool tracked) =>
        LoadRunningPlanAsync(id, tracked, profile => PartTimeRules.MayApprove(CurrentUser.RolesAt(Case.SchoolId), profile.PartTime));
}
