using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FlexiSchooling.Web.Pages.Providers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

public sealed record ReferInput
{
    public Guid? PupilId { get; init; }

    public Guid? ProviderId { get; init; }

    public bool? FullTime { get; init; }

    /// <summary>When part time, the sessions still in school, as "Monday:AM"; the rest are at the provider.</summary>
    public List<string> InSchool { get; init; } = [];

    public DateOnly? ReferredOn { get; init; }

    public DateOnly? StartDate { get; init; }

    public DateOnly? PlannedEndDate { get; init; }

    public string Reasons { get; init; } = "";

    public string? PreviousInformation { get; init; }

    public decimal? FullCost { get; init; }

    public string Funding { get; init; } = "";

    public string? ParentMeeting { get; init; }

    public string PupilVoice { get; init; } = "";

    public DateOnly? ParentAgreedOn { get; init; }

    /// <summary>The reason as the school census records it.</summary>
    public CensusPlacementReason? CensusReason { get; init; }

    /// <summary>An off-site direction to improve behaviour (004 §6): the governing body approves it and the parents are given notice.</summary>
    public bool OffSiteDirection { get; init; }
}

public sealed class ReferInputValidator : AbstractValidator<ReferInput>
{
    public ReferInputValidator()
    {
        RuleFor(x => x.PupilId).NotEmpty().WithMessage("Choose the pupil");
        RuleFor(x => x.ProviderId).NotEmpty().WithMessage("Choose the provider");
        RuleFor(x => x.FullTime).NotNull().WithMessage("Say whether the placement is full time or part time");
        RuleFor(x => x.ReferredOn).NotEmpty().WithMessage("Enter the date of the referral");
        RuleFor(x => x.StartDate).NotEmpty().WithMessage("Enter the proposed start date");
        RuleFor(x => x.PlannedEndDate).NotEmpty().WithMessage("Enter the planned end date: a placement is for a set time, and reviewed");
        RuleFor(x => x.Reasons).NotEmpty().WithMessage("Enter the reasons for the placement").MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.PreviousInformation).MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.FullCost).NotNull().WithMessage("Enter the full cost in pounds, 0 if there is none").GreaterThanOrEqualTo(0).WithMessage("The full cost cannot be negative");
        RuleFor(x => x.Funding).NotEmpty().WithMessage("Say who pays for it").MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.ParentMeeting).MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.CensusReason).NotNull().WithMessage("Choose the reason for the school census");
        RuleFor(x => x.PupilVoice).NotEmpty().WithMessage("Enter what the pupil says about the placement").MaximumLength(Placement.MaxTextLength).WithMessage("This must be 4,000 characters or fewer");
    }
}

/// <summary>
/// Considers and refers a pupil for an alternative provision placement (002 appendix 1a; 004 §7): the provider from the
/// trust's register, full or part time (and the sessions there), the dates, and the referral's reasons, previous
/// information, full cost and funding, the parents' meeting, the pupil's voice and the parents' agreement. The provider
/// must be open for placements and the registration rule kept (004 §7.2; worked example 4), each refusal shown at the
/// provider field; the case then waits for the head's agreement.
/// </summary>
public sealed class ReferModel : AppPageModel
{
    [BindProperty]
    public ReferInput Input { get; set; } = new();

    public IReadOnlyList<KeyValuePair<string, string>> PupilOptions { get; private set; } = [];

    public IReadOnlyList<ProviderStanding> Providers { get; private set; } = [];

    public string School { get; private set; } = "";

    public static IReadOnlyList<KeyValuePair<string, string>> CensusReasons { get; } =
        [new("", "Choose the reason"), .. Enum.GetValues<CensusPlacementReason>().Select(r => new KeyValuePair<string, string>(r.ToString(), CensusCodes.Label(r)))];

    public async Task<IActionResult> OnGetAsync(Guid? pupilId)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        Input = Input with { PupilId = pupilId, ReferredOn = Today };
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

        var school = CurrentUser.ActiveSchool!;
        var pupil = await Db.Pupils.AsNoTracking().SingleOrDefaultAsync(p => p.Id == Input.PupilId && p.SchoolId == school.Id);
        if (pupil is null)
        {
            ModelState.AddModelError("Input.PupilId", "Choose a pupil of this school");
            return Page();
        }

        if (Providers.SingleOrDefault(p => p.Provider.Id == Input.ProviderId) is not { } standing)
        {
            ModelState.AddModelError("Input.ProviderId", "Choose one of the trust's providers");
            return Page();
        }

        var referral = new PlacementReferral(standing.Provider.Id, Input.FullTime!.Value, SessionPatternField.Parse(Input.InSchool),
            Input.StartDate!.Value, Input.PlannedEndDate!.Value, Input.Reasons, Input.PreviousInformation ?? "", Input.FullCost!.Value, Input.Funding,
            Input.ParentMeeting ?? "", Input.PupilVoice, Input.ParentAgreedOn, Input.CensusReason!.Value, Input.OffSiteDirection); // optional fields left empty are posted as null
        PlacementRules.CheckReferral(referral); // a refusal is shown at its field
        await PlacementSupport.CheckProviderAsync(Db, standing.Provider, school.Id, pupil, Input.FullTime!.Value, Input.StartDate!.Value, Today);

        var now = Time.GetUtcNow();
        var (arrangement, proposed) = Arrangement.Propose(ArrangementKind.AlternativeProvision, school.Id, pupil.Id, Input.ReferredOn!.Value, CurrentUser.DisplayName,
            string.Join(", ", CurrentUser.RolesAt(school.Id).Select(RolePermissions.Label)), $"{(Input.FullTime!.Value ? "Full-time" : "Part-time")} placement at {standing.Provider.Name}", CurrentUser.UserId, now);
        Db.Arrangements.Add(arrangement);
        Db.ArrangementEvents.Add(proposed);
        Db.Placements.Add(Placement.Refer(arrangement, referral));
        await Db.SaveChangesAsync(); // the case, its placement and its first history line together, or nothing
        TempData["Saved"] = "Referral recorded. It waits for the headteacher's agreement.";
        return Redirect($"/Cases/{arrangement.Id}");
    }

    private async Task<bool> LoadAsync()
    {
        if (CurrentUser.ActiveSchool is not { } school || !await CanAsync(school.Id, Permission.ManageArrangements))
        {
            return false;
        }

        School = school.Name;
        PupilOptions = await PupilOptionsAsync(school.Id);
        Providers = await ProviderSupport.StandingsAsync(Db, Today);
        return true;
    }
}
