using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.LocalAuthorities;

public sealed record LocalAuthorityInput
{
    public uint Version { get; init; }

    public string Name { get; init; } = "";

    public string? Code { get; init; }

    public LocalAuthorityNotice? Notice { get; init; }

    public string? Address { get; init; }

    public int? WithinDays { get; init; }

    public string? Team { get; init; }
}

public sealed class LocalAuthorityInputValidator : AbstractValidator<LocalAuthorityInput>
{
    public LocalAuthorityInputValidator()
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the local authority's name").MaximumLength(100).WithMessage("Name must be 100 characters or fewer");
        RuleFor(x => x.Notice).NotNull().WithMessage("Choose how the local authority wants to be told");
        RuleFor(x => x.Address).NotEmpty().WithMessage("Enter where to send it: the email address, or the online form's address");
        RuleFor(x => x.WithinDays).NotNull().WithMessage("Enter the number of days allowed, 0 for the same day")
            .InclusiveBetween(0, LocalAuthority.MaxWithinDays).WithMessage($"Enter a number of days from 0 to {LocalAuthority.MaxWithinDays}");
        RuleFor(x => x.Team).MaximumLength(200).WithMessage("Team must be 200 characters or fewer");
    }
}

/// <summary>Adds or edits one of the trust's local authorities with how it wants to be told (trust administrators only); names are unique in the trust.</summary>
public sealed class EditModel : AppPageModel
{
    [BindProperty]
    public LocalAuthorityInput Input { get; set; } = new() { Notice = LocalAuthorityNotice.EmailedPlan, WithinDays = 0 };

    [FromRoute]
    public Guid? Id { get; set; }

    public bool IsNew => Id is null;

    public async Task<IActionResult> OnGetAsync()
    {
        if (Id is null)
        {
            return Page();
        }

        if (await Db.LocalAuthorities.AsNoTracking().SingleOrDefaultAsync(a => a.Id == Id) is not { } la)
        {
            return NotFound();
        }

        Input = new LocalAuthorityInput { Version = la.Version, Name = la.Name, Code = la.Code, Notice = la.Notice, Address = la.Address, WithinDays = la.WithinDays, Team = la.Team };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        LocalAuthority? la = null;
        if (Id is not null && (la = await Db.LocalAuthorities.SingleOrDefaultAsync(a => a.Id == Id)) is null)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        if (await Db.LocalAuthorities.AnyAsync(a => a.Name == Input.Name.Trim() && a.Id != Id))
        {
            ModelState.AddModelError("Input.Name", "The trust already has a local authority of this name");
            return Page();
        }

        if (la is null)
        {
            Db.LocalAuthorities.Add(new LocalAuthority(CurrentUser.TrustId, Input.Name, Input.Code, Input.Notice!.Value, Input.Address, Input.WithinDays!.Value, Input.Team));
        }
        else
        {
            Db.Entry(la).Property(a => a.Version).OriginalValue = Input.Version;
            la.Update(Input.Name, Input.Code, Input.Notice!.Value, Input.Address, Input.WithinDays!.Value, Input.Team);
        }

        await Db.SaveChangesAsync();
        return RedirectToPage("Index");
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.LocalAuthorities.AsNoTracking().SingleAsync(a => a.Id == Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
    }
}
