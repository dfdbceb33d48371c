using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

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
public sealed class ExtendModel : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.PartTimeTimetable;

    [BindProperty]
    public ExtendInput Input { get; set; } = new();

    public PartTimePlan Plan { get; private set; } = null!;

    /// <summary>The latest review held, at which the extension is agreed; null when none has been held yet.</summary>
    public ArrangementReview? LastReview { get; private set; }

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

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        if (LastReview is null)
        {
            ModelState.AddModelError("", "An extension is agreed at a review: hold the review first.");
            return Page();
        }

        var plan = await Db.PartTimePlans.SingleAsync(p => p.ArrangementId == id);
        Db.Entry(plan).Property(p => p.Version).OriginalValue = Input.Version;
        var sessions = await Db.ExpectedMarks.Where(m => m.PupilId == Case.PupilId && m.Source == PartTimeRules.SessionsSource && m.WithdrawnAt == null).ToListAsync();
        Db.ArrangementEvents.Add(plan.Extend(Case, Input.NewEndDate!.Value, Input.Reason, LastReview, sessions, CurrentUser.UserId, Time.GetUtcNow()));
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

        // The approver agrees the extension (004 §9.5: the AP leader; 002, 003: the head).
        var profile = (await DecidedUnderAsync()).Settings;
        if (!PartTimeRules.MayApprove(CurrentUser.RolesAt(Case.SchoolId), profile.PartTime))
        {
            return false;
        }

        Plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        LastReview = await Db.ArrangementReviews.Where(r => r.ArrangementId == id && r.HeldOn != null).OrderByDescending(r => r.HeldOn).FirstOrDefaultAsync();
        return true;
    }
}
