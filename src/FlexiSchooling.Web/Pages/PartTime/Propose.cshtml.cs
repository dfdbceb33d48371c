using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.PartTime;

public sealed record PhaseInput
{
    /// <summary>The day the phase starts; the first phase starts on the plan's start date.</summary>
    public DateOnly? From { get; init; }

    public decimal? HoursInSchool { get; init; }

    /// <summary>The sessions in school, as "Monday:AM".</summary>
    public List<string> InSchool { get; init; } = [];

    public bool IsEmpty => From is null && HoursInSchool is null && InSchool.Count == 0;
}

public sealed record ProposeInput
{
    public uint Version { get; init; }

    public Guid? PupilId { get; init; }

    public DateOnly? ProposedOn { get; init; }

    /// <summary>Agreed on paper before the school used the product: brought in with its original dates (issue 11).</summary>
    public bool EnteredAfterwards { get; init; }

    public string? Summary { get; init; }

    public List<string> Reasons { get; init; } = [];

    public string SupportPlan { get; init; } = "";

    public string Reintegration { get; init; } = "";

    public string WelfareResponsibility { get; init; } = "";

    public DateOnly? StartDate { get; init; }

    public DateOnly? EndDate { get; init; }

    public List<PhaseInput> Phases { get; init; } = [];
}

public sealed class ProposeInputValidator : AbstractValidator<ProposeInput>
{
    public ProposeInputValidator()
    {
        RuleFor(x => x.PupilId).NotEmpty().WithMessage("Choose the pupil");
        RuleFor(x => x.ProposedOn).NotEmpty().WithMessage("Enter the date of the proposal");
        RuleFor(x => x.Summary).MaximumLength(2000).WithMessage("Summary must be 2,000 characters or fewer");
        RuleFor(x => x.SupportPlan).NotEmpty().WithMessage("Describe the wider support plan this timetable is part of").MaximumLength(4000).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.Reintegration).NotEmpty().WithMessage("Describe how the pupil returns to full time").MaximumLength(4000).WithMessage("This must be 4,000 characters or fewer");
        RuleFor(x => x.WelfareResponsibility).NotEmpty().WithMessage("Say who is responsible for the pupil's welfare during the sessions out of school").MaximumLength(1000).WithMessage("This must be 1,000 characters or fewer");
        RuleFor(x => x.StartDate).NotEmpty().WithMessage("Enter the start date");
        RuleFor(x => x.EndDate).NotEmpty().WithMessage("Enter the end date: a part-time timetable always has one");
        RuleForEach(x => x.Phases).ChildRules(phase =>
        {
            phase.RuleFor(p => p.HoursInSchool).NotEmpty().When(p => !p.IsEmpty).WithMessage("Enter the hours in school each week in this phase")
                .InclusiveBetween(0.5m, 40m).When(p => p.HoursInSchool is not null).WithMessage("Enter the hours in school each week, from 0.5 to 40");
        });
        RuleFor(x => x.Phases).Must(p => p.Count > 0 && !p[0].IsEmpty).WithMessage("Fill in the first phase: the sessions in school from the start");
    }
}

/// <summary>
/// Proposes a part-time (reduced) timetable, or redrafts one not yet approved: the school initiates it (002 §4; 004 §9.5
/// "the proposal … may come from any member of staff"), for reasons from the list, never to manage behaviour, as part of
/// a wider support plan, with dated phases back to full time and an end date within the profile's maximum (003: twelve
/// weeks). Each phase shows its hours as a share of full time for the pupil's key stage.
/// </summary>
public sealed class ProposeModel : CasePageModel
{
    /// <summary>How many phases the form offers; a plan needs at least one.</summary>
    public const int PhaseSlots = 4;

    protected override ArrangementKind? OnlyKind => ArrangementKind.PartTimeTimetable;

    [BindProperty]
    public ProposeInput Input { get; set; } = new();

    public IReadOnlyList<KeyValuePair<string, string>> PupilOptions { get; private set; } = [];

    public string School { get; private set; } = "";

    /// <summary>The case being redrafted, or null for a new proposal.</summary>
    public Guid? CaseId { get; private set; }

    public Domain.Policy.PolicyProfileSettings Profile { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid? id, Guid? pupilId, bool existing = false)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        if (id is null)
        {
            Input = Input with { PupilId = pupilId, ProposedOn = Today, EnteredAfterwards = existing, Phases = [.. Enumerable.Range(0, PhaseSlots).Select(_ => new PhaseInput())] };
            return Page();
        }

