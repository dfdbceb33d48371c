using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Pupils;

public sealed record PupilInput
{
    public uint Version { get; init; }

    public string LegalForename { get; init; } = "";

    public string LegalSurname { get; init; } = "";

    public string? PreferredForename { get; init; }

    public string? PreferredSurname { get; init; }

    public int? YearGroup { get; init; }

    public Guid? RegistrationGroupId { get; init; }

    public DateOnly? AdmissionDate { get; init; }

    public DateOnly? LeavingDate { get; init; }

    public bool Ehcp { get; init; }

    public bool SenSupport { get; init; }

    public bool LookedAfter { get; init; }

    public bool HasSocialWorker { get; init; }

    public bool ChildProtectionPlan { get; init; }

    public bool ChildInNeedPlan { get; init; }

    public bool FreeSchoolMeals { get; init; }

    public bool PupilPremium { get; init; }
}

public sealed class PupilInputValidator : AbstractValidator<PupilInput>
{
    public PupilInputValidator()
    {
        RuleFor(x => x.LegalForename).NotEmpty().WithMessage("Enter the pupil's legal forename").MaximumLength(100).WithMessage("Legal forename must be 100 characters or fewer");
        RuleFor(x => x.LegalSurname).NotEmpty().WithMessage("Enter the pupil's legal surname").MaximumLength(100).WithMessage("Legal surname must be 100 characters or fewer");
        RuleFor(x => x.PreferredForename).MaximumLength(100).WithMessage("Preferred forename must be 100 characters or fewer");
        RuleFor(x => x.PreferredSurname).MaximumLength(100).WithMessage("Preferred surname must be 100 characters or fewer");
        RuleFor(x => x.YearGroup).NotNull().WithMessage("Enter the year group").InclusiveBetween(-1, 13).WithMessage("Year group must be from 0 (Reception) to 13");
        RuleFor(x => x.AdmissionDate).NotNull().WithMessage("Enter the admission date");
    }
}

/// <summary>Edits a pupil; the row's xmin travels in the form, so a stale save is refused, not applied over someone else's.</summary>
public sealed class EditModel : AppPageModel
{
    [BindProperty]
    public PupilInput Input { get; set; } = new();

    [FromRoute]
    public Guid Id { get; set; }

    public IReadOnlyList<KeyValuePair<string, string>> GroupOptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var pupil = await LoadAsync();
        if (pupil is null)
        {
            return NotFound();
        }

        Input = ToInput(pupil);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var pupil = await LoadAsync();
        if (pupil is null)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        RegistrationGroup? group = null;
        if (Input.RegistrationGroupId is { } groupId)
        {
            group = await Db.RegistrationGroups.SingleOrDefaultAsync(g => g.Id == groupId && g.SchoolId == pupil.SchoolId);
            if (group is null)
            {
                ModelState.AddModelError("Input.RegistrationGroupId", "Choose one of the school's registration groups");
                return Page();
            }
        }

        Db.Entry(pupil).Property(p => p.Version).OriginalValue = Input.Version;
        pupil.Rename(Input.LegalForename, Input.LegalSurname, Input.PreferredForename, Input.PreferredSurname);
        pupil.PlaceInGroup(group, Input.YearGroup!.Value);
        pupil.SetRoll(Input.AdmissionDate!.Value, Input.LeavingDate);
        pupil.SetFlags(new PupilFlags(Input.Ehcp, Input.LookedAfter, Input.HasSocialWorker, Input.ChildProtectionPlan, Input.ChildInNeedPlan, Input.SenSupport, Input.FreeSchoolMeals, Input.PupilPremium));
        await Db.SaveChangesAsync();
        return Redirect($"/Pupils/{pupil.Id}");
    }

    /// <summary>After a conflict the form keeps what the user typed but carries the current version, so a deliberate re-save works.</summary>
    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.Pupils.AsNoTracking().SingleAsync(p => p.Id == Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
    }

    private async Task<Pupil?> LoadAsync()
    {
        var pupil = await PupilIfAllowedAsync(Id, Permission.EditPupils, tracked: true);
        if (pupil is null)
        {
            return null;
        }

        var groups = await Db.RegistrationGroups.AsNoTracking().Where(g => g.SchoolId == pupil.SchoolId).OrderBy(g => g.YearGroup).ThenBy(g => g.Name).ToListAsync();
        GroupOptions = [new("", "None"), .. groups.Select(g => new KeyValuePair<string, string>(g.Id.ToString(), g.Name))];
        return pupil;
    }

    private static PupilInput ToInput(Pupil p) => new()
    {
        Version = p.Version,
        LegalForename = p.LegalForename,
        LegalSurname = p.LegalSurname,
        PreferredForename = p.PreferredForename,
        PreferredSurname = p.PreferredSurname,
        YearGroup = p.YearGroup,
        RegistrationGroupId = p.RegistrationGroupId,
        AdmissionDate = p.AdmissionDate,
        LeavingDate = p.LeavingDate,
        Ehcp = p.Flags.Ehcp,
        SenSupport = p.Flags.SenSupport,
        LookedAfter = p.Flags.LookedAfter,
        HasSocialWorker = p.Flags.HasSocialWorker,
        ChildProtectionPlan = p.Flags.ChildProtectionPlan,
        ChildInNeedPlan = p.Flags.ChildInNeedPlan,
        FreeSchoolMeals = p.Flags.FreeSchoolMeals,
        PupilPremium = p.Flags.PupilPremium,
    };
}
