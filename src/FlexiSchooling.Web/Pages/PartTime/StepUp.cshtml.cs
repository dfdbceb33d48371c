using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

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
public sealed class StepUpModel : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.PartTimeTimetable;

    [BindProperty]
    public StepUpInput Input { get; set; } = new();

    public PartTimePlan Plan { get; private set; } = null!;

    public Domain.Policy.PolicyProfileSettings Profile { get; private set; } = null!;

    /// <summary>The latest review held, at which the step up is agreed; null when none has been held yet.</summary>
    public ArrangementReview? LastReview { get; private set; }

    /// <summary>The phase in force today (or at the start, before it).</summary>
    public PartTimePhase Current => Plan.PhaseOn(Today > Plan.StartDate ? Today : Plan.StartDate)!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
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
        if (!await LoadAsync(id, tracked: true))
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        if (LastReview is null)
        {
            ModelState.AddModelError("", "A step up is agreed at a review: hold the review first.");
            return Page();
        }

        var plan = await Db.PartTimePlans.SingleAsync(p => p.ArrangementId == id);
        Db.Entry(plan).Property(p => p.Version).OriginalValue = Input.Version;
        var sessions = await Db.ExpectedMarks.Where(m => m.PupilId == Case.PupilId && m.Source == PartTimeRules.SessionsSource && m.WithdrawnAt == null).ToListAsync();
        try
        {
            var (stepped, placed) = plan.StepUp(Case, LastReview, new PartTimePhase(Input.From!.Value, SessionPatternField.Parse(Input.InSchool).Bits, Input.HoursInSchool!.Value),
                Pupil.YearGroup, Profile.PartTime, Profile.FullTimeHours, Pupil.DateOfBirth, sessions, Today, CurrentUser.UserId, Time.GetUtcNow());
            Db.ArrangementEvents.Add(stepped);
            Db.ExpectedMarks.AddRange(placed);
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field switch { "From" => "Input.From", "HoursInSchool" or "Phases[1].HoursInSchool" or "Phases[2].HoursInSchool" or "Phases[3].HoursInSchool" => "Input.HoursInSchool", _ => "" }, e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == Case.Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
        Plan = current;
    }

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements, tracked) || Case.Stage != ArrangementStage.Running)
        {
            return false;
        }

        Profile = (await DecidedUnderAsync()).Settings;
        Plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        LastReview = await Db.ArrangementReviews.AsNoTracking().Where(r => r.ArrangementId == id && r.HeldOn != null).OrderByDescending(r => r.HeldOn).FirstOrDefaultAsync();
        return true;
    }
}
