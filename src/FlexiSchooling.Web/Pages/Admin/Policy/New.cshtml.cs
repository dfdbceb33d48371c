using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlexiSchooling.Web.Pages.Admin.Policy;

public sealed record NewVersionInput
{
    public string ApprovedBy { get; init; } = "";

    public DateOnly? ApprovedOn { get; init; }

    public DateOnly? EffectiveFrom { get; init; }

    public DateOnly? NextReviewDate { get; init; }

    public string? ChangeSummary { get; init; }

    public decimal? FlexiFormalReviewBelowPercent { get; init; }

    public int? FlexiSchoolNoticeWeeks { get; init; }

    public int? FlexiParentNoticeWeeks { get; init; }

    public int? FlexiDecisionDeadlineWorkingDays { get; init; }

    public bool FlexiOneRequestPerAcademicYear { get; init; }

    public int? PartTimeMaxWeeks { get; init; }

    public TimeOnly? RegistersAmOpens { get; init; }

    public TimeOnly? RegistersPmOpens { get; init; }

    public int? RegistersOpenMinutes { get; init; }
}

public sealed class NewVersionInputValidator : AbstractValidator<NewVersionInput>
{
    public NewVersionInputValidator()
    {
        RuleFor(x => x.ApprovedBy).NotEmpty().WithMessage("Enter who approved this version").MaximumLength(200).WithMessage("Approved by must be 200 characters or fewer");
        RuleFor(x => x.ApprovedOn).NotNull().WithMessage("Enter the date it was approved");
        RuleFor(x => x.EffectiveFrom).NotNull().WithMessage("Enter the date it takes effect");
        RuleFor(x => x.NextReviewDate).NotNull().WithMessage("Enter the next review date");
        RuleFor(x => x.ChangeSummary).MaximumLength(1000).WithMessage("What changed must be 1000 characters or fewer");
        RuleFor(x => x.FlexiFormalReviewBelowPercent).InclusiveBetween(0, 100).When(x => x.FlexiFormalReviewBelowPercent is not null).WithMessage("Enter a percentage from 0 to 100");
        RuleFor(x => x.FlexiSchoolNoticeWeeks).NotNull().WithMessage("Enter the school's notice period in weeks").InclusiveBetween(0, 52).WithMessage("Enter a notice period from 0 to 52 weeks");
        RuleFor(x => x.FlexiParentNoticeWeeks).InclusiveBetween(0, 52).When(x => x.FlexiParentNoticeWeeks is not null).WithMessage("Enter a notice period from 0 to 52 weeks");
        RuleFor(x => x.FlexiDecisionDeadlineWorkingDays).InclusiveBetween(1, 60).When(x => x.FlexiDecisionDeadlineWorkingDays is not null).WithMessage("Enter a deadline from 1 to 60 working days");
        RuleFor(x => x.PartTimeMaxWeeks).InclusiveBetween(1, 52).When(x => x.PartTimeMaxWeeks is not null).WithMessage("Enter a maximum from 1 to 52 weeks");
        RuleFor(x => x.RegistersAmOpens).NotNull().WithMessage("Enter when the morning register opens");
        RuleFor(x => x.RegistersPmOpens).NotNull().WithMessage("Enter when the afternoon register opens");
        RuleFor(x => x.RegistersOpenMinutes).NotNull().WithMessage("Enter how long registers stay open");
    }
}

/// <summary>
/// A new profile version, from a template or the version in force, with its approval and review
/// dates. Versions are never edited; the domain checks the values are coherent (e.g. registers open
/// at most 30 minutes).
/// </summary>
public sealed class NewModel : AppPageModel
{
    public const string CurrentSource = "current";

