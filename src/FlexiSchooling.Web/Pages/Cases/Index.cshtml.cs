using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>An action waiting on the user: for a case (its pupil), or for a school (a half-termly return: <see cref="CaseId"/> is null).</summary>
/// <param name="WaitingOnOthers">Shown to the user to know of, not to do: someone else acts (a school, the trust lead, the approver).</param>
/// <param name="School">The school it is at, for those who see more than one.</param>
public sealed record ActionRow(Guid? CaseId, string Pupil, string Action, string Link, DateOnly? Due, bool Overdue, bool WaitingOnOthers = false, string? School = null);

/// <summary>A case as the lists and the actions read it; <paramref name="PlanEndsOn"/>, a part-time timetable's end date.</summary>
public sealed record CaseFacts(Guid Id, ArrangementKind Kind, Guid SchoolId, string Pupil, DateOnly RequestedOn, ArrangementStage Stage, DateOnly? DecisionDueBy, DateOnly? DecidedOn,
    DateOnly? StartedOn, DateOnly? EndsOn, Guid? ProfileVersionId, Domain.Pupils.PupilFlags Flags, DateOnly? PlanEndsOn);

public sealed record CaseRow(Guid Id, ArrangementKind Kind, string Pupil, string School, DateOnly RequestedOn, ArrangementStage Stage, DateOnly? DecisionDueBy, DateOnly? DecidedOn, DateOnly? StartedOn, DateOnly? EndsOn, string NextAction, bool Overdue);

/// <summary>
/// Cases of every kind at the schools the user may see, each with what it waits for, and "Your actions" across them:
/// the headteacher's decisions and approvals due and overdue come first (issue 4, "Worklist"; issue 11, "Lists,
/// worklists and 'Your actions' cover every kind"). <c>?kind=</c> narrows the list to one kind.
/// </summary>
public sealed class IndexModel : AppPageModel
{
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public ArrangementKind? Kind { get; set; }

    public IReadOnlyList<CaseRow> Cases { get; private set; } = [];

    /// <summary>Whether the user may open a case at the active school: record a flexi request or propose a part-time timetable.</summary>
    public bool CanRecord { get; private set; }

    public bool ManySchools { get; private set; }

    /// <summary>Whether any school the user manages sends half-termly returns (the returns page is then offered).</summary>
    public bool HasReturns { get; private set; }

    /// <summary>What waits for this user, across the cases they may see: the head's and the DSL's "my actions".</summary>
    public IReadOnlyList<ActionRow> Actions { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var schools = CurrentUser.SchoolsWhere(Permission.ViewArrangements).ToList();
        ManySchools = schools.Count > 1;
        CanRecord = CurrentUser.ActiveSchool is { } active && CurrentUser.Can(Permission.ManageArrangements, active.Id);
        var names = CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name);
        var kind = Kind;
        var rows = await CaseActions.CasesAsync(Db, schools, kind);
        var today = Today;
        var plans = CaseActions.PlanEnds(rows);
        Cases = [.. rows
            .Select(r => new CaseRow(r.Id, r.Kind, r.Pupil, names.GetValueOrDefault(r.SchoolId, ""), r.RequestedOn, r.Stage, r.DecisionDueBy, r.DecidedOn, r.StartedOn, r.EndsOn,
                NextAction(r.Kind, r.Stage, r.DecisionDueBy, r.EndsOn, plans.TryGetValue(r.Id, out var end) ? end : null, today),
                (r.Stage == ArrangementStage.MeetingHeld && r.DecisionDueBy < today) || (r.Stage == ArrangementStage.Running && plans.TryGetValue(r.Id, out var planEnd) && planEnd < today)))
            .OrderByDescending(r => r.Overdue).ThenBy(r => r.Stage is ArrangementStage.Declined or ArrangementStage.Ended or ArrangementStage.Withdrawn).ThenBy(r => r.DecisionDueBy ?? DateOnly.MaxValue)];

        (Actions, HasReturns, _, _) = await CaseActions.LoadAsync(Db, CurrentUser, rows, plans, names, today);
    }

    /// <summary>
    /// What an open review asks of this user: staff who manage cases hold scheduled reviews from two weeks before
    /// they fall due, and formal reviews once raised (and agreed, where the profile names a trust lead); the named
    /// trust lead agrees to a formal review (000 §7). A trust-wide viewer sees an overdue review as waiting on the
    /// school (issue 11: due and overdue reviews on the trust lead's actions), never as their own action.
    /// </summary>
    public static string? ReviewAction(ArrangementReview review, bool canManage, bool canAgree, bool trustWide, DateOnly today) => review switch
    {
        { AwaitingAgreement: true } when canAgree => $"Agree to the formal review (as {review.NeedsAgreementOf})",
        { AwaitingAgreement: true } when canManage => $"Formal review raised: waiting for the {review.NeedsAgreementOf}'s agreement",
        { Kind: ReviewKind.Formal, AwaitingAgreement: false } when canManage => "Hold the formal review",
        { Kind: ReviewKind.Scheduled } when canManage && (CaseWatch.ReviewOverdue(review.Kind, review.DueOn, review.HeldOn, today) || CaseWatch.ReviewDueSoon(review.Kind, review.DueOn, review.HeldOn, today)) => "Hold the review",
        { Kind: ReviewKind.Scheduled } when trustWide && CaseWatch.ReviewOverdue(review.Kind, review.DueOn, review.HeldOn, today) => "Review overdue: waiting for the school to hold it",
        _ => null,
    };

    public static string NextAction(ArrangementKind kind, ArrangementStage stage, DateOnly? due, DateOnly? endsOn, DateOnly? planEnd, DateOnly today) => (kind, stage) switch
    {
        (_, ArrangementStage.Requested) => "Meet the parent",
        (_, ArrangementStage.MeetingHeld) => due is { } d ? $"Headteacher to decide by {d:d MMM yyyy}" : "Headteacher to decide",
        (ArrangementKind.AlternativeProvision, ArrangementStage.Proposed) => "Headteacher to agree the placement",
        (_, ArrangementStage.Proposed) => "Waiting for approval",
        (ArrangementKind.AlternativeProvision, ArrangementStage.Agreed) => "Parents' agreement, risk assessment, commissioning agreement, the local authority told, then the start",
        (ArrangementKind.AlternativeProvision, ArrangementStage.Running) => "Running: sessions at the provider coded in the register",
        (ArrangementKind.PartTimeTimetable, ArrangementStage.Agreed) => "Parent's consent, risk assessment, the local authority told, then the start",
        (_, ArrangementStage.Agreed) => "Agreement, risk assessment, signatures, then the start",
        (ArrangementKind.PartTimeTimetable, ArrangementStage.Running) when planEnd < today => $"Past its end date ({planEnd:d MMM yyyy})",
        (ArrangementKind.PartTimeTimetable, ArrangementStage.Running) => $"Running until {planEnd:d MMM yyyy}",
        (_, ArrangementStage.Running) => "Running",
        (_, ArrangementStage.Declined) => "Closed: declined",
        (_, ArrangementStage.Withdrawn) => "Closed: withdrawn",
        (ArrangementKind.PartTimeTimetable, ArrangementStage.Ended) => $"Closed: back to full time from {endsOn?.AddDays(1):d MMM yyyy}",
        (_, ArrangementStage.Ended) when endsOn >= today => $"Notice given: the last day is {endsOn:d MMM yyyy}",
        (_, ArrangementStage.Ended) => "Closed: ended with notice",
        _ => "",
    };
}
