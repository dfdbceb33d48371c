using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Schools;

public sealed record SchoolInput
{
    public uint Version { get; init; }

    public string Name { get; init; } = "";

    public string Urn { get; init; } = "";

    public Guid? LocalAuthorityId { get; init; }

    public SchoolPhase Phase { get; init; }

    public bool EarlyYears { get; init; }

    public bool KS1 { get; init; }

    public bool KS2 { get; init; }

    public bool KS3 { get; init; }

    public bool KS4 { get; init; }

    public bool KS5 { get; init; }

    public string? AddressLine1 { get; init; }

    public string? AddressLine2 { get; init; }

    public string? Town { get; init; }

    public string? Postcode { get; init; }

    public string? Telephone { get; init; }

    public string? Email { get; init; }

    public string? HeadteacherName { get; init; }

    /// <summary>The school's reasons behind register codes, one "CODE: reason" per line.</summary>
    public string? AttendanceSubReasons { get; init; }

    public KeyStages KeyStages =>
        (EarlyYears ? Domain.Trusts.KeyStages.EarlyYears : 0) | (KS1 ? Domain.Trusts.KeyStages.KS1 : 0) | (KS2 ? Domain.Trusts.KeyStages.KS2 : 0)
        | (KS3 ? Domain.Trusts.KeyStages.KS3 : 0) | (KS4 ? Domain.Trusts.KeyStages.KS4 : 0) | (KS5 ? Domain.Trusts.KeyStages.KS5 : 0);
}

public sealed class SchoolInputValidator : AbstractValidator<SchoolInput>
{
    public SchoolInputValidator()
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the school's name").MaximumLength(200).WithMessage("Name must be 200 characters or fewer");
        RuleFor(x => x.Urn).NotEmpty().WithMessage("Enter the school's URN").Matches("^[0-9]{6}$").WithMessage("Enter the URN as six digits, like 140101");
        RuleFor(x => x.LocalAuthorityId).NotEmpty().WithMessage("Choose the school's local authority");
        RuleFor(x => x.Phase).IsInEnum().WithMessage("Choose the phase");
        RuleFor(x => x.Email).EmailAddress().When(x => !string.IsNullOrWhiteSpace(x.Email)).WithMessage("Enter an email address in the correct format, like office@school.org.uk");
        RuleFor(x => x.Postcode).MaximumLength(10).WithMessage("Enter a real postcode");
        RuleFor(x => x.AddressLine1).MaximumLength(200).WithMessage("Address line 1 must be 200 characters or fewer");
        RuleFor(x => x.AddressLine2).MaximumLength(200).WithMessage("Address line 2 must be 200 characters or fewer");
        RuleFor(x => x.Town).MaximumLength(100).WithMessage("Town must be 100 characters or fewer");
        RuleFor(x => x.Telephone).MaximumLength(30).WithMessage("Telephone must be 30 characters or fewer");
        RuleFor(x => x.HeadteacherName).MaximumLength(200).WithMessage("Name must be 200 characters or fewer");
        RuleFor(x => x.AttendanceSubReasons).MaximumLength(8000).WithMessage("Reasons must be 8,000 characters or fewer in all");
    }
}

/// <summary>Adds or edits a school of the trust (trust administrators only); a URN is unique within the trust.</summary>
public sealed class EditModel : AppPageModel
{
    [BindProperty]
    public SchoolInput Input { get; set; } = new() { KS1 = true, KS2 = true };

    [FromRoute]
    public Guid? Id { get; set; }

    public bool IsNew => Id is null;

    public IReadOnlyList<KeyValuePair<string, string>> PhaseOptions { get; } =
        [.. Enum.GetValues<SchoolPhase>().Select(p => new KeyValuePair<string, string>(p.ToString(), p switch
        {
            SchoolPhase.AllThrough => "All-through",
            SchoolPhase.AlternativeProvision => "Alternative provision",
            _ => p.ToString(),
        }))];

    /// <summary>The trust's local authorities to choose from (issue 11: "a school names its LA from that list").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LocalAuthorityOptions { get; private set; } = [];

    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        LocalAuthorityOptions = [new("", "Choose the local authority"), .. (await Db.LocalAuthorities.AsNoTracking().OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync())
            .Select(a => new KeyValuePair<string, string>(a.Id.ToString(), a.Name))];
        await base.OnPageHandlerExecutionAsync(context, next);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is null)
        {
            return Page();
        }

        var school = await Db.Schools.AsNoTracking().SingleOrDefaultAsync(s => s.Id == Id);
        if (school is null)
        {
            return NotFound();
        }

        Input = new SchoolInput
        {
            Version = school.Version,
            Name = school.Name,
            Urn = school.Urn,
            LocalAuthorityId = school.LocalAuthorityId,
            Phase = school.Phase,
            EarlyYears = school.KeyStages.HasFlag(KeyStages.EarlyYears),
            KS1 = school.KeyStages.HasFlag(KeyStages.KS1),
            KS2 = school.KeyStages.HasFlag(KeyStages.KS2),
            KS3 = school.KeyStages.HasFlag(KeyStages.KS3),
            KS4 = school.KeyStages.HasFlag(KeyStages.KS4),
            KS5 = school.KeyStages.HasFlag(KeyStages.KS5),
            AddressLine1 = school.AddressLine1,
            AddressLine2 = school.AddressLine2,
            Town = school.Town,
            Postcode = school.Postcode,
            Telephone = school.Telephone,
            Email = school.Email,
            HeadteacherName = school.HeadteacherName,
            AttendanceSubReasons = school.AttendanceSubReasonsText,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        School? school = null;
        if (Id is not null)
        {
            school = await Db.Schools.SingleOrDefaultAsync(s => s.Id == Id);
            if (school is null)
            {
                return NotFound();
            }
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        // The list is the trust's own (row-level security); an identifier from elsewhere is refused as if unchosen.
        if (!LocalAuthorityOptions.Any(o => o.Key == Input.LocalAuthorityId.ToString()))
        {
            ModelState.AddModelError("Input.LocalAuthorityId", "Choose the school's local authority");
            return Page();
        }

        if (await Db.Schools.AnyAsync(s => s.Urn == Input.Urn && s.Id != Id))
        {
            ModelState.AddModelError("Input.Urn", "Another school of the trust already has this URN");
            return Page();
        }

        if (school is null)
        {
            school = new School(CurrentUser.TrustId, Input.Name, Input.Urn, Input.LocalAuthorityId!.Value, Input.Phase, Input.KeyStages);
            Db.Schools.Add(school);
        }
        else
        {
            Db.Entry(school).Property(s => s.Version).OriginalValue = Input.Version;
            school.Update(Input.Name, Input.Urn, Input.LocalAuthorityId!.Value, Input.Phase, Input.KeyStages);
        }

        school.SetLetterhead(Input.AddressLine1, Input.AddressLine2, Input.Town, Input.Postcode, Input.Telephone, Input.Email, Input.HeadteacherName);
        school.SetAttendanceSubReasons(Input.AttendanceSubReasons);
        await Db.SaveChangesAsync();
        return RedirectToPage("Index");
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
    }
}
