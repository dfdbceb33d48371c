using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

public sealed record DirectionInput
{
    public ConsentAnswer? Answer { get; init; }

    public DateOnly? DecidedOn { get; init; }

    public string? Note { get; init; }
}

public sealed class DirectionInputValidator : AbstractValidator<DirectionInput>
{
    public DirectionInputValidator()
    {
        RuleFor(x => x.Answer).NotNull().Must(a => a is ConsentAnswer.Given or ConsentAnswer.Refused).WithMessage("Choose whether the governing body approves the direction");
        RuleFor(x => x.DecidedOn).NotNull().WithMessage("Enter the date of the governing body's decision");
        RuleFor(x => x.Note).NotEmpty().WithMessage("Enter where the decision is minuted, for example the meeting and minute number")
            .MaximumLength(500).WithMessage("This must be 500 characters or fewer");
    }
}

/// <summary>
/// The governing body's decision on an off-site direction (004 §6.4: "Any decision to direct a pupil off-site for
/// education to improve their behaviour will be approved by the school's Governing Body"). Governors see here what the
/// decision needs — the pupil, the provider, the days, the reasons and objectives, the maximum period and reviews — and
/// nothing else of the case; the school's staff see the decision. Recorded once, as the case's GoverningBody agreement,
/// which is one of the direction's start gates.
/// </summary>
public sealed class DirectionModel : PlacementPageModel
{
    [BindProperty]
    public DirectionInput Input { get; set; } = new();

    public ArrangementConsent? Decision { get; private set; }

    public CommissioningAgreement? Commissioning { get; private set; }

    public bool CanDecide { get; private set; }

    /// <summary>Whether the user comes to this page as a governor (back to their list), not as staff who see the case.</summary>
    public bool AsGovernor { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        Input = new DirectionInput { DecidedOn = Today };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id) || !CanDecide)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var tracked = await Db.Arrangements.SingleAsync(a => a.Id == id);
        var requirement = PlacementRules.Consents(Pupil.Flags, offSiteDirection: true).Single(r => r.Party == ConsentParty.GoverningBody);
        ArrangementConsent decision;
        ArrangementEvent recorded;
        try
        {
            (decision, recorded) = ArrangementConsent.Record(tracked, requirement, Input.Answer!.Value, Input.DecidedOn!.Value, $"{CurrentUser.DisplayName}, for the governing body",
                Input.Note, null, Today, CurrentUser.UserId, Time.GetUtcNow());
        }
        catch (Domain.Common.DomainRuleException e)
        {
            ModelState.AddModelError(e.Field == "On" ? "Input.DecidedOn" : "", e.Message);
            return Page();
        }

        Db.ArrangementConsents.Add(decision);
        Db.ArrangementEvents.Add(recorded);
        await Db.SaveChangesAsync();
        TempData["Saved"] = Input.Answer == ConsentAnswer.Given ? "The governing body's approval is recorded." : "The governing body's refusal is recorded: the direction does not go ahead.";
        return Redirect($"/Cases/{id}/Direction");
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        // Governors decide; the school's staff who see cases see the decision.
        var governor = await LoadPlacementAsync(id, Permission.ApproveOffSiteDirections, c => c.Outcome != DecisionOutcome.Declined);
        if (!governor && !await LoadPlacementAsync(id, Permission.ViewArrangements, c => true))
        {
            return false;
        }

        if (!Placement.OffSiteDirection)
        {
            return false;
        }

        Decision = ArrangementConsent.Latest(await Db.ArrangementConsents.AsNoTracking().Where(c => c.ArrangementId == id).ToListAsync(), ConsentParty.GoverningBody);
        Commissioning = await Db.CommissioningAgreements.AsNoTracking().SingleOrDefaultAsync(c => c.ArrangementId == id);
        AsGovernor = governor;
        CanDecide = governor && Decision is null && Case.Stage == ArrangementStage.Agreed;
        return true;
    }
}
