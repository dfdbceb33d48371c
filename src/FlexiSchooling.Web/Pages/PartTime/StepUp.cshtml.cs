using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.PartTime;

public sealed record StepUpInput
{
    public uint Version { get; init; }

    public DateOnly? From { get; init; }

    /// <summary>The sessions in school from then, as "Monday:AM".</summary>
    public List<string> InSchool { get; init; } = [];

    public decimal? HoursInSchool { get; init; }
}

public sealed class StepUpInputValidator : AbstractValidator<StepUpInput>
{
    public StepUpInputValidator()
    {
        RuleFor(x => x.From).NotEmpty().WithMessage("Enter the date the pupil's time in school increases");
        RuleFor(x => x.InSchool).NotEmpty().WithMessage("Tick the sessions the pupil is in school from then");
        RuleFor(x => x.HoursInSchool).NotEmpty().WithMessage("Enter the hours in school each week from then").GreaterThan(0).WithMessage("Enter the hours in school each week from then");
    }
}

/// <summary>
/// Steps a running part-time timetable up at a review (issue 11: "a review moves the plan to its next phase or extends
/// or ends it"): from a date, more time in school than now, checked as the plan was at approval; the register follows
/// (<see cref="PartTimePlan.StepUp"/>). Staff who hold the reviews record it; an extension stays with the approver.
/// </summary>
public sealed class StepUpModel : PlanChangePageModel
{
    [BindProperty]
    public StepUpInput Input { get; set; } = new();

    protected override uint PostedVersion => Input.Version;

    protected override void KeepVersion(uint version) => Input = Input with { Version = version };

    /// <summary>The phase in force today (or at the start, before it).</summary>
    public PartTimePhase Current => Plan.PhaseOn(Today > Plan.StartDate ? Today : Plan.StartDate)!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadRunningPlanAsync(id, tracked: false))
        {
            return NotFound();
        }

        // Offered: the next dated phase, brought forward to today; or the current pattern to add to.
        var next = Plan.Phases.FirstOrDefault(p => p.From > Today);
        Input = new StepUpInput { Version = Plan.Version, From = Today, InSchool = SessionPatternField.Values((next ?? Current).Pattern), HoursInSchool = next?.HoursInSchool };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadRunningPlanAsync(id, tracked: true))
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input) || await PlanToChangeAsync("A step up") is not { } change)
        {
            return Page();
        }

        var (plan, sessions) = change;

        try
        {
            var (stepped, placed) = plan.StepUp(Case, LastReview!, new PartTimePhase(Input.From!.Value, SessionPatternField.Parse(Input.InSchool).Bits, Input.HoursInSchool!.Value),
                Pupil.YearGroup, Profile.PartTime, Profile.FullTimeHours, Pupil.DateOfBirth, sessions, Today, CurrentUser.UserId, Time.GetUtcNow());
            Db.ArrangementEvents.Add(stepped);
            Db.ExpectedMarks.AddRange(placed);
        }
        catch (DomainRuleException e)
        {
            // The whole plan is checked again: a phase's hours refused there are this step's hours.
            ModelState.AddModelError(e.Field switch { "From" => "Input.From", { } f when f.EndsWith("HoursInSchool", StringComparison.Ordinal) => "Input.HoursInSchool", _ => "" }, e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }
}