        var plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        Input = new ProposeInput
        {
            Version = plan.Version,
            PupilId = Case.PupilId,
            ProposedOn = Case.RequestedOn,
            Summary = Case.RequestSummary,
            Reasons = [.. plan.Reasons],
            SupportPlan = plan.SupportPlan,
            Reintegration = plan.Reintegration,
            WelfareResponsibility = plan.WelfareResponsibility,
            StartDate = plan.StartDate,
            EndDate = plan.EndDate,
            Phases = [.. plan.Phases.Select(p => new PhaseInput { From = p.From, HoursInSchool = p.HoursInSchool, InSchool = SessionPatternField.Values(p.Pattern) })
                .Concat(Enumerable.Range(0, Math.Max(0, PhaseSlots - plan.Phases.Count)).Select(_ => new PhaseInput()))],
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id)
    {
        if (!await LoadAsync(id, tracked: true))
        {
            return NotFound();
        }

        while (Input.Phases.Count < PhaseSlots)
        {
            Input.Phases.Add(new PhaseInput());
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var pupil = await Db.Pupils.AsNoTracking().SingleOrDefaultAsync(p => p.Id == Input.PupilId && p.SchoolId == (id == null ? CurrentUser.ActiveSchool!.Id : Case.SchoolId));
        if (pupil is null || (id is not null && pupil.Id != Case.PupilId))
        {
            ModelState.AddModelError("Input.PupilId", "Choose a pupil of this school");
            return Page();
        }

        // The first phase runs from the start date; later phases from their own dates. Empty slots are not phases.
        var phases = Input.Phases.Select((p, i) => (p, i)).Where(x => !x.p.IsEmpty)
            .Select(x => new PartTimePhase(x.i == 0 ? Input.StartDate!.Value : x.p.From ?? DateOnly.MinValue, SessionPatternField.Parse(x.p.InSchool).Bits, x.p.HoursInSchool ?? 0))
            .ToList();
        if (Input.Phases.Select((p, i) => (p, i)).FirstOrDefault(x => x.i > 0 && !x.p.IsEmpty && x.p.From is null) is { p: not null } missing)
        {
            ModelState.AddModelError($"Input.Phases[{missing.i}].From", "Enter the date this phase starts");
            return Page();
        }

        var proposal = new PartTimeProposal(Input.Reasons, Input.SupportPlan, Input.Reintegration, Input.WelfareResponsibility, Input.StartDate!.Value, Input.EndDate!.Value, phases);
        var profile = (await SchoolRules.ProfileAsync(Db, pupil.SchoolId, Input.StartDate!.Value)).Settings;
        PartTimeRules.CheckPlan(proposal, pupil.YearGroup, profile.PartTime, profile.FullTimeHours); // a refusal is shown at its field
        var now = Time.GetUtcNow();
        if (id is null)
        {
            if (await Db.Arrangements.AnyAsync(a => a.PupilId == pupil.Id && a.Kind == ArrangementKind.PartTimeTimetable && (a.Stage == ArrangementStage.Proposed || a.Stage == ArrangementStage.Agreed || a.Stage == ArrangementStage.Running)))
            {
                ModelState.AddModelError("Input.PupilId", "This pupil already has a part-time timetable proposed or running: continue that one.");
                return Page();
            }

            var (arrangement, proposed) = Arrangement.Propose(ArrangementKind.PartTimeTimetable, pupil.SchoolId, pupil.Id, Input.ProposedOn!.Value, CurrentUser.DisplayName,
                string.Join(", ", CurrentUser.RolesAt(pupil.SchoolId).Select(RolePermissions.Label)), Input.Summary, CurrentUser.UserId, now);
            Db.Arrangements.Add(arrangement);
            Db.ArrangementEvents.Add(proposed);
            if (Input.EnteredAfterwards)
            {
                Db.ArrangementEvents.Add(arrangement.EnterAfterwards(CurrentUser.UserId, now));
            }

            Db.PartTimePlans.Add(PartTimePlan.Draft(arrangement, proposal));
            await Db.SaveChangesAsync(); // the case, its plan and its first history line together, or nothing
            return Redirect($"/Cases/{arrangement.Id}");
        }

        var plan = await Db.PartTimePlans.SingleAsync(p => p.ArrangementId == id);
        Db.Entry(plan).Property(p => p.Version).OriginalValue = Input.Version; // two people redrafting never overwrite each other
        Db.ArrangementEvents.Add(plan.Redraft(Case, proposal, CurrentUser.UserId, now));
        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }

    private async Task<bool> LoadAsync(Guid? id, bool tracked)
    {
        if (id is { } caseId)
        {
            if (!await LoadCaseAsync(caseId, Permission.ManageArrangements, tracked) || Case.Stage != ArrangementStage.Proposed)
            {
                return false;
            }

            CaseId = caseId;
            School = SchoolName;
            PupilOptions = [new(Case.PupilId.ToString(), $"{PupilName} ({Domain.Pupils.YearGroups.Label(Pupil.YearGroup)})")];
            Profile = (await SchoolRules.ProfileAsync(Db, Case.SchoolId, Today)).Settings;
            return true;
        }

        if (CurrentUser.ActiveSchool is not { } school || !await CanAsync(school.Id, Permission.ManageArrangements))
        {
            return false;
        }

        School = school.Name;
        Profile = (await SchoolRules.ProfileAsync(Db, school.Id, Today)).Settings;
        PupilOptions = await PupilOptionsAsync(school.Id);
        return true;
    }
}
