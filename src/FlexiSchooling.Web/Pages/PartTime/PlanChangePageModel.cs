using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Pages.Cases;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.PartTime;

/// <summary>
/// A change to a running part-time timetable agreed at a held review (issue 11: "a review moves the plan to its next
/// phase or extends or ends it"): the step up and the extension share loading the running plan, the rules it was
/// approved under and the latest review held, and saving against the plan's version so that two people changing it
/// never overwrite each other.
/// </summary>
public abstract class PlanChangePageModel : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.PartTimeTimetable;

    public PartTimePlan Plan { get; private set; } = null!;

    public Domain.Policy.PolicyProfileSettings Profile { get; private set; } = null!;

    /// <summary>The latest review held, at which the change is agreed; null when none has been held yet.</summary>
    public ArrangementReview? LastReview { get; private set; }

    /// <summary>The version of the plan the form was read at (the input's own).</summary>
    protected abstract uint PostedVersion { get; }

    /// <summary>Puts the plan's current version into the form after a stale save, keeping what was typed.</summary>
    protected abstract void KeepVersion(uint version);

    /// <summary>Loads a running case of the kind with its plan, for staff who manage cases (and, where <paramref name="mayChange"/> says, only them).</summary>
    protected async Task<bool> LoadRunningPlanAsync(Guid id, bool tracked, Func<Domain.Policy.PolicyProfileSettings, bool>? mayChange = null)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements, tracked) || Case.Stage != ArrangementStage.Running)
        {
            return false;
        }

        Profile = (await DecidedUnderAsync()).Settings;
        if (mayChange is not null && !mayChange(Profile))
        {
            return false;
        }

        Plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
        LastReview = await Db.ArrangementReviews.AsNoTracking().Where(r => r.ArrangementId == id && r.HeldOn != null).OrderByDescending(r => r.HeldOn).FirstOrDefaultAsync();
        return true;
    }

    /// <summary>
    /// The plan to change, tracked against the version the form was read at, with the pupil's sessions out of school in
    /// the register; null (with the message) when no review has been held to agree the change.
    /// </summary>
    protected async Task<(PartTimePlan Plan, List<ExpectedMark> Sessions)?> PlanToChangeAsync(string what)
    {
        if (LastReview is null)
        {
            ModelState.AddModelError("", $"{what} is agreed at a review: hold the review first.");
            return null;
        }

        var plan = await Db.PartTimePlans.SingleAsync(p => p.ArrangementId == Case.Id);
        Db.Entry(plan).Property(p => p.Version).OriginalValue = PostedVersion;
        var sessions = await Db.ExpectedMarks.Where(m => m.PupilId == Case.PupilId && m.Source == PartTimeRules.SessionsSource && m.WithdrawnAt == null).ToListAsync();
        return (plan, sessions);
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        Plan = await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == Case.Id);
        ModelState.Remove("Input.Version");
        KeepVersion(Plan.Version);
    }
}
