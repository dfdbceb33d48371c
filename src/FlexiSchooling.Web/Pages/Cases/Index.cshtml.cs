using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>An action waiting on the user: for a case (its pupil), or for a school (a half-termly return: <see cref="CaseId"/> is null).</summary>
public sealed record ActionRow(Guid? CaseId, string Pupil, string Action, string Link, DateOnly? Due, bool Overdue);

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
        var rows = await (from a in Db.Arrangements.AsNoTracking()
                          join p in Db.Pupils.AsNoTracking() on a.PupilId equals p.Id
                          where schools.Contains(a.SchoolId) && (kind == null || a.Kind == kind)
                          orderby a.RequestedOn descending
                          select new { a.Id, a.Kind, a.SchoolId, Pupil = p.LegalSurname + ", " + (p.PreferredForename ?? p.LegalForename), a.RequestedOn, a.Stage, a.DecisionDueBy, a.DecidedOn, a.StartedOn, a.EndsOn, a.ProfileVersionId, p.Flags })
                         .ToListAsync();
        var today = Today;
        var plans = (await Db.PartTimePlans.AsNoTracking().Where(p => rows.Select(r => r.Id).Contains(p.ArrangementId)).Select(p => new { p.ArrangementId, p.EndDate }).ToListAsync())
            .ToDictionary(p => p.ArrangementId, p => p.EndDate);
        Cases = [.. rows
            .Select(r => new CaseRow(r.Id, r.Kind, r.Pupil, names.GetValueOrDefault(r.SchoolId, ""), r.RequestedOn, r.Stage, r.DecisionDueBy, r.DecidedOn, r.StartedOn, r.EndsOn,
                NextAction(r.Kind, r.Stage, r.DecisionDueBy, r.EndsOn, plans.TryGetValue(r.Id, out var end) ? end : null, today),
                (r.Stage == ArrangementStage.MeetingHeld && r.DecisionDueBy < today) || (r.Stage == ArrangementStage.Running && plans.TryGetValue(r.Id, out var planEnd) && planEnd < today)))
            .OrderByDescending(r => r.Overdue).ThenBy(r => r.Stage is ArrangementStage.Declined or ArrangementStage.Ended or ArrangementStage.Withdrawn).ThenBy(r => r.DecisionDueBy ?? DateOnly.MaxValue)];

        var open = rows.Where(r => r.Stage is ArrangementStage.MeetingHeld or ArrangementStage.Proposed or ArrangementStage.Agreed or ArrangementStage.Running).Select(r => r.Id).ToList();
        var running = rows.Where(r => r.Stage == ArrangementStage.Running).Select(r => r.Id).ToList();
        var reviews = (await Db.ArrangementReviews.AsNoTracking().Where(v => running.Contains(v.ArrangementId) && v.HeldOn == null).ToListAsync())
            .ToLookup(v => v.ArrangementId);
        var withAgreement = await Db.FlexiAgreements.AsNoTracking().Where(a => open.Contains(a.ArrangementId)).Select(a => a.ArrangementId).ToListAsync();
        var risks = (await Db.RiskAssessments.AsNoTracking().Where(a => open.Contains(a.ArrangementId) && a.Status != Domain.RiskAssessments.RiskAssessmentStatus.Superseded)
            .Select(a => new { a.ArrangementId, a.Number, a.Status, a.SubmittedBy, a.ReviewDue }).ToListAsync())
            .GroupBy(a => a.ArrangementId).ToDictionary(g => g.Key, g => g.MaxBy(a => a.Number)!);
        var telling = rows.Where(r => r.Stage is ArrangementStage.Agreed or ArrangementStage.Running && CurrentUser.Can(Permission.ManageArrangements, r.SchoolId)).Select(r => r.Id).ToList();
        var recorded = (await Db.ArrangementConsents.AsNoTracking().Where(c => telling.Contains(c.ArrangementId)).ToListAsync()).ToLookup(c => c.ArrangementId);
        var authorities = new Dictionary<Guid, Domain.Trusts.LocalAuthority>();
        var directions = await Db.Placements.AsNoTracking().Where(p => p.OffSiteDirection && telling.Contains(p.ArrangementId)).ToDictionaryAsync(p => p.ArrangementId, p => p.StartDate);
        // Running placements with their QA visits, for the visit due (002 appendix 5).
        var runningPlacements = rows.Where(r => r.Kind == ArrangementKind.AlternativeProvision && r.Stage == ArrangementStage.Running).Select(r => r.Id).ToList();
        var visits = (await Db.PlacementVisits.AsNoTracking().Where(v => runningPlacements.Contains(v.ArrangementId)).ToListAsync()).ToLookup(v => v.ArrangementId);
        var reintegration = await Db.Placements.AsNoTracking().Where(p => runningPlacements.Contains(p.ArrangementId))
            .ToDictionaryAsync(p => p.ArrangementId, p => new { p.ReintegrationRecordedOn, p.ReturnOn });
        var actions = new List<ActionRow>();
        foreach (var r in rows.Where(r => open.Contains(r.Id)))
        {
            // Every notification a case needs, due with its deadline until it is recorded as sent (issue 11).
            if (telling.Contains(r.Id) && r.ProfileVersionId is { } versionId)
            {
                var decidedUnder = (await SchoolRules.ProfileVersionAsync(Db, r.SchoolId, versionId)).Settings;
                var authority = authorities.TryGetValue(r.SchoolId, out var known) ? known : authorities[r.SchoolId] = await SchoolRules.LocalAuthorityAsync(Db, r.SchoolId);
                var requirements = CaseRules.Consents(r.Kind, decidedUnder, r.Flags, directions.ContainsKey(r.Id));
                var calendar = await SchoolRules.CalendarAsync(Db, r.SchoolId);
                DateOnly? noticeBy = directions.TryGetValue(r.Id, out var firstDay) ? Domain.AlternativeProvision.PlacementRules.DirectionNoticeBy(calendar, firstDay) : null;
                foreach (var due in CaseNotifications.Due(r.Stage, r.DecidedOn, requirements, authority, calendar, recorded[r.Id], today, noticeBy))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, $"Tell {due.To}: {due.How}", $"/Cases/{r.Id}/Consents#party-{due.Party}", due.DueBy, due.Overdue));
                }
            }

            if (r.Stage == ArrangementStage.MeetingHeld && CurrentUser.Can(Permission.DecideArrangements, r.SchoolId))
            {
                actions.Add(new ActionRow(r.Id, r.Pupil, "Decide the request and send the letter", $"/Cases/{r.Id}/Decision", r.DecisionDueBy, r.DecisionDueBy < today));
            }

            if (r.Kind == ArrangementKind.PartTimeTimetable && r.Stage == ArrangementStage.Proposed
                && Domain.PartTime.PartTimeRules.MayApprove(CurrentUser.RolesAt(r.SchoolId), (await SchoolRules.ProfileAsync(Db, r.SchoolId, today)).Settings.PartTime))
            {
                actions.Add(new ActionRow(r.Id, r.Pupil, "Approve or decline the part-time timetable", $"/Cases/{r.Id}/Approval", null, false));
            }

            if (r.Kind == ArrangementKind.AlternativeProvision && r.Stage == ArrangementStage.Running && r.ProfileVersionId is { } placementVersion)
            {
                var settings = (await SchoolRules.ProfileVersionAsync(Db, r.SchoolId, placementVersion)).Settings.AlternativeProvision;
                var visitDue = Domain.AlternativeProvision.PlacementVisit.NextDue(r.Stage, r.StartedOn, visits[r.Id], await SchoolRules.CalendarAsync(Db, r.SchoolId), settings);
                if (visitDue <= today.AddDays(14) && CurrentUser.Can(Permission.ManageArrangements, r.SchoolId))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, "Visit the provider and record the QA visit (appendix 5)", $"/Cases/{r.Id}/Visits", visitDue, visitDue < today));
                }
                else if (visitDue < today && CurrentUser.HasTrustWideRole)
                {
                    // The trust lead sees the school's overdue visit as the school's, not as their own action (issue 12).
                    actions.Add(new ActionRow(r.Id, r.Pupil, $"Waiting on {names.GetValueOrDefault(r.SchoolId, "the school")}: the QA visit to the provider is overdue", $"/Cases/{r.Id}/Visits", visitDue, true));
                }

                // 002 §3.9: every placement has a plan back into school; one whose return date has passed is due again.
                if (CurrentUser.Can(Permission.ManageArrangements, r.SchoolId) && reintegration.GetValueOrDefault(r.Id) is { } plan)
                {
                    if (plan.ReintegrationRecordedOn is null)
                    {
                        actions.Add(new ActionRow(r.Id, r.Pupil, "Record the reintegration plan (002 §3.9)", $"/Cases/{r.Id}/Reintegration", null, false));
                    }
                    else if (plan.ReturnOn < today)
                    {
                        actions.Add(new ActionRow(r.Id, r.Pupil, "The planned return to school has passed: end the placement or revise the plan", $"/Cases/{r.Id}/Reintegration", plan.ReturnOn, true));
                    }
                }
            }

            if (r.Kind == ArrangementKind.AlternativeProvision && r.Stage == ArrangementStage.Proposed && CurrentUser.Can(Permission.DecideArrangements, r.SchoolId))
            {
                actions.Add(new ActionRow(r.Id, r.Pupil, "Agree or decline the placement", $"/Cases/{r.Id}/Placement", null, false));
            }

            if (r.Kind == ArrangementKind.PartTimeTimetable && r.Stage == ArrangementStage.Running && plans.TryGetValue(r.Id, out var ends) && ends <= today.AddDays(14)
                && CurrentUser.Can(Permission.ManageArrangements, r.SchoolId))
            {
                actions.Add(new ActionRow(r.Id, r.Pupil, ends < today ? "Past its end date: return the pupil to full time or extend" : "Ends soon: plan the return to full time", $"/Cases/{r.Id}/FullTime", ends, ends < today));
            }

            foreach (var review in reviews[r.Id])
            {
                if (ReviewAction(review, CurrentUser.Can(Permission.ManageArrangements, r.SchoolId), CurrentUser.Can(Permission.AgreeFormalReviews, r.SchoolId), CurrentUser.HasTrustWideRole, today) is { } action)
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, action, $"/Cases/Review/{review.Id}", review.DueOn, review.Kind == ReviewKind.Scheduled && review.DueOn < today));
                }
            }

            if (r.Stage is ArrangementStage.Agreed or ArrangementStage.Running && CurrentUser.Can(Permission.AssessRisks, r.SchoolId)
                && risks.GetValueOrDefault(r.Id) is { Status: Domain.RiskAssessments.RiskAssessmentStatus.Approved, ReviewDue: { } riskReview } && riskReview <= today.AddDays(14))
            {
                actions.Add(new ActionRow(r.Id, r.Pupil, "Review the risk assessment", $"/Cases/{r.Id}/RiskAssessment", riskReview, riskReview < today));
            }

            if (r.Stage != ArrangementStage.Agreed)
            {
                continue;
            }

            if (r.Kind == ArrangementKind.PartTimeTimetable && CurrentUser.Can(Permission.ManageArrangements, r.SchoolId))
            {
                // Once every gate is met the action is the start itself, by the profile's approver (004 §9.5).
                var part = (await SchoolRules.ProfileVersionAsync(Db, r.SchoolId, r.ProfileVersionId!.Value)).Settings.PartTime;
                var ready = Domain.PartTime.PartTimeRules.StartGates(recorded[r.Id], risks.GetValueOrDefault(r.Id) is { Status: Domain.RiskAssessments.RiskAssessmentStatus.Approved }, r.Flags,
                    authorities.GetValueOrDefault(r.SchoolId)).All(g => g.Met);
                var action = !ready ? "Consents, notifications and the start"
                    : Domain.PartTime.PartTimeRules.MayApprove(CurrentUser.RolesAt(r.SchoolId), part) ? "Start the part-time timetable"
                    : $"Ready to start: the {Domain.PartTime.PartTimeRules.ApproverLabel(part).ToLowerInvariant()} starts it";
                actions.Add(new ActionRow(r.Id, r.Pupil, action, $"/Cases/{r.Id}/Consents", null, false));
            }

            if (r.Kind == ArrangementKind.FlexiSchooling && !withAgreement.Contains(r.Id) && CurrentUser.Can(Permission.ManageArrangements, r.SchoolId))
            {
                actions.Add(new ActionRow(r.Id, r.Pupil, "Draw up the agreement", $"/Cases/{r.Id}/Agreement", null, false));
            }

            if (CurrentUser.Can(Permission.AssessRisks, r.SchoolId))
            {
                var risk = risks.GetValueOrDefault(r.Id);
                var (action, due) = risk switch
                {
                    null => ("Complete the risk assessment", (DateOnly?)null),
                    { Status: Domain.RiskAssessments.RiskAssessmentStatus.Draft } => ("Finish and submit the risk assessment", null),
                    { Status: Domain.RiskAssessments.RiskAssessmentStatus.Submitted } when risk.SubmittedBy != CurrentUser.UserId => ("Approve the risk assessment", null),
                    _ => ((string?)null, (DateOnly?)null),
                };
                if (action is not null)
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, action, $"/Cases/{r.Id}/RiskAssessment", due, due < today));
                }
            }
        }

        // Half-termly returns, nil returns too, due once the half-term has ended and until recorded as sent (ADR 0019).
        foreach (var school in await ReturnsModel.LoadAsync(Db, CurrentUser.SchoolsWhere(Permission.ManageArrangements), names, today))
        {
            HasReturns = true;
            foreach (var due in school.HalfTerms.Where(h => h.Sent is null && h.HalfTerm.HasEnded(today)))
            {
                actions.Add(new ActionRow(null, school.School, $"Send the half-termly return to {school.Authority.Name} ({(due.Lines.Count == 0 ? "a nil return" : $"{due.Lines.Count} arrangement{(due.Lines.Count == 1 ? "" : "s")}")}, {due.HalfTerm.First:d MMM} to {due.HalfTerm.Last:d MMM yyyy})",
                    $"/Cases/Returns#{due.Anchor(school.SchoolId)}", due.DueBy, due.Overdue(today)));
            }
        }

        Actions = [.. actions.OrderByDescending(a => a.Overdue).ThenBy(a => a.Due ?? DateOnly.MaxValue)];
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
        { Kind: ReviewKind.Scheduled } when canManage && review.DueOn <= today.AddDays(14) => "Hold the review",
        { Kind: ReviewKind.Scheduled } when trustWide && review.DueOn < today => "Review overdue: waiting for the school to hold it",
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
