using System.Text.RegularExpressions;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Providers;

public sealed record ProviderInput
{
    public uint Version { get; init; }

    public string Name { get; init; } = "";

    public string Address { get; init; } = "";

    public string ContactName { get; init; } = "";

    public string? ContactPhone { get; init; }

    public string? ContactEmail { get; init; }

    public string? Urn { get; init; }

    public string? Ukprn { get; init; }

    /// <summary>The census's type of setting, asked only of a provider with neither URN nor UKPRN.</summary>
    public ApSettingType? CensusSettingType { get; init; }

    public ProviderRegistration? Registration { get; init; }

    public DateOnly? LastInspectedOn { get; init; }

    public string? InspectionJudgement { get; init; }

    public ProviderDetails ToDetails() => new(Name, Address, ContactName, ContactPhone, ContactEmail, Urn, Ukprn, Registration!.Value, LastInspectedOn, InspectionJudgement, CensusSettingType);
}

public sealed partial class ProviderInputValidator : AbstractValidator<ProviderInput>
{
    public ProviderInputValidator(TimeProvider time)
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the provider's name")
            .MaximumLength(AlternativeProvider.MaxNameLength).WithMessage($"Name must be {AlternativeProvider.MaxNameLength} characters or fewer");
        RuleFor(x => x.Address).NotEmpty().WithMessage("Enter the address where pupils are taught").MaximumLength(300).WithMessage("Address must be 300 characters or fewer");
        RuleFor(x => x.ContactName).NotEmpty().WithMessage("Enter the name of the person to contact").MaximumLength(100).WithMessage("Contact must be 100 characters or fewer");
        RuleFor(x => x.ContactPhone).MaximumLength(30).WithMessage("Phone number must be 30 characters or fewer");
        RuleFor(x => x.ContactEmail).EmailAddress().WithMessage("Enter an email address in the right format, like name@example.com")
            .MaximumLength(200).WithMessage("Email must be 200 characters or fewer");
        RuleFor(x => x.Registration).NotNull().WithMessage("Choose how the provider is registered");
        RuleFor(x => x.Urn).Must(u => string.IsNullOrWhiteSpace(u) || Urn().IsMatch(u.Trim())).WithMessage("A URN is 6 or 7 digits, for example 148372");
        RuleFor(x => x.Urn).NotEmpty().When(x => x.Registration == ProviderRegistration.RegisteredIndependentSchool)
            .WithMessage("Enter the URN: a registered independent school has one (get information about schools)");
        RuleFor(x => x.Ukprn).Must(u => string.IsNullOrWhiteSpace(u) || Ukprn().IsMatch(u.Trim())).WithMessage("A UKPRN is 8 digits starting with 1, for example 10087421");
        RuleFor(x => x.LastInspectedOn).LessThanOrEqualTo(_ => Domain.Common.LondonClock.Today(time)).WithMessage("The latest inspection cannot be in the future");
        RuleFor(x => x.InspectionJudgement).NotEmpty().When(x => x.LastInspectedOn is not null).WithMessage("Enter the inspection's judgement or outcome, as the report words it")
            .MaximumLength(60).WithMessage("Judgement must be 60 characters or fewer");
    }

    [GeneratedRegex("^[0-9]{6,7}$")]
    private static partial Regex Urn();

    [GeneratedRegex("^1[0-9]{7}$")]
    private static partial Regex Ukprn();
}

/// <summary>Adds a provider to the trust's register or edits one (those who manage providers); names are unique in the trust.</summary>
public sealed class EditModel : AppPageModel
{
    [BindProperty]
    public ProviderInput Input { get; set; } = new();

    [FromRoute]
    public Guid? Id { get; set; }

    public bool IsNew => Id is null;

    public static IReadOnlyList<KeyValuePair<string, string>> SettingTypes { get; } =
        [new("", "Not needed: it has a URN or UKPRN"), .. Enum.GetValues<ApSettingType>().Select(t => new KeyValuePair<string, string>(t.ToString(), $"{t}: {CensusCodes.Label(t)}"))];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!CurrentUser.CanAnywhere(Permission.ManageProviders))
        {
            return NotFound();
        }

        if (Id is null)
        {
            return Page();
        }

        if (await Db.AlternativeProviders.AsNoTracking().SingleOrDefaultAsync(p => p.Id == Id) is not { } p)
        {
            return NotFound();
        }

        Input = new ProviderInput
        {
            Version = p.Version, Name = p.Name, Address = p.Address, ContactName = p.ContactName, ContactPhone = p.ContactPhone, ContactEmail = p.ContactEmail,
            Urn = p.Urn, Ukprn = p.Ukprn, CensusSettingType = p.CensusSettingType, Registration = p.Registration, LastInspectedOn = p.LastInspectedOn, InspectionJudgement = p.InspectionJudgement,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!CurrentUser.CanAnywhere(Permission.ManageProviders))
        {
            return NotFound();
        }

        AlternativeProvider? provider = null;
        if (Id is not null && (provider = await Db.AlternativeProviders.SingleOrDefaultAsync(p => p.Id == Id)) is null)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        if (await Db.AlternativeProviders.AnyAsync(p => p.Name == Input.Name.Trim() && p.Id != Id))
        {
            ModelState.AddModelError("Input.Name", "The trust already has a provider of this name");
            return Page();
        }

        if (provider is null)
        {
            provider = new AlternativeProvider(CurrentUser.TrustId, Input.ToDetails(), Time.GetUtcNow());
            Db.AlternativeProviders.Add(provider);
        }
        else
        {
            Db.Entry(provider).Property(p => p.Version).OriginalValue = Input.Version;
            provider.Update(Input.ToDetails());
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = IsNew ? $"{provider.Name} added. Record its checks before any placement." : $"{provider.Name} saved.";
        return Redirect($"/Providers/{provider.Id}");
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.AlternativeProviders.AsNoTracking().SingleAsync(p => p.Id == Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
    }
}
