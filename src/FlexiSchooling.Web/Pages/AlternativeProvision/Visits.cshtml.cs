using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

public sealed record VisitInput
{
    public DateOnly? VisitedOn { get; init; }

    public string? VisitedBy { get; init; }

    public string? ExternalAgencies { get; init; }

    public string? Safeguarding { get; init; }

    public string? Attendance { get; init; }

    public string? BehaviourAndPastoral { get; init; }

    public string? CurriculumAndProgress { get; init; }

    public string? QualificationsAndNextSteps { get; init; }

    public string? AdditionalComments { get; init; }

    public bool? Satisfactory { get; init; }

    public VisitRecord ToRecord() => new(VisitedOn!.Value, VisitedBy ?? "", ExternalAgencies ?? "", Safeguarding ?? "", Attendance ?? "", BehaviourAndPastoral ?? "",
        CurriculumAndProgress ?? "", QualificationsAndNextSteps ?? "", AdditionalComments ?? "", Satisfactory!.Value);
}

public sealed class VisitInputValidator : AbstractValidator<VisitInput>
{
    public VisitInputValidator()
    {
        RuleFor(x => x.VisitedOn).NotNull().WithMessage("Enter the day of the visit");
        RuleFor(x => x.Satisfactory).NotNull().WithMessage("Say whether progress and attendance are satisfactory");
        foreach (var field in new System.Linq.Expressions.Expression<Func<VisitInput, string?>>[] { x => x.VisitedBy, x => x.ExternalAgencies, x => x.Safeguarding, x => x.Attendance,
                     x => x.BehaviourAndPastoral, x => x.CurriculumAndProgress, x => x.QualificationsAndNextSteps, x => x.AdditionalComments })
        {
            RuleFor(field).MaximumLength(PlacementVisit.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        }
    }
}

/// <summary>
/// A running placement's QA visits (002 appendix 5; 004 §8): each visit's record, when the next is due at the profile's
/// visit cadence (overdue shown as such), and recording a visit — kept as a PDF with the case, and a formal review raised
/// when progress or attendance is not satisfactory (issue 12). Saved together or not at all.
/// </summary>
public sealed class VisitsModel(DocumentRenderer documents) : PlacementPageModel
{
    [BindProperty]
    public VisitInput Input { get; set; } = new();

    public IReadOnlyList<PlacementVisit> Visits { get; private set; } = [];

    public DateOnly? NextDue { get; private set; }

    public bool CanRecord { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, Permission.ViewArrangements))
        {
            return NotFound();
        }

        Input = new VisitInput { VisitedOn = Today, VisitedBy = CurrentUser.DisplayName };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, Permission.ManageArrangements) || Case.Stage != ArrangementStage.Running)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var now = Time.GetUtcNow();
        var visit = PlacementVisit.Record(Case, Input.ToRecord(), Today, CurrentUser.UserId, now); // a missing heading is shown at its field
        Db.PlacementVisits.Add(visit);
        Db.ArrangementEvents.Add(Case.Event("QA visit recorded", $"Visited {Provider.Name} on {visit.VisitedOn:d MMMM yyyy}: {(visit.Satisfactory ? "satisfactory" : "progress or attendance not satisfactory")}.", CurrentUser.UserId, now));
        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        if (await ProduceDocumentAsync(documents, PlacementDocuments.Visit(school, CurrentUser.TrustName, Pupil, Provider, visit, CurrentUser.DisplayName),
                "The visit record could not be produced, so nothing has been saved. Try again in a moment.", now) is not { } kept)
        {
            return Page();
        }

        visit.KeptAs(kept.Id);

        var raised = !visit.Satisfactory && await FlexiReviews.RaiseFormalUnlessOpenAsync(Db, Case, Today,
            $"The QA visit on {visit.VisitedOn:d MMMM yyyy} found progress or attendance not satisfactory.", null, CurrentUser.UserId, now);

        await Db.SaveChangesAsync();
        TempData["Saved"] = raised ? "Visit recorded. Progress or attendance is not satisfactory, so a formal review is raised." : "Visit recorded and kept as a PDF with the case.";
        return Redirect($"/Cases/{id}/Visits");
    }

    private async Task<bool> LoadAsync(Guid id, Permission permission)
    {
        if (!await LoadPlacementAsync(id, permission, c => c.StartedOn is not null))
        {
            return false;
        }

        Visits = await Db.PlacementVisits.AsNoTracking().Where(v => v.ArrangementId == id).OrderByDescending(v => v.VisitedOn).ToListAsync();
        var settings = (await DecidedUnderAsync()).Settings.AlternativeProvision;
        NextDue = PlacementVisit.NextDue(Case.Stage, Case.StartedOn, Visits, await SchoolRules.CalendarAsync(Db, Case.SchoolId), settings);
        CanRecord = Case.Stage == ArrangementStage.Running && CurrentUser.Can(Permission.ManageArrangements, Case.SchoolId);
        return true;
    }
}
