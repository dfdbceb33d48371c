using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Pages.Cases;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

/// <summary>
/// The headteacher's agreement to a referred placement (002 appendix 1a, "head's agreement"). Agreeing checks the
/// provider again on the day under the school's profile — still open for placements, and the registration rule kept
/// with the trust's pupils placed there now (004 §7.2) — and keeps the profile version in force; not agreeing needs a
/// reason. Either way the case's history says so.
/// </summary>
public sealed class AgreeModel(Documents.DocumentRenderer documents) : PlacementPageModel
{
    [BindProperty]
    public YesNoDecisionInput Input { get; set; } = new();

    /// <summary>The shared decision form, in this kind's words.</summary>
    public DecisionWording Decision => new(Input, "Do you agree the placement?", "Yes, agree it", "No: the pupil stays in school", "Needed if you do not agree it; the case keeps it");

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

        PlacementRules.CheckDecision(Input.Outcome!.Value, Input.Reason); // a refusal is shown at its field
        if (Input.Outcome == DecisionOutcome.Agreed)
        {
            try
            {
                await PlacementSupport.CheckProviderAsync(Db, Provider, Case.SchoolId, Pupil, Placement.FullTime, Placement.StartDate, Today, exceptCase: Case.Id);
            }
            catch (DomainRuleException refused)
            {
                ModelState.AddModelError("Input.Outcome", refused.Message);
                return Page();
            }
        }

        Db.Entry(Case).Property(c => c.Version).OriginalValue = Input.Version; // two heads deciding never overwrite each other
        var profile = await SchoolRules.ProfileAsync(Db, Case.SchoolId, Input.DecidedOn!.Value);
        var now = Time.GetUtcNow();
        Db.ArrangementEvents.Add(Case.Decide(Input.Outcome!.Value, [], Input.Reason, Input.DecidedOn!.Value, profile.Id, CurrentUser.UserId, now));
        // The referral form of appendix 1a, completed with the decision, is kept with the case; if it cannot be produced nothing is saved.
        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        if (!await KeepDocumentAsync(documents, PlacementDocuments.Referral(school, CurrentUser.TrustName, Case, Pupil, Placement, Provider, CurrentUser.DisplayName),
                "The referral form could not be produced, so the decision has not been saved. Try again in a moment.", now))
        {
            return Page();
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = Input.Outcome == DecisionOutcome.Agreed
            ? "Placement agreed. Next: the parents' agreement, the risk assessment, the commissioning agreement and the local authority told."
            : "The placement is not agreed; the case keeps the reason.";
        return Redirect($"/Cases/{id}");
    }

    private Task<bool> LoadAsync(Guid id, bool tracked) =>
        LoadPlacementAsync(id, Permission.DecideArrangements, c => c.Stage == ArrangementStage.Proposed, tracked);
}
