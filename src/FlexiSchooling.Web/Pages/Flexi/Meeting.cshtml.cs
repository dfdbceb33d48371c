using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

using FlexiSchooling.Web.Pages.Cases;

namespace FlexiSchooling.Web.Pages.Flexi;

public sealed record MeetingInput
{
    public uint Version { get; init; }

    public DateOnly? MeetingOn { get; init; }

    public string Attendees { get; init; } = "";

    public string Notes { get; init; } = "";
}

public sealed class MeetingInputValidator : AbstractValidator<MeetingInput>
{
    public MeetingInputValidator()
    {
        RuleFor(x => x.MeetingOn).NotEmpty().WithMessage("Enter the date of the meeting");
        RuleFor(x => x.Attendees).NotEmpty().WithMessage("Enter who attended").MaximumLength(500).WithMessage("Attendees must be 500 characters or fewer");
        RuleFor(x => x.Notes).NotEmpty().WithMessage("Enter notes of what was discussed").MaximumLength(4000).WithMessage("Notes must be 4,000 characters or fewer");
    }
}

/// <summary>The meeting with the parent (000 §4, 004 §10.4); where the profile sets one, it starts the decision deadline (001).</summary>
public sealed class MeetingModel : FlexiCasePageModel
{
    [BindProperty]
    public MeetingInput Input { get; set; } = new();

    public DateOnly? DueIfToday { get; private set; }

    public int? DeadlineDays { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements))
        {
            return NotFound();
        }

        Input = new MeetingInput { Version = Case.Version, MeetingOn = Case.MeetingOn ?? Today, Attendees = Case.MeetingAttendees ?? "", Notes = Case.MeetingNotes ?? "" };
        var settings = (await SchoolRules.ProfileAsync(Db, Case.SchoolId, Today)).Settings.Flexi;
        DeadlineDays = settings.DecisionDeadlineWorkingDays;
        DueIfToday = FlexiRules.DecisionDueBy(await SchoolRules.CalendarAsync(Db, Case.SchoolId), Today, settings);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements, tracked: true))
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var meetingOn = Input.MeetingOn!.Value;
        var settings = (await SchoolRules.ProfileAsync(Db, Case.SchoolId, meetingOn)).Settings.Flexi;
        var due = FlexiRules.DecisionDueBy(await SchoolRules.CalendarAsync(Db, Case.SchoolId), meetingOn, settings);
        Db.Entry(Case).Property(a => a.Version).OriginalValue = Input.Version;
        Db.ArrangementEvents.Add(Case.RecordMeeting(meetingOn, Input.Attendees, Input.Notes, due, Today, CurrentUser.UserId, Time.GetUtcNow()));
        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }
}
