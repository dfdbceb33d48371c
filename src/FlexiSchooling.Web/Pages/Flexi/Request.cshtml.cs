using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

using FlexiSchooling.Web.Pages.Cases;

namespace FlexiSchooling.Web.Pages.Flexi;

public sealed record RequestInput
{
    public Guid? PupilId { get; init; }

    public DateOnly? RequestedOn { get; init; }

    public string RequestedBy { get; init; } = "";

    public string Relationship { get; init; } = "";

    public bool HasParentalResponsibility { get; init; }

    public string? Summary { get; init; }

    /// <summary>Agreed on paper before the school used the product: brought in with its original dates (issue 11).</summary>
    public bool EnteredAfterwards { get; init; }
}

public sealed class RequestInputValidator : AbstractValidator<RequestInput>
{
    public RequestInputValidator()
    {
        RuleFor(x => x.PupilId).NotEmpty().WithMessage("Choose the pupil");
        RuleFor(x => x.RequestedOn).NotEmpty().WithMessage("Enter the date of the letter or email");
        RuleFor(x => x.RequestedBy).NotEmpty().WithMessage("Enter the name of the person who made the request").MaximumLength(200).WithMessage("Name must be 200 characters or fewer");
        RuleFor(x => x.Relationship).NotEmpty().WithMessage("Enter their relationship to the child, for example mother").MaximumLength(100).WithMessage("Relationship must be 100 characters or fewer");
        RuleFor(x => x.Summary).MaximumLength(2000).WithMessage("Summary must be 2,000 characters or fewer");
    }
}

/// <summary>
/// Records a flexi-schooling request from the parent's letter or email (000 §4: in writing, from someone
/// with parental responsibility, never initiated by the school). The letter is kept with the case.
/// </summary>
public sealed class RequestModel : AppPageModel
{
    [BindProperty]
    public RequestInput Input { get; set; } = new();

    [BindProperty]
    public IFormFile? Letter { get; set; }

    public IReadOnlyList<KeyValuePair<string, string>> PupilOptions { get; private set; } = [];

    public string SchoolName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid? pupilId, bool existing = false)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        Input = Input with { PupilId = pupilId, RequestedOn = Today, EnteredAfterwards = existing };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var school = CurrentUser.ActiveSchool!.Id;
        var pupil = await Db.Pupils.AsNoTracking().SingleOrDefaultAsync(p => p.Id == Input.PupilId && p.SchoolId == school);
        if (pupil is null)
        {
            ModelState.AddModelError("Input.PupilId", "Choose a pupil of this school");
            return Page();
        }

        var requestedOn = Input.RequestedOn!.Value;
        var settings = (await SchoolRules.ProfileAsync(Db, school, requestedOn)).Settings.Flexi;
        var existing = await Db.Arrangements.AsNoTracking().Where(a => a.PupilId == pupil.Id && a.Kind == ArrangementKind.FlexiSchooling).ToListAsync();
        byte[] content;
        string contentType;
        try
        {
            content = await CaseUploads.ReadAsync(Letter);
            FlexiRules.CheckRequest(Input.HasParentalResponsibility, content.Length > 0, requestedOn, Today, existing, settings);
            contentType = CaseDocument.CheckUpload(content);
        }
        catch (Domain.Common.DomainRuleException e) when (e.Field == "Letter")
        {
            ModelState.AddModelError(nameof(Letter), e.Message);
            return Page();
        }

        var now = Time.GetUtcNow();
        var (arrangement, recorded) = Arrangement.RequestFlexi(school, pupil.Id, requestedOn, Input.RequestedBy, Input.Relationship, Input.Summary, CurrentUser.UserId, now);
        Db.Arrangements.Add(arrangement);
        Db.ArrangementEvents.Add(recorded);
        if (Input.EnteredAfterwards)
        {
            Db.ArrangementEvents.Add(arrangement.EnterAfterwards(CurrentUser.UserId, now));
        }

        Db.CaseDocuments.Add(new CaseDocument(school, arrangement.Id, CaseDocumentKind.RequestLetter, Letter!.FileName, contentType, content, CurrentUser.UserId, now));
        await Db.SaveChangesAsync(); // the case, its first history line and the letter together, or nothing
        return Redirect($"/Cases/{arrangement.Id}");
    }

    private async Task<bool> LoadAsync()
    {
        if (CurrentUser.ActiveSchool is not { } school || !await CanAsync(school.Id, Permission.ManageArrangements))
        {
            return false;
        }

        SchoolName = school.Name;
        PupilOptions = await PupilOptionsAsync(school.Id);
        return true;
    }
}
