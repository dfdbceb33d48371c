using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Pupils;

public sealed record LeaveInput
{
    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    public Sessions Sessions { get; init; } = Sessions.Both;

    public string Code { get; init; } = "";

    public string? Note { get; init; }
}

public sealed class LeaveInputValidator : AbstractValidator<LeaveInput>
{
    public LeaveInputValidator()
    {
        RuleFor(x => x.From).NotNull().WithMessage("Enter the first day of the leave");
        RuleFor(x => x.To).NotNull().WithMessage("Enter the last day of the leave");
        RuleFor(x => x.Code).Must(c => LeaveModel.LeaveCodes.Contains(c)).WithMessage("Choose the reason for the leave");
        RuleFor(x => x.Note).MaximumLength(500).WithMessage("The note must be 500 characters or fewer");
    }
}

/// <summary>Approved leave of absence: the first use of the expected-marks mechanism the arrangements will share.</summary>
public sealed class LeaveModel : AppPageModel
{
    /// <summary>The DfE leave-of-absence codes a school grants in advance (plus religious observance and occupational travel).</summary>
    public static readonly IReadOnlyList<string> LeaveCodes = ["M", "C", "C1", "J1", "S", "R", "T"];

    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public LeaveInput Input { get; set; } = new();

    public string Name { get; private set; } = "";

    public IReadOnlyList<ExpectedMark> Leave { get; private set; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> SessionOptions { get; } =
        [new(nameof(Sessions.Both), "All day"), new(nameof(Sessions.AM), "Morning only"), new(nameof(Sessions.PM), "Afternoon only")];

    public IReadOnlyList<KeyValuePair<string, string>> CodeOptions { get; } =
        [new("", "Choose a reason"), .. LeaveCodes.Select(c => new KeyValuePair<string, string>(c, $"{c}: {AttendanceCodeSet.Dfe2024[c].Meaning}"))];

    private Domain.Pupils.Pupil _pupil = null!;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

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

        Db.ExpectedMarks.Add(new ExpectedMark(_pupil.SchoolId, _pupil.Id, Input.From!.Value, Input.To!.Value, Input.Sessions, null, Input.Code, expectedInSchool: false, "Leave of absence", Input.Note));
        await Db.SaveChangesAsync();
        return RedirectToPage(new { id = Id });
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid leaveId)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        var leave = await Db.ExpectedMarks.SingleOrDefaultAsync(e => e.Id == leaveId && e.PupilId == Id);
        if (leave is null)
        {
            return NotFound();
        }

        leave.Withdraw(Time.GetUtcNow());
        await Db.SaveChangesAsync();
        return RedirectToPage(new { id = Id });
    }

    private async Task<bool> LoadAsync()
    {
        var pupil = await PupilIfAllowedAsync(Id, Permission.RecordLeave);
        if (pupil is null)
        {
            return false;
        }

        _pupil = pupil;
        Name = pupil.DisplayName;
        Leave = await Db.ExpectedMarks.AsNoTracking().Where(e => e.PupilId == Id && e.WithdrawnAt == null && e.Source == "Leave of absence").OrderBy(e => e.From).ToListAsync();
        return true;
    }
}
