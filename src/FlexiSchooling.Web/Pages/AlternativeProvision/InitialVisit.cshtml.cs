using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

public sealed record InitialVisitInput
{
    public uint Version { get; init; }

    public DateOnly? VisitedOn { get; init; }

    public string? VisitedBy { get; init; }

    public string? ProviderContact { get; init; }

    public string? Safeguarding { get; init; }

    public string? Curriculum { get; init; }

    public string? NextStage { get; init; }

    public string? Qualifications { get; init; }

    public string? OtherInformation { get; init; }

    public InitialVisit ToVisit() => new(VisitedOn!.Value, VisitedBy ?? "", ProviderContact ?? "", Safeguarding ?? "", Curriculum ?? "", NextStage ?? "", Qualifications ?? "", OtherInformation);
}

public sealed class InitialVisitInputValidator : AbstractValidator<InitialVisitInput>
{
    public InitialVisitInputValidator()
    {
        RuleFor(x => x.VisitedOn).NotNull().WithMessage("Enter the date of the visit");
        RuleFor(x => x.VisitedBy).MaximumLength(200).WithMessage("This must be 200 characters or fewer");
        RuleFor(x => x.ProviderContact).MaximumLength(500).WithMessage("This must be 500 characters or fewer");
        foreach (var field in new System.Linq.Expressions.Expression<Func<InitialVisitInput, string?>>[] { x => x.Safeguarding, x => x.Curriculum, x => x.NextStage, x => x.Qualifications, x => x.OtherInformation })
        {
            RuleFor(field).MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        }
    }
}

/// <summary>
/// The professionals' initial visit to the provision (002 appendix 1b), recorded before the placement starts and kept as
/// its report (PDF) with the case; at an unregistered provider it is a start gate (002). Saved with its report or not at all;
/// two people recording it at once never overwrite each other (the placement's row version).
/// </summary>
public sealed class InitialVisitModel(DocumentRenderer documents) : PlacementPageModel
{
    [BindProperty]
    public InitialVisitInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        var p = Placement;
        Input = p.HasInitialVisit
            ? new InitialVisitInput
            {
                Version = p.Version, VisitedOn = p.InitialVisitOn, VisitedBy = p.InitialVisitBy, ProviderContact = p.InitialVisitContact, Safeguarding = p.InitialVisitSafeguarding,
                Curriculum = p.InitialVisitCurriculum, NextStage = p.InitialVisitNextStage, Qualifications = p.InitialVisitQualifications, OtherInformation = p.InitialVisitOther,
            }
            : new InitialVisitInput
            {
                Version = p.Version, VisitedOn = Today, VisitedBy = CurrentUser.DisplayName,
                ProviderContact = $"{Provider.ContactName}{(string.IsNullOrWhiteSpace(Provider.ContactPhone) ? "" : $", {Provider.ContactPhone}")}{(string.IsNullOrWhiteSpace(Provider.ContactEmail) ? "" : $", {Provider.ContactEmail}")}",
            };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var now = Time.GetUtcNow();
        var placement = await Db.Placements.SingleAsync(p => p.ArrangementId == id);
        Db.Entry(placement).Property(p => p.Version).OriginalValue = Input.Version;
        Db.ArrangementEvents.Add(placement.RecordInitialVisit(Case, Input.ToVisit(), Today, CurrentUser.UserId, now)); // a missing heading is shown at its field
        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        if (!await KeepDocumentAsync(documents, PlacementDocuments.InitialVisit(school, CurrentUser.TrustName, Pupil, placement, Provider),
                "The visit report could not be produced, so nothing has been saved. Try again in a moment.", now))
        {
            return Page();
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = "The initial visit is recorded and its report kept with the case.";
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync() =>
        Input = Input with { Version = await Db.Placements.AsNoTracking().Where(p => p.ArrangementId == Case.Id).Select(p => p.Version).SingleAsync() };

    private Task<bool> LoadAsync(Guid id) =>
        LoadPlacementAsync(id, Permission.ManageArrangements, c => c.Stage is ArrangementStage.Proposed or ArrangementStage.Agreed);
}
