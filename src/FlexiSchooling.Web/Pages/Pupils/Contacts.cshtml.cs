using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Pupils;

public sealed record ContactInput
{
    public ContactMethod? Method { get; init; }

    public bool ReachedSomeone { get; init; }

    public int? WaveStage { get; init; }

    public string? Outcome { get; init; }
}

public sealed class ContactInputValidator : AbstractValidator<ContactInput>
{
    public ContactInputValidator()
    {
        RuleFor(x => x.Method).NotNull().WithMessage("Choose the kind of contact");
        RuleFor(x => x.Outcome).NotEmpty().WithMessage("Enter the outcome of the contact").MaximumLength(500).WithMessage("The outcome must be 500 characters or fewer");
        RuleFor(x => x.WaveStage).InclusiveBetween(1, 10).When(x => x.WaveStage is not null).WithMessage("Choose one of the school's waves");
    }
}

/// <summary>The contact log for a pupil's absence: each entry closes the follow-up items it answers.</summary>
public sealed class ContactsModel : AppPageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public ContactInput Input { get; set; } = new();

    public string Name { get; private set; } = "";

    public IReadOnlyList<AbsenceContact> Contacts { get; private set; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> MethodOptions { get; } =
        [new("", "Choose"), .. Enum.GetValues<ContactMethod>().Select(m => new KeyValuePair<string, string>(m.ToString(), Describe(m)))];

    public IReadOnlyList<KeyValuePair<string, string>> WaveOptions { get; private set; } = [];

    private Domain.Pupils.Pupil _pupil = null!;

    /// <summary>Whom to contact: the pupil's parents and carers with their numbers, those with parental responsibility first (issue 13).</summary>
    public IReadOnlyList<Domain.Pupils.PupilContact> Parents { get; private set; } = [];

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

        Db.AbsenceContacts.Add(new AbsenceContact(_pupil.SchoolId, _pupil.Id, Time.GetUtcNow(), Today, Input.Method!.Value, Input.ReachedSomeone, Input.WaveStage, Input.Outcome, CurrentUser.UserId));
        await Db.SaveChangesAsync();
        return RedirectToPage(new { id = Id });
    }

    public static string Describe(ContactMethod method) => method switch
    {
        ContactMethod.Call => "Phone call",
        ContactMethod.Text => "Text message",
        ContactMethod.Email => "Email",
        ContactMethod.HomeVisit => "Home visit",
        ContactMethod.SocialWorkerInformed => "Social worker informed",
        ContactMethod.Letter => "Letter",
        ContactMethod.Meeting => "Meeting",
        ContactMethod.MissingEducationReferral => "Child missing education referral",
    };

    private async Task<bool> LoadAsync()
    {
        var pupil = await PupilIfAllowedAsync(Id, Permission.FollowUpAbsence);
        if (pupil is null)
        {
            return false;
        }

        _pupil = pupil;
        Name = pupil.DisplayName;
        var year = AcademicYear.Containing(Today);
        Parents = await Db.PupilContacts.AsNoTracking().Where(c => c.PupilId == Id).OrderByDescending(c => c.HasParentalResponsibility).ThenBy(c => c.Name).ToListAsync();
        Contacts = await Db.AbsenceContacts.AsNoTracking().Where(c => c.PupilId == Id && c.OnDate >= year.Start).OrderByDescending(c => c.At).ToListAsync();
        var waves = (await SchoolRules.ProfileAsync(Db, pupil.SchoolId, Today)).Settings.Attendance.Waves;
        WaveOptions = [new("", "None"), .. waves.Select(w => new KeyValuePair<string, string>(w.Stage.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Wave {w.Stage}: {w.Action}"))];
        return true;
    }
}
