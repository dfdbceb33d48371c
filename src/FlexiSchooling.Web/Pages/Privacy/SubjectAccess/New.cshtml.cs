using FlexiSchooling.Data;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Privacy.SubjectAccess;

public sealed record SubjectAccessInput
{
    public string? Upn { get; init; }

    public string? RequesterName { get; init; }

    public SubjectAccessRequester? Requester { get; init; }

    public DateOnly? ReceivedOn { get; init; }

    public string? Notes { get; init; }
}

public sealed class SubjectAccessInputValidator : AbstractValidator<SubjectAccessInput>
{
    public SubjectAccessInputValidator()
    {
        RuleFor(x => x.Upn).NotEmpty().WithMessage("Enter the pupil's unique pupil number (UPN)");
        RuleFor(x => x.RequesterName).NotEmpty().WithMessage("Enter the name of the person who made the request").MaximumLength(200).WithMessage("Enter a name of 200 characters or fewer");
        RuleFor(x => x.Requester).NotNull().WithMessage("Choose who made the request");
        RuleFor(x => x.ReceivedOn).NotNull().WithMessage("Enter the date the request was received");
        RuleFor(x => x.Notes).MaximumLength(SubjectAccessRequest.MaxText).WithMessage($"Enter notes of {SubjectAccessRequest.MaxText} characters or fewer");
    }
}

/// <summary>Records a subject access request about a pupil of the trust, found by UPN; its deadline is worked out from the date received.</summary>
public sealed class NewModel : AppPageModel
{
    [BindProperty]
    public SubjectAccessInput Input { get; set; } = new();

    public static IReadOnlyList<KeyValuePair<string, string>> Requesters { get; } =
    [
        new("", "Choose"),
        new(nameof(SubjectAccessRequester.Parent), "A parent or carer, for the pupil"),
        new(nameof(SubjectAccessRequester.Pupil), "The pupil"),
        new(nameof(SubjectAccessRequester.Representative), "A representative with the pupil's or parent's authority (a solicitor, say)"),
    ];

    public async Task OnGetAsync(Guid? pupil)
    {
        var upn = pupil is { } id
            ? await Db.Pupils.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(p => p.Id == id).Select(p => p.Upn).SingleOrDefaultAsync()
            : null;
        Input = new SubjectAccessInput { Upn = upn, ReceivedOn = Today };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var upn = Input.Upn!.Trim().ToUpperInvariant();
        // The trust's pupils only: row-level security and the trust filter hide every other trust's.
        var pupil = await Db.Pupils.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).SingleOrDefaultAsync(p => p.Upn == upn);
        if (pupil is null)
        {
            ModelState.AddModelError("Input.Upn", "No pupil with this UPN is on the roll of the trust's schools");
            return Page();
        }

        var holidays = (await Db.BankHolidays.AsNoTracking().Select(h => h.Date).ToListAsync()).ToHashSet();
        try
        {
            var request = SubjectAccessRequest.Record(pupil.SchoolId, pupil.Id, Input.RequesterName!, Input.Requester!.Value, Input.ReceivedOn!.Value, Input.Notes, holidays, Today, CurrentUser.UserId, Time.GetUtcNow());
            Db.SubjectAccessRequests.Add(request);
            await Db.SaveChangesAsync();
            return RedirectToPage("Request", new { id = request.Id });
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field is { } f ? $"Input.{f}" : "", e.Message);
            return Page();
        }
    }
}
