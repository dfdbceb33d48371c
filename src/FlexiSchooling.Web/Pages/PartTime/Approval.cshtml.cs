using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.PartTime;

/// <summary>
/// The profile's approver decides a proposed part-time timetable (002 §4.4 and 003: the headteacher; 004 §9.5: the
/// alternative provision leader — the head alone is refused there). Approving keeps the profile version in force, checks
/// the plan again under it, and produces the plan and parental agreement (003 appendix 1) as a PDF for signing — all
/// saved together or not at all.
/// </summary>
public sealed class ApprovalModel(DocumentRenderer documents) : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.PartTimeTimetable;

    [BindProperty]
    public YesNoDecisionInput Input { get; set; } = new();

    /// <summary>The shared decision form, in this kind's words.</summary>
    public DecisionWording Decision => new(Input, "Do you approve the timetable?", "Yes, approve it", "No: the pupil stays full time", "Needed if you do not approve it; the case keeps it");

    public PartTimePlan Plan { get; private set; } = null!;

    public string Approver { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        Input = new YesNoDecisionInput { Version = Case.Version, DecidedOn = Today };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true))
        {
            return NotFound();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var decidedOn = Input.DecidedOn!.Value;
        var profile = await SchoolRules.ProfileAsync(Db, Case.SchoolId, decidedOn);
        PartTimeRules.CheckApproval(Case, PartTimeRules.MayApprove(CurrentUser.RolesAt(Case.SchoolId), profile.Settings.PartTime), profile.Settings.PartTime, Input.Outcome!.Value, Input.Reason, decidedOn, Today);
        if (Input.Outcome == DecisionOutcome.Agreed)
        {
            // The plan is approved under the rules in force at the decision, which the case then keeps.
            PartTimeRules.CheckPlan(Plan.AsProposal(),
                Pupil.YearGroup, profile.Settings.PartTime, profile.Settings.FullTimeHours);
        }

        var now = Time.GetUtcNow();
        Db.Entry(Case).Property(a => a.Version).OriginalValue = Input.Version;
        Db.ArrangementEvents.Add(Case.Decide(Input.Outcome!.Value, [], Input.Reason, decidedOn, profile.Id, CurrentUser.UserId, now));
        if (Input.Outcome == DecisionOutcome.Agreed)
        {
            var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
            var document = PartTimeDocuments.Plan(school, CurrentUser.TrustName, Case, Pupil, Plan, profile.Settings, CurrentUser.DisplayName);
            if (!await KeepDocumentAsync(documents, document, "The plan could not be produced, so nothing has been saved. Try again in a moment.", now))
            {
                return Page();
            }
        }

        await Db.SaveChangesAsync(); // the decision, its history and the plan for signing together
        TempData["Saved"] = Input.Outcome == Domain.Arrangements.DecisionOutcome.Agreed
            ? "The timetable is approved: the plan and parental agreement are kept for signing; next, the parent's consent, the risk assessment and the local authority."
            : "The timetable is not approved; the case keeps the reason and the pupil stays full time.";
        return Redirect($"/Cases/{id}");
    }

    public override async Task OnConcurrencyConflictAsync() => Input = Input with { Version = await CurrentCaseVersionAsync() };

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.ViewArrangements, tracked) || Case.Stage != ArrangementStage.Proposed)
        {
            return false;
        }

        var part = (await SchoolRules.ProfileAsync(Db, Case.SchoolId, Today)).Settings.PartTime;
        if (!PartTimeRules.MayApprove(CurrentUser.RolesAt(Case.SchoolId), part))
        {
            return false; // only the profile's approver sees the page (004 §9.5); anyone else gets the same answer as a missing case
        }

        Approver = PartTimeRules.ApproverLabel(part);
        Plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        return true;
    }
}
