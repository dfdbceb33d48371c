using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

using FlexiSchooling.Web.Pages.Cases;

namespace FlexiSchooling.Web.Pages.Flexi;

public sealed record CriterionInput
{
    public string Key { get; init; } = "";

    public bool? Met { get; init; }

    public string? Note { get; init; }
}

public sealed record DecisionInput
{
    public uint Version { get; init; }

    public List<CriterionInput> Criteria { get; init; } = [];

    public DecisionOutcome? Outcome { get; init; }

    public string? Reason { get; init; }

    public DateOnly? DecidedOn { get; init; }

    public DateOnly? LocalAuthorityAgreedOn { get; init; }

    public string? LocalAuthorityAgreedBy { get; init; }
}

public sealed class DecisionInputValidator : AbstractValidator<DecisionInput>
{
    /// <summary>"Criterion 2 (the education at home will be of good quality)": its number on the page and its first words.</summary>
    private static string Named(string key)
    {
        var index = FlexiRules.Criteria.ToList().FindIndex(c => c.Key == key);
        if (index < 0)
        {
            return "A criterion";
        }

        var text = FlexiRules.Criteria[index].Text;
        var cut = text.IndexOfAny([',', ';']) is var at && at > 0 ? text[..at] : text;
        return $"Criterion {index + 1} ({char.ToLowerInvariant(cut[0])}{cut[1..]})";
    }

    public DecisionInputValidator()
    {
        RuleForEach(x => x.Criteria).ChildRules(c =>
        {
            // Each message names its criterion (issue 13), in the policy's order, as the page lists them.
            c.RuleFor(x => x.Met).NotNull().WithMessage(x => $"{Named(x.Key)}: choose whether it is met");
            c.RuleFor(x => x.Note).NotEmpty().WithMessage(x => $"{Named(x.Key)}: add a note").MaximumLength(1000).WithMessage(x => $"{Named(x.Key)}: a note must be 1,000 characters or fewer");
        });
        RuleFor(x => x.Outcome).NotNull().WithMessage("Choose whether you agree to the request");
        RuleFor(x => x.Reason).MaximumLength(2000).WithMessage("The reason must be 2,000 characters or fewer");
        RuleFor(x => x.DecidedOn).NotEmpty().WithMessage("Enter the date of the decision");
        RuleFor(x => x.LocalAuthorityAgreedBy).NotEmpty().When(x => x.LocalAuthorityAgreedOn is not null).WithMessage("Enter who agreed for the local authority")
            .MaximumLength(200).WithMessage("Name must be 200 characters or fewer");
        RuleFor(x => x.LocalAuthorityAgreedOn).NotEmpty().When(x => !string.IsNullOrWhiteSpace(x.LocalAuthorityAgreedBy)).WithMessage("Enter the date the local authority agreed");
    }
}

/// <summary>
/// The headteacher's decision on a flexi-schooling request, on each criterion of 000 §4 with a note, and
/// the decision letter to the parent produced as PDF and kept with the case — all saved together or not at all.
/// </summary>
public sealed class DecisionModel(DocumentRenderer documents) : FlexiCasePageModel
{
    [BindProperty]
    public DecisionInput Input { get; set; } = new();

    public IReadOnlyList<FlexiCriterion> CriteriaText => FlexiRules.Criteria;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadCaseAsync(id, Permission.DecideArrangements))
        {
            return NotFound();
        }

        Input = new DecisionInput
        {
            Version = Case.Version,
            Criteria = [.. FlexiRules.Criteria.Select(c => new CriterionInput { Key = c.Key })],
            DecidedOn = Today,
            LocalAuthorityAgreedOn = Case.LocalAuthorityAgreedOn,
            LocalAuthorityAgreedBy = Case.LocalAuthorityAgreedBy,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadCaseAsync(id, Permission.DecideArrangements, tracked: true))
        {
            return NotFound();
        }

        // The criteria always come back in the policy's order, whatever was posted.
        Input = Input with { Criteria = [.. FlexiRules.Criteria.Select(c => Input.Criteria.FirstOrDefault(p => p.Key == c.Key) ?? new CriterionInput { Key = c.Key })] };
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var now = Time.GetUtcNow();
        var decidedOn = Input.DecidedOn!.Value;
        var criteria = Input.Criteria.Select(c => new CriterionAssessment(c.Key, c.Met!.Value, c.Note!.Trim())).ToList();
        Db.Entry(Case).Property(a => a.Version).OriginalValue = Input.Version;
        try
        {
            if (Pupil.Flags.Ehcp && Input.LocalAuthorityAgreedOn is { } laOn && laOn != Case.LocalAuthorityAgreedOn)
            {
                Db.ArrangementEvents.Add(Case.RecordLocalAuthorityAgreement(laOn, Input.LocalAuthorityAgreedBy!, Today, CurrentUser.UserId, now));
            }

            FlexiRules.CheckDecision(Case, Input.Outcome!.Value, criteria, Input.Reason, Pupil.Flags.Ehcp, decidedOn, Today);
        }
        catch (DomainRuleException e) when (e.Field?.StartsWith("Criteria[", StringComparison.Ordinal) == true)
        {
            var key = e.Field["Criteria[".Length..^1];
            var index = Input.Criteria.FindIndex(c => c.Key == key);
            ModelState.AddModelError($"Input.Criteria[{index}].Met", e.Message);
            return Page();
        }

        var profile = await SchoolRules.ProfileAsync(Db, Case.SchoolId, decidedOn);
        Db.ArrangementEvents.Add(Case.Decide(Input.Outcome!.Value, criteria, Input.Reason, decidedOn, profile.Id, CurrentUser.UserId, now));

        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        if (!await KeepDocumentAsync(documents, FlexiDocuments.Decision(school, CurrentUser.TrustName, Case, Pupil, CurrentUser.DisplayName), "The decision letter could not be produced, so nothing has been saved. Try again in a moment.", now))
        {
            return Page();
        }

        await Db.SaveChangesAsync(); // decision, history and letter together
        TempData["Saved"] = Case.Outcome == Domain.Arrangements.DecisionOutcome.Agreed
            ? "The decision is recorded: agreed. The letter is kept with the case; next, the agreement and the risk assessment."
            : "The decision is recorded: not agreed. The letter, with the reasons, is kept with the case.";
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync() => Input = Input with { Version = await CurrentCaseVersionAsync() };
}