    [BindProperty(SupportsGet = true)]
    public Guid? School { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    [BindProperty]
    public NewVersionInput Input { get; set; } = new();

    public string ScopeName { get; private set; } = "";

    public IReadOnlyList<KeyValuePair<string, string>> SourceOptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var basis = await LoadAsync();
        if (basis is null)
        {
            return NotFound();
        }

        var s = basis.Value.Settings;
        var today = Today;
        Input = new NewVersionInput
        {
            ApprovedOn = today,
            EffectiveFrom = today,
            NextReviewDate = today.AddYears(1),
            FlexiFormalReviewBelowPercent = s.Flexi.FormalReviewBelowPercent,
            FlexiSchoolNoticeWeeks = s.Flexi.SchoolNoticeWeeks,
            FlexiParentNoticeWeeks = s.Flexi.ParentNoticeWeeks,
            FlexiDecisionDeadlineWorkingDays = s.Flexi.DecisionDeadlineWorkingDays,
            FlexiOneRequestPerAcademicYear = s.Flexi.OneRequestPerAcademicYear,
            PartTimeMaxWeeks = s.PartTime.MaxWeeks,
            RegistersAmOpens = s.Registers.AmOpens,
            RegistersPmOpens = s.Registers.PmOpens,
            RegistersOpenMinutes = s.Registers.OpenMinutes,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var basis = await LoadAsync();
        if (basis is null)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var (settings, templateKey, sourcePolicy) = basis.Value;
        var changed = settings with
        {
            Flexi = settings.Flexi with
            {
                FormalReviewBelowPercent = Input.FlexiFormalReviewBelowPercent,
                SchoolNoticeWeeks = Input.FlexiSchoolNoticeWeeks!.Value,
                ParentNoticeWeeks = Input.FlexiParentNoticeWeeks,
                DecisionDeadlineWorkingDays = Input.FlexiDecisionDeadlineWorkingDays,
                OneRequestPerAcademicYear = Input.FlexiOneRequestPerAcademicYear,
            },
            PartTime = settings.PartTime with { MaxWeeks = Input.PartTimeMaxWeeks },
            Registers = new RegisterSettings(Input.RegistersAmOpens!.Value, Input.RegistersPmOpens!.Value, Input.RegistersOpenMinutes!.Value),
        };
        foreach (var (setting, message) in changed.Problems())
        {
            ModelState.AddModelError("Input." + setting.Replace(".", "", StringComparison.Ordinal), message);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var number = 1 + (await Db.PolicyProfileVersions.Where(v => v.SchoolId == School).MaxAsync(v => (int?)v.Number) ?? 0);
        Db.PolicyProfileVersions.Add(new PolicyProfileVersion(School, number, templateKey, sourcePolicy, changed,
            Input.ApprovedOn!.Value, Input.ApprovedBy, Input.EffectiveFrom!.Value, Input.NextReviewDate!.Value, Input.ChangeSummary));
        try
        {
            await Db.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            ModelState.AddModelError("", $"Someone else created version {number} at the same moment. Check the profile's versions, then try again.");
            return Page();
        }

        return RedirectToPage("Index");
    }

    private async Task<(PolicyProfileSettings Settings, string TemplateKey, string SourcePolicy)?> LoadAsync()
    {
        if (School is { } schoolId)
        {
            var name = await Db.Schools.Where(s => s.Id == schoolId).Select(s => s.Name).SingleOrDefaultAsync();
            if (name is null)
            {
                return null;
            }

            ScopeName = name;
        }
        else
        {
            ScopeName = CurrentUser.TrustName + " (trust default)";
        }

        SourceOptions = [new(CurrentSource, "The version in force now"), .. PolicyTemplates.All.Select(t => new KeyValuePair<string, string>(t.Key, "Template: " + t.Name))];
        Source ??= CurrentSource;
        if (Source != CurrentSource)
        {
            var template = PolicyTemplates.All.FirstOrDefault(t => t.Key == Source);
            return template is null ? null : (template.Settings, template.Key, template.SourcePolicy);
        }

        var versions = await Db.PolicyProfileVersions.AsNoTracking().ToListAsync();
        var inForce = School is { } id
            ? PolicyProfileVersion.InForce(versions, id, Today)
            : versions.Where(v => v.SchoolId is null && v.EffectiveFrom <= Today).MaxBy(v => (v.EffectiveFrom, v.Number))
              ?? versions.Where(v => v.SchoolId is null).MaxBy(v => v.Number);
        return inForce is null ? null : (inForce.Settings, inForce.TemplateKey, inForce.SourcePolicy);
    }
}
