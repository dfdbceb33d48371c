using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Schools;

public sealed record TermInput
{
    public string Name { get; init; } = "";

    public DateOnly? StartDate { get; init; }

    public DateOnly? EndDate { get; init; }

    public DateOnly? HalfTermStart { get; init; }

    public DateOnly? HalfTermEnd { get; init; }
}

public sealed class TermInputValidator : AbstractValidator<TermInput>
{
    public TermInputValidator()
    {
        RuleFor(x => x.Name).NotEmpty().WithMessage("Enter the term's name").MaximumLength(100).WithMessage("Name must be 100 characters or fewer");
        RuleFor(x => x.StartDate).NotNull().WithMessage("Enter the first day of the term");
        RuleFor(x => x.EndDate).NotNull().WithMessage("Enter the last day of the term");
    }
}

public sealed record ClosureInput
{
    public DateOnly? Date { get; init; }

    public ClosureKind Kind { get; init; }

    public string Description { get; init; } = "";
}

public sealed class ClosureInputValidator : AbstractValidator<ClosureInput>
{
    public ClosureInputValidator()
    {
        RuleFor(x => x.Date).NotNull().WithMessage("Enter the date");
        RuleFor(x => x.Kind).IsInEnum().WithMessage("Choose the kind of day");
        RuleFor(x => x.Description).NotEmpty().WithMessage("Enter a description, for example INSET day").MaximumLength(200).WithMessage("Description must be 200 characters or fewer");
    }
}

/// <summary>A school's academic calendar: terms with half-terms, INSET and closure days, and the bank-holiday import.</summary>
public sealed class CalendarModel : AppPageModel
{
    public const long MaxImportBytes = 256 * 1024;

    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public TermInput Term { get; set; } = new();

    [BindProperty]
    public ClosureInput Closure { get; set; } = new();

    [BindProperty]
    public IFormFile? BankHolidayFile { get; set; }

    public string SchoolName { get; private set; } = "";

    public IReadOnlyList<Term> Terms { get; private set; } = [];

    public IReadOnlyList<ClosureDay> Closures { get; private set; } = [];

    public int BankHolidayCount { get; private set; }

    public DateOnly? LastBankHoliday { get; private set; }

    /// <summary>The last day whose bank holidays the product knows (<see cref="BankHolidayFeed.KnownUntil"/>).</summary>
    public DateOnly? BankHolidaysKnownUntil { get; private set; }

    /// <summary>The last day of the school's terms when they run past the known bank holidays (<see cref="BankHolidayFeed.TermsBeyondKnown"/>).</summary>
    public DateOnly? TermsBeyondKnownBankHolidays { get; private set; }

    public int SchoolDaysThisYear { get; private set; }

    public AcademicYear ThisYear { get; private set; }

    public string? OpenForm { get; private set; }

    public int? Imported { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> KindOptions { get; } =
        [new(nameof(ClosureKind.Inset), "INSET (training) day"), new(nameof(ClosureKind.PlannedClosure), "Planned closure")];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddTermAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        OpenForm = "term";
        ModelState.Clear();
        if (!await ValidateAsync(Term, nameof(Term)))
        {
            return Page();
        }

        if (Terms.Any(t => t.StartDate <= Term.EndDate && Term.StartDate <= t.EndDate))
        {
            ModelState.AddModelError("Term.StartDate", "This term overlaps another term");
            return Page();
        }

        try
        {
            Db.Terms.Add(new Term(Id, Term.Name, Term.StartDate!.Value, Term.EndDate!.Value, Term.HalfTermStart, Term.HalfTermEnd));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError("Term." + (e.Field ?? nameof(TermInput.StartDate)), e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return RedirectToPage(new { id = Id });
    }

    public async Task<IActionResult> OnPostAddClosureAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        OpenForm = "closure";
        ModelState.Clear();
        if (!await ValidateAsync(Closure, nameof(Closure)))
        {
            return Page();
        }

        if (Closures.Any(c => c.Date == Closure.Date))
        {
            ModelState.AddModelError("Closure.Date", "This date is already an INSET or closure day");
            return Page();
        }

        Db.ClosureDays.Add(new ClosureDay(Id, Closure.Date!.Value, Closure.Kind, Closure.Description));
        await Db.SaveChangesAsync();
        return RedirectToPage(new { id = Id });
    }

    public async Task<IActionResult> OnPostRemoveClosureAsync(Guid closureId)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        var closure = await Db.ClosureDays.SingleOrDefaultAsync(c => c.Id == closureId && c.SchoolId == Id);
        if (closure is null)
        {
            return NotFound();
        }

        Db.ClosureDays.Remove(closure);
        await Db.SaveChangesAsync();
        return RedirectToPage(new { id = Id });
    }

    public async Task<IActionResult> OnPostImportBankHolidaysAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        OpenForm = "import";
        ModelState.Clear();
        if (BankHolidayFile is null || BankHolidayFile.Length == 0)
        {
            ModelState.AddModelError(nameof(BankHolidayFile), "Select the bank-holidays.json file");
            return Page();
        }

        if (BankHolidayFile.Length > MaxImportBytes)
        {
            ModelState.AddModelError(nameof(BankHolidayFile), "The file must be smaller than 256 KB");
            return Page();
        }

        IReadOnlyList<BankHoliday> parsed;
        try
        {
            await using var stream = BankHolidayFile.OpenReadStream();
            parsed = BankHolidayFeed.Parse(stream);
        }
        catch (FormatException e)
        {
            ModelState.AddModelError(nameof(BankHolidayFile), e.Message);
            return Page();
        }

        var fresh = BankHolidayFeed.Missing(parsed, await Db.BankHolidays.Select(b => b.Date).ToListAsync());
        Db.BankHolidays.AddRange(fresh);
        await Db.SaveChangesAsync();
        Imported = fresh.Count;
        await LoadAsync();
        return Page();
    }

    private async Task<bool> LoadAsync()
    {
        var school = await Db.Schools.AsNoTracking().SingleOrDefaultAsync(s => s.Id == Id);
        if (school is null)
        {
            return false;
        }

        SchoolName = school.Name;
        Terms = await Db.Terms.AsNoTracking().Where(t => t.SchoolId == Id).OrderBy(t => t.StartDate).ToListAsync();
        Closures = await Db.ClosureDays.AsNoTracking().Where(c => c.SchoolId == Id).OrderBy(c => c.Date).ToListAsync();
        var holidays = await Db.BankHolidays.AsNoTracking().Select(b => b.Date).ToListAsync();
        BankHolidayCount = holidays.Count;
        LastBankHoliday = holidays.Count == 0 ? null : holidays.Max();
        BankHolidaysKnownUntil = BankHolidayFeed.KnownUntil(holidays);
        TermsBeyondKnownBankHolidays = BankHolidayFeed.TermsBeyondKnown(Terms, holidays);
        ThisYear = AcademicYear.Containing(Today);
        var calendar = new SchoolCalendar(Terms, Closures.Select(c => c.Date), holidays);
        SchoolDaysThisYear = calendar.SchoolDaysBetween(ThisYear.Start, ThisYear.End).Count();
        return true;
    }
}
