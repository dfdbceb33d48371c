using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

public sealed record EndInput
{
    public uint Version { get; init; }

    public DateOnly? LastDay { get; init; }

    public PlacementDestination? Destination { get; init; }

    public string? DestinationDetail { get; init; }

    public string? Outcomes { get; init; }

    public string? Qualifications { get; init; }

    public string? PupilView { get; init; }
}

public sealed class EndInputValidator : AbstractValidator<EndInput>
{
    public EndInputValidator()
    {
        RuleFor(x => x.LastDay).NotNull().WithMessage("Enter the last day at the provider");
        RuleFor(x => x.Destination).NotNull().WithMessage("Choose where the pupil goes next");
        RuleFor(x => x.DestinationDetail).MaximumLength(1000).WithMessage("This must be 1,000 characters or fewer");
        RuleFor(x => x.Outcomes).MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.Qualifications).MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.PupilView).MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
    }
}

/// <summary>
/// Ends a running placement (issue 12, "Ending"): its last day, the outcomes against its aims, the qualifications gained,
/// where the pupil goes next and the pupil's own view — all needed — and the register's sessions at the provider stop after
/// the last day. Saved together or not at all.
/// </summary>
public sealed class EndModel : PlacementPageModel
{
    [BindProperty]
    public EndInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        Input = new EndInput { Version = Case.Version, LastDay = Today < Placement.PlannedEndDate ? Today : Placement.PlannedEndDate };
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

        var placement = await Db.Placements.SingleAsync(p => p.ArrangementId == id);
        var sessions = await Db.ExpectedMarks.Where(m => m.PupilId == Case.PupilId && m.WithdrawnAt == null).ToListAsync();
        Db.Entry(Case).Property(c => c.Version).OriginalValue = Input.Version; // two people ending it never overwrite each other
        Db.ArrangementEvents.Add(placement.End(Case, new PlacementEnding(Input.LastDay!.Value, Input.Destination!.Value, Input.DestinationDetail, Input.Outcomes ?? "", Input.Qualifications ?? "", Input.PupilView ?? ""),
            sessions, Provider.Name, CurrentUser.UserId, Time.GetUtcNow()));
        await Db.SaveChangesAsync(); // the ending, the placement's record and the register's sessions together
        TempData["Saved"] = $"The placement ends on {Input.LastDay:d MMMM yyyy}; its sessions leave the register after that day.";
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync() => Input = Input with { Version = await CurrentCaseVersionAsync() };

    private Task<bool> LoadAsync(Guid id, bool tracked) =>
        LoadPlacementAsync(id, Permission.ManageArrangements, c => c.Stage == ArrangementStage.Running, tracked);
}
