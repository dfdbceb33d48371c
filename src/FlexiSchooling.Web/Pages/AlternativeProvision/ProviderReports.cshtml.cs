using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

public sealed record ProviderReportInput
{
    public DateOnly? Date { get; init; }

    public ProviderReportOutcome? Outcome { get; init; }

    public string? Detail { get; init; }

    public ProviderReportChannel? Channel { get; init; }

    public TimeOnly? ReceivedAt { get; init; }
}

public sealed class ProviderReportInputValidator : AbstractValidator<ProviderReportInput>
{
    public ProviderReportInputValidator()
    {
        RuleFor(x => x.Date).NotNull().WithMessage("Enter the day the report is about");
        RuleFor(x => x.Outcome).NotNull().WithMessage("Choose what the provider reported");
        RuleFor(x => x.Detail).MaximumLength(ProviderReport.MaxDetailLength).WithMessage("This must be 2,000 characters or fewer");
        RuleFor(x => x.Channel).NotNull().WithMessage("Choose how the report came in");
        RuleFor(x => x.ReceivedAt).NotNull().WithMessage("Enter the time the report came in, for example 09:40");
    }
}

/// <summary>A provider's report, with the name of whoever took it.</summary>
public sealed record ProviderReportRow(ProviderReport Report, string? TakenBy);

/// <summary>
/// A running placement's daily reports from the provider (002 §4.4: attendance updates by 10:00 daily): today's standing
/// (not due, awaited, missing after the profile's time, or received), the reports as received, latest first, and
/// recording one — by the attendance officer who takes the call, or whoever manages the case. The school still codes the
/// sessions in its register; an absence reported says so.
/// </summary>
public sealed class ProviderReportsModel : PlacementPageModel
{
    [BindProperty]
    public ProviderReportInput Input { get; set; } = new();

    public IReadOnlyList<ProviderReportRow> Reports { get; private set; } = [];

    public ProviderReportStatus StatusToday { get; private set; }

    /// <summary>The placement's rules, as the profile it was decided under sets them (the report's time among them).</summary>
    public AlternativeProvisionSettings Settings { get; private set; } = null!;

    public TimeOnly ReportBy => Settings.ProviderAbsenceReportBy;

    public bool CanRecord { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, Permission.ViewArrangements))
        {
            return NotFound();
        }

        Input = new ProviderReportInput { Date = Today, ReceivedAt = Now };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, Permission.ViewArrangements) || !CanRecord)
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var now = Time.GetUtcNow();
        var report = ProviderReport.Record(Case, Placement, _calendar, Input.Date!.Value, Input.Outcome!.Value, Input.Detail, Input.Channel!.Value, Input.ReceivedAt!.Value,
            Today, Now, CurrentUser.UserId, now); // a rule refused is shown at its field
        Db.ProviderReports.Add(report);
        Db.ArrangementEvents.Add(Case.Event("Provider's report recorded", $"{Provider.Name} reported {Describe(report.Outcome).ToLowerInvariant()} on {report.Date:d MMMM yyyy} ({report.Channel.ToString().ToLowerInvariant()}, {report.ReceivedAt:HH:mm}).", CurrentUser.UserId, now));
        await Db.SaveChangesAsync();
        TempData["Saved"] = report.Outcome == ProviderReportOutcome.Attended
            ? "Report recorded."
            : "Report recorded. Code the pupil's sessions at the provider in the register: B while they are there, the reason's code for an absence (N until it is known).";
        return Redirect($"/Cases/{id}/ProviderReports");
    }

    public static string Describe(ProviderReportOutcome outcome) => outcome switch
    {
        ProviderReportOutcome.Attended => "Attended",
        ProviderReportOutcome.ArrivedLate => "Arrived late",
        _ => "Absent",
    };

    private TimeOnly Now => TimeOnly.FromDateTime(LondonClock.Now(Time));

    private Domain.Calendar.SchoolCalendar _calendar = null!;

    private async Task<bool> LoadAsync(Guid id, Permission permission)
    {
        if (!await LoadPlacementAsync(id, permission, c => c.StartedOn is not null))
        {
            return false;
        }

        Reports = await (from r in Db.ProviderReports.AsNoTracking()
                         where r.ArrangementId == id
                         join u in Db.Users.AsNoTracking() on r.RecordedBy equals u.Id into users
                         from u in users.DefaultIfEmpty()
                         orderby r.Date descending, r.ReceivedAt descending
                         select new ProviderReportRow(r, u == null ? null : u.DisplayName)).ToListAsync();
        Settings = (await DecidedUnderAsync()).Settings.AlternativeProvision;
        _calendar = await SchoolRules.CalendarAsync(Db, Case.SchoolId);
        StatusToday = ProviderReport.StatusToday(Case.Stage, Case.StartedOn, Placement, _calendar, Settings, Today, Now, Reports.Any(r => r.Report.Date == Today));
        CanRecord = Case.Stage == ArrangementStage.Running
                    && (CurrentUser.Can(Permission.FollowUpAbsence, Case.SchoolId) || CurrentUser.Can(Permission.ManageArrangements, Case.SchoolId));
        return true;
    }
}
