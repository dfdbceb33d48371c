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

public sealed record CommissioningInput
{
    public uint Version { get; init; }

    public string DaysAndTimes { get; init; } = "";

    public string AimsAndOutcomes { get; init; } = "";

    public string CurriculumAndQualifications { get; init; } = "";

    public string Induction { get; init; } = "";

    public string Pastoral { get; init; } = "";

    public string AttendanceArrangements { get; init; } = "";

    public string SafeguardingArrangements { get; init; } = "";

    public string FreeSchoolMeals { get; init; } = "";

    public string Exams { get; init; } = "";

    public string Communication { get; init; } = "";

    public decimal? Cost { get; init; }

    public string Review { get; init; } = "";

    public DateOnly? AgreedOn { get; init; }

    public string ProviderSignatory { get; init; } = "";

    public CommissioningTerms ToTerms() => new(DaysAndTimes, AimsAndOutcomes, CurriculumAndQualifications, Induction, Pastoral, AttendanceArrangements,
        SafeguardingArrangements, FreeSchoolMeals, Exams, Communication, Cost ?? 0, Review, AgreedOn!.Value, ProviderSignatory);
}

public sealed class CommissioningInputValidator : AbstractValidator<CommissioningInput>
{
    public CommissioningInputValidator()
    {
        RuleFor(x => x.Cost).NotNull().WithMessage("Enter the cost in pounds, 0 if there is none").GreaterThanOrEqualTo(0).WithMessage("The cost cannot be negative");
        RuleFor(x => x.AgreedOn).NotNull().WithMessage("Enter the day it was agreed with the provider");
        foreach (var field in new System.Linq.Expressions.Expression<Func<CommissioningInput, string>>[] { x => x.DaysAndTimes, x => x.AimsAndOutcomes, x => x.CurriculumAndQualifications, x => x.Induction, x => x.Pastoral,
                     x => x.AttendanceArrangements, x => x.SafeguardingArrangements, x => x.FreeSchoolMeals, x => x.Exams, x => x.Communication, x => x.Review, x => x.ProviderSignatory })
        {
            RuleFor(field).MaximumLength(CommissioningAgreement.MaxTextLength).WithMessage("This must be 2,000 characters or fewer");
        }
    }
}

/// <summary>
/// Records the commissioning agreement of an agreed placement (004 §7.11) — every heading the policy names, who agreed it
/// for the provider and when — and keeps it as a PDF with the case; a gate before the start. Recorded again (a
/// corrected agreement) until the placement starts; two people recording never overwrite each other.
/// </summary>
public sealed class CommissioningModel(DocumentRenderer documents) : PlacementPageModel
{
    [BindProperty]
    public CommissioningInput Input { get; set; } = new();

    public bool Replacing { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
        {
            return NotFound();
        }

        var existing = await Db.CommissioningAgreements.AsNoTracking().SingleOrDefaultAsync(c => c.ArrangementId == id);
        Input = existing is null
            ? new CommissioningInput { Cost = Placement.FullCost, AgreedOn = Today, DaysAndTimes = Placement.FullTime ? "Monday to Friday, every session" : "" }
            : new CommissioningInput
            {
                Version = existing.Version, DaysAndTimes = existing.DaysAndTimes, AimsAndOutcomes = existing.AimsAndOutcomes, CurriculumAndQualifications = existing.CurriculumAndQualifications,
                Induction = existing.Induction, Pastoral = existing.Pastoral, AttendanceArrangements = existing.AttendanceArrangements, SafeguardingArrangements = existing.SafeguardingArrangements,
                FreeSchoolMeals = existing.FreeSchoolMeals, Exams = existing.Exams, Communication = existing.Communication, Cost = existing.Cost, Review = existing.Review,
                AgreedOn = existing.AgreedOn, ProviderSignatory = existing.ProviderSignatory,
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

        var terms = Input.ToTerms();
        CommissioningAgreement.Check(terms, Today); // a missing heading is shown at its field
        var now = Time.GetUtcNow();
        var agreement = await Db.CommissioningAgreements.SingleOrDefaultAsync(c => c.ArrangementId == id);
        if (agreement is null)
        {
            agreement = CommissioningAgreement.Record(Placement, terms, Today, CurrentUser.UserId, now);
            Db.CommissioningAgreements.Add(agreement);
        }
        else
        {
            Db.Entry(agreement).Property(c => c.Version).OriginalValue = Input.Version;
            agreement.Replace(terms, Today, CurrentUser.UserId, now);
        }

        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        var offSite = (await DecidedUnderAsync()).Settings.AlternativeProvision.OffSiteCode;
        var document = PlacementDocuments.Commissioning(school, CurrentUser.TrustName, Pupil, Placement, Provider, agreement, offSite, CurrentUser.DisplayName);
        if (!await KeepDocumentAsync(documents, document, "The agreement could not be produced, so nothing has been saved. Try again in a moment.", now))
        {
            return Page();
        }

        Db.ArrangementEvents.Add(Case.Event(Replacing ? "Commissioning agreement recorded again" : "Commissioning agreement recorded",
            $"Agreed with {Provider.Name} ({agreement.ProviderSignatory}) on {agreement.AgreedOn:d MMMM yyyy} (004 §7.11).", CurrentUser.UserId, now));
        await Db.SaveChangesAsync(); // the agreement, its PDF and the history line together, or nothing
        TempData["Saved"] = "Commissioning agreement recorded and kept as a PDF with the case.";
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.CommissioningAgreements.AsNoTracking().SingleAsync(c => c.ArrangementId == Case.Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        if (!await LoadPlacementAsync(id, Permission.ManageArrangements, c => c.Stage == ArrangementStage.Agreed, tracked: true))
        {
            return false;
        }

        Replacing = await Db.CommissioningAgreements.AnyAsync(c => c.ArrangementId == id);
        return true;
    }
}
