using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

public sealed record ReintegrationStepInput
{
    public DateOnly? From { get; init; }

    public string? What { get; init; }
}

public sealed record ReintegrationInput
{
    public uint Version { get; init; }

    public bool NotReturning { get; init; }

    public DateOnly? ReturnOn { get; init; }

    public string? NotReturningBecause { get; init; }

    public List<ReintegrationStepInput> Steps { get; init; } = [];

    public DateOnly? DiscussedWithParentsOn { get; init; }

    public DateOnly? MultiAgencyMeetingOn { get; init; }

    public string? Strategies { get; init; }

    public string? ChangedBecause { get; init; }

    /// <summary>The steps as the form shows them: those entered, then empty rows up to the most a plan holds.</summary>
    public IReadOnlyList<ReintegrationStepInput> Rows => [.. Steps, .. Enumerable.Repeat(new ReintegrationStepInput(), Math.Max(0, Placement.MaxReintegrationSteps - Steps.Count))];

    public ReintegrationPlan ToPlan() => new(NotReturning ? null : ReturnOn, NotReturning ? NotReturningBecause ?? "" : null,
        [.. Steps.Where(s => !string.IsNullOrWhiteSpace(s.What) || s.From is not null).Select(s => new ReintegrationStep(s.From ?? DateOnly.MinValue, s.What ?? ""))],
        DiscussedWithParentsOn, MultiAgencyMeetingOn, Strategies ?? "", ChangedBecause);
}

public sealed class ReintegrationInputValidator : AbstractValidator<ReintegrationInput>
{
    public ReintegrationInputValidator()
    {
        RuleFor(x => x.ReturnOn).NotNull().When(x => !x.NotReturning).WithMessage("Enter the date the pupil is back in school full time");
        RuleFor(x => x.NotReturningBecause).NotEmpty().When(x => x.NotReturning).WithMessage("Say why the pupil will not return to the school")
            .MaximumLength(Placement.MaxReasonLength).WithMessage($"This must be {Placement.MaxReasonLength} characters or fewer");
        RuleFor(x => x.Steps).Must(steps => steps.All(s => (s.From is null) == string.IsNullOrWhiteSpace(s.What)))
            .WithMessage("Give each step both its date and what happens from then");
        RuleFor(x => x.DiscussedWithParentsOn).NotNull().WithMessage("Enter the day the plan was discussed with the parents or carers");
        RuleFor(x => x.MultiAgencyMeetingOn).NotNull().WithMessage("Enter the day of the multi-agency meeting, held or planned");
        RuleFor(x => x.Strategies).NotEmpty().WithMessage("Enter the strategies agreed for the return").MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.ChangedBecause).MaximumLength(Placement.MaxReasonLength).WithMessage($"This must be {Placement.MaxReasonLength} characters or fewer");
    }
}

/// <summary>
/// A placement's reintegration plan (002 §3.9): recorded once the placement is agreed, and revised as the half-termly progress
/// reports extend or shorten the timeline — each version whole in the case's history, listed here. Two people revising it at
/// once never overwrite each other (the placement's row version).
/// </summary>
public sealed class ReintegrationModel : PlacementPageModel
{
    [BindProperty]
    public ReintegrationInput Input { get; set; } = new();

    public IReadOnlyList<ArrangementEvent> History { get; private set; } = [];

    public bool CanPlan { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, Permission.ViewArrangements))
        {
            return NotFound();
        }

        var p = Placement;
        Input = new ReintegrationInput
        {
            Version = p.Version,
            NotReturning = p.NotReturningBecause is not null,
            ReturnOn = p.ReturnOn ?? (p.HasReintegrationPlan ? null : p.PlannedEndDate),
            NotReturningBecause = p.NotReturningBecause,
            Steps = [.. p.ReintegrationSteps.Select(s => new ReintegrationStepInput { From = s.From, What = s.What })],
            DiscussedWithParentsOn = p.ReintegrationDiscussedOn,
            MultiAgencyMeetingOn = p.MultiAgencyMeetingOn,
            Strategies = p.ReintegrationStrategies,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, Permission.ManageArrangements) || !CanPlan)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var placement = await Db.Placements.SingleAsync(p => p.ArrangementId == id);
        Db.Entry(placement).Property(p => p.Version).OriginalValue = Input.Version; // two people revising it never overwrite each other
        var recorded = placement.PlanReintegration(Case, Input.ToPlan(), Today, CurrentUser.UserId, Time.GetUtcNow()); // a broken rule is shown at its field
        Db.ArrangementEvents.Add(recorded);
        await Db.SaveChangesAsync();
        TempData["Saved"] = recorded.What.StartsWith("Reintegration plan revised", StringComparison.Ordinal) ? "The reintegration plan is revised; the earlier version stays in the case's history." : "The reintegration plan is recorded.";
        return Redirect($"/Cases/{id}/Reintegration");
    }

    public override async Task OnConcurrencyConflictAsync() =>
        Input = Input with { Version = await Db.Placements.AsNoTracking().Where(p => p.ArrangementId == Case.Id).Select(p => p.Version).SingleAsync() };

    private async Task<bool> LoadAsync(Guid id, Permission permission)
    {
        if (!await LoadPlacementAsync(id, permission, c => c.Outcome == DecisionOutcome.Agreed))
        {
            return false;
        }

        CanPlan = Case.Stage is ArrangementStage.Agreed or ArrangementStage.Running && CurrentUser.Can(Permission.ManageArrangements, Case.SchoolId);
        History = await Db.ArrangementEvents.AsNoTracking().Where(e => e.ArrangementId == id && e.What.StartsWith("Reintegration plan")).OrderByDescending(e => e.At).ToListAsync();
        return true;
    }
}
