using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

using FlexiSchooling.Web.Pages.Cases;

namespace FlexiSchooling.Web.Pages.Flexi;

public sealed record AgreementInput
{
    public uint Version { get; init; }

    public string SchoolProvides { get; init; } = "";

    public string HomeProvides { get; init; } = "";

    public string ResponsiblePersonAtHome { get; init; } = "";

    public string Flexibility { get; init; } = "";

    public string Assessment { get; init; } = "";

    public string SendProvision { get; init; } = "";

    public string NationalCurriculumExtent { get; init; } = "";

    public string Rationale { get; init; } = "";

    public DateOnly? StartDate { get; init; }

    /// <summary>The sessions in school, as "Monday:AM".</summary>
    public List<string> InSchool { get; init; } = [];

    public SessionPattern Pattern => SessionPatternField.Parse(InSchool);
}

public sealed class AgreementInputValidator : AbstractValidator<AgreementInput>
{
    public AgreementInputValidator()
    {
        Text(x => x.Rationale, "Enter why flexi-schooling suits this child");
        Text(x => x.SchoolProvides, "Enter what the school provides");
        Text(x => x.HomeProvides, "Enter what the parents provide at home");
        Text(x => x.NationalCurriculumExtent, "Enter how far the national curriculum is followed, at school and at home");
        Text(x => x.Assessment, "Enter how learning at home and at school will be assessed");
        Text(x => x.SendProvision, "Enter the special educational needs provision, or that there is none");
        Text(x => x.Flexibility, "Enter how school events outside the usual days, and home events inside them, are handled");
        RuleFor(x => x.ResponsiblePersonAtHome).NotEmpty().WithMessage("Enter who is responsible for the child at home").MaximumLength(200).WithMessage("Name must be 200 characters or fewer");
        RuleFor(x => x.StartDate).NotEmpty().WithMessage("Enter the start date");
    }

    private void Text(System.Linq.Expressions.Expression<Func<AgreementInput, string>> field, string message) =>
        RuleFor(field).NotEmpty().WithMessage(message).MaximumLength(2000).WithMessage("This must be 2,000 characters or fewer");
}

/// <summary>
/// Draws up (and redrafts) the agreement of an agreed flexi-schooling case with every element of 000 §4 and
/// 004 §10.5 and the sessions in school; each draft is produced as a PDF for signing and kept with the case.
/// </summary>
public sealed class AgreementModel(DocumentRenderer documents) : FlexiCasePageModel
{
    [BindProperty]
    public AgreementInput Input { get; set; } = new();

    public FlexiAgreement? Existing { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        if (Existing is { } a)
        {
            Input = new AgreementInput
            {
                Version = a.Version, SchoolProvides = a.SchoolProvides, HomeProvides = a.HomeProvides, ResponsiblePersonAtHome = a.ResponsiblePersonAtHome,
                Flexibility = a.Flexibility, Assessment = a.Assessment, SendProvision = a.SendProvision, NationalCurriculumExtent = a.NationalCurriculumExtent,
                Rationale = a.Rationale, StartDate = a.StartDate,
                InSchool = SessionPatternField.Values(a.Pattern),
            };
        }
        else
        {
            Input = new AgreementInput { ResponsiblePersonAtHome = Case.RequestedBy, SendProvision = Pupil.Flags.Ehcp || Pupil.Flags.SenSupport ? "" : "None: the child has no special educational needs." };
        }

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

        var terms = new AgreementTerms(Input.SchoolProvides, Input.HomeProvides, Input.ResponsiblePersonAtHome, Input.Flexibility, Input.Assessment, Input.SendProvision,
            Input.NationalCurriculumExtent, Input.Rationale, Input.StartDate!.Value, Input.Pattern);
        var calendar = await SchoolRules.CalendarAsync(Db, Case.SchoolId);
        var now = Time.GetUtcNow();
        FlexiAgreement agreement;
        if (Existing is { } existing)
        {
            Db.Entry(existing).Property(a => a.Version).OriginalValue = Input.Version;
            Db.ArrangementEvents.Add(existing.Revise(Case, terms, calendar, CurrentUser.UserId, now));
            agreement = existing;
        }
        else
        {
            var (drafted, recorded) = FlexiAgreement.DraftFor(Case, terms, calendar, CurrentUser.UserId, now);
            Db.FlexiAgreements.Add(drafted);
            Db.ArrangementEvents.Add(recorded);
            agreement = drafted;
        }

        // The rules the case was decided under, not today's: a profile change does not rewrite an agreement.
        var settings = (await DecidedUnderAsync()).Settings.Flexi;
        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        if (!await KeepDocumentAsync(documents, FlexiDocuments.Agreement(school, CurrentUser.TrustName, Case, Pupil, agreement, settings), "The agreement could not be produced, so nothing has been saved. Try again in a moment.", now))
        {
            return Page();
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = "The agreement is drawn up and kept as a PDF; it is signed by the parent and the headteacher before the start.";
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.FlexiAgreements.AsNoTracking().SingleAsync(a => a.ArrangementId == Case.Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
    }

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements, tracked) || Case.Stage != ArrangementStage.Agreed)
        {
            return false;
        }

        var query = Db.FlexiAgreements.Where(a => a.ArrangementId == id);
        Existing = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync();
        return true;
    }
}
