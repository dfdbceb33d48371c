using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>
/// What waits on the signed-in user across the cases they may see, in one place for the cases page's "Your actions" and the
/// home page's "Today" (issue 13): decisions and approvals, notifications owed with their deadlines, reviews and formal
/// reviews, QA visits and reintegration plans, risk assessments, starts, plans near their end, and half-termly returns —
/// each with its date, a link to where it is done, whether it is overdue, and whether it waits on someone else.
/// </summary>
public static class CaseActions
{
    private static string Plural(int n, string one, string many) => n switch { 0 => "", 1 => $"1 {one}", _ => $"{n} {many}" };

    /// <summary>The cases at these schools (all kinds, or one), as the lists and the actions read them, with a part-time plan's end date.</summary>
    public static Task<List<CaseFacts>> CasesAsync(AppDbContext db, IReadOnlyCollection<Guid> schools, ArrangementKind? kind) =>
        (from a in db.Arrangements.AsNoTracking()
         join p in db.Pupils.AsNoTracking() on a.PupilId equals p.Id
         join t in db.PartTimePlans.AsNoTracking() on a.Id equals t.ArrangementId into planned
         from t in planned.DefaultIfEmpty()
         where schools.Contains(a.SchoolId) && (kind == null || a.Kind == kind)
         orderby a.RequestedOn descending
         select new CaseFacts(a.Id, a.Kind, a.SchoolId, p.LegalSurname + ", " + (p.PreferredForename ?? p.LegalForename), a.RequestedOn, a.Stage, a.DecisionDueBy, a.DecidedOn, a.StartedOn, a.EndsOn, a.ProfileVersionId, p.Flags,
             t == null ? null : t.EndDate))
        .ToListAsync();

    /// <summary>The part-time plans' end dates of these cases, by case.</summary>
    public static IReadOnlyDictionary<Guid, DateOnly> PlanEnds(IEnumerable<CaseFacts> rows) =>
        rows.Where(r => r.PlanEndsOn is not null).ToDictionary(r => r.Id, r => r.PlanEndsOn!.Value);

    /// <summary>
    /// Every action of the user's (the home page's "Today"): those of the cases they may see; the off-site directions the
    /// governing body is to decide (governors act; the school's case managers see them waiting); and the providers' — checks
    /// due again or incomplete for those who manage providers, unregistered providers to approve and registration-rule
    /// breaches for the trust lead.
    /// </summary>
    /// <param name="londonNow">The time of day in London: which session's registers are due, and whether they have closed.</param>
    /// <param name="versions">The trust's policy profile versions, read by the caller when first asked for (it needs them too): the
    /// trust's settings for its providers.</param>
    public static async Task<IReadOnlyList<ActionRow>> ForAsync(AppDbContext db, CurrentUser user, DateOnly today, DateTime londonNow, Func<Task<IReadOnlyList<Domain.Policy.PolicyProfileVersion>>> versions)
    {
        var names = user.Schools.ToDictionary(s => s.Id, s => s.Name);
        // Here and below, a read for no schools or no cases is not made: each would be a round trip for nothing.
        var viewing = user.SchoolsWhere(Permission.ViewArrangements).ToList();
        var rows = viewing.Count == 0 ? [] : await CasesAsync(db, viewing, null);
        var plans = PlanEnds(rows);
        var loaded = await LoadAsync(db, user, rows, plans, names, today);
        var actions = new List<ActionRow>(loaded.Actions);

        var deciding = user.SchoolsWhere(Permission.ApproveOffSiteDirections).ToList();
        var managing = user.SchoolsWhere(Permission.ManageArrangements).ToList();
        var directions = deciding.Count + managing.Count == 0 ? [] : await (from a in db.Arrangements.AsNoTracking()
                                join p in db.Placements.AsNoTracking() on a.Id equals p.ArrangementId
                                join u in db.Pupils.AsNoTracking() on a.PupilId equals u.Id
                                where p.OffSiteDirection && a.Stage == ArrangementStage.Agreed && (deciding.Contains(a.SchoolId) || managing.Contains(a.SchoolId))
                                      && !db.ArrangementConsents.Any(c => c.ArrangementId == a.Id && c.Party == ConsentParty.GoverningBody)
                                select new { a.Id, a.SchoolId, a.DecidedOn, p.StartDate, Pupil = u.LegalSurname + ", " + (u.PreferredForename ?? u.LegalForename) }).ToListAsync();
        foreach (var d in directions)
        {
            var governor = deciding.Contains(d.SchoolId);
            actions.Add(new ActionRow(d.Id, d.Pupil, governor ? "Decide the off-site direction for the governing body (004 §6.4)" : "Waiting for the governing body to decide the off-site direction",
                $"/Cases/{d.Id}/Direction", d.StartDate, false, WaitingOnOthers: !governor, School: names.GetValueOrDefault(d.SchoolId)));
        }

        // A governor's termly report to read (issue 13), for the term now running or last ended.
        var governing = user.Schools.Where(s => user.RolesAt(s.Id).Contains(StaffRole.Governor)).ToList();
        foreach (var governed in governing)
        {
            if ((await Dashboard.GovernorsReport.TermsAsync(db, [governed.Id], today)).FirstOrDefault() is { } term)
            {
                actions.Add(new ActionRow(null, "Governors' termly report", $"Read the report of arrangements and attendance for {term.Name}", $"/Dashboard/Governors?school={governed.Id}&term={Uri.EscapeDataString(term.Name)}",
                    null, false, School: governed.Name));
            }
        }

        // Schools off track, for the trust lead (issue 13): each school with reviews overdue or part-time timetables past their
        // end, counted by the same rules as the dashboard (CaseWatch), linking to that school's dashboard.
        if (user.HasTrustWideRole && user.CanAnywhere(Permission.ViewArrangements))
        {
            var running = rows.Where(r => r.Stage == ArrangementStage.Running).ToDictionary(r => r.Id);
            // The running cases' reviews not yet held: read with the actions.
            var unheld = loaded.UnheldReviews.SelectMany(r => r).ToList();
            foreach (var offTrack in user.SchoolsWhere(Permission.ViewArrangements).Where(names.ContainsKey).OrderBy(id => names[id]))
            {
                var overdue = unheld.Where(r => running[r.ArrangementId].SchoolId == offTrack && CaseWatch.ReviewOverdue(r.Kind, r.DueOn, null, today)).Select(r => r.DueOn).ToList();
                var pastEnd = plans.Where(p => running.TryGetValue(p.Key, out var c) && c.SchoolId == offTrack && CaseWatch.PartTimePastEnd(p.Value, today)).Select(p => p.Value).ToList();
                if (overdue.Count + pastEnd.Count > 0)
                {
                    var what = string.Join(" and ", new[] { Plural(overdue.Count, "review overdue", "reviews overdue"), Plural(pastEnd.Count, "part-time timetable past its end date", "part-time timetables past their end date") }.Where(x => x.Length > 0));
                    actions.Add(new ActionRow(null, names[offTrack], $"Off track: {what}", $"/Dashboard?school={offTrack}", overdue.Concat(pastEnd).Min(), true, School: names[offTrack]));
                }
            }
        }

        // Every provider of the trust, when read for their standings: the names of those whose daily reports are chased below.
        IReadOnlyList<Providers.ProviderStanding>? standings = null;
        if (user.CanAnywhere(Permission.ManageProviders) || user.CanAnywhere(Permission.ApproveProviders))
        {
            var settings = Providers.ProviderSupport.TrustSettings(await versions(), today);
            standings = await Providers.ProviderSupport.StandingsAsync(db, today, settings: settings);
            foreach (var standing in standings)
            {
                var provider = standing.Provider;
                var link = $"/Providers/{provider.Id}";
                if (standing.Breach is { } breach && user.CanAnywhere(Permission.ApproveProviders))
                {
                    actions.Add(new ActionRow(null, provider.Name, $"Registration rule breached: {breach}", link, null, true, School: "The trust"));
                }

                if (provider.Registration == Domain.AlternativeProvision.ProviderRegistration.Unregistered && settings.UnregisteredProviderNeedsTrustApproval && provider.TrustApprovedOn is null)
                {
                    actions.Add(user.CanAnywhere(Permission.ApproveProviders)
                        ? new ActionRow(null, provider.Name, "Approve the use of this unregistered provider, or not (002: the link DPS)", link, null, false, School: "The trust")
                        : new ActionRow(null, provider.Name, "Waiting for the trust lead's approval of this unregistered provider", link, null, false, WaitingOnOthers: true, School: "The trust"));
                }

                var nextDue = standing.Checks.NextDueOn;
                if (user.CanAnywhere(Permission.ManageProviders) && (!standing.Checks.Complete || nextDue <= today.AddDays(14)))
                {
                    actions.Add(new ActionRow(null, provider.Name, standing.Checks.Complete
                            ? "Provider checks due again (004 §7.9)"
                            : $"Provider checks to complete: {standing.Checks.CurrentCount} of {standing.Checks.Items.Count} current (004 §7.8–7.9)",
                        link, standing.Checks.Complete ? nextDue : null, !standing.Checks.Complete && standing.Checks.Items.Any(i => i.Overdue), School: "The trust"));
                }
            }
        }

        // The active school's registers for those who take them: the earlier sessions' left incomplete (RegisterRules: the school
        // day before's, and this morning's in the afternoon; overdue), whatever day today is; and on a school day the registers not
        // yet taken this session (overdue once the register has closed, 2024 regulations: taken at the start of each session).
        if (user.ActiveSchool is { } active && user.Can(Permission.TakeRegister, active.Id))
        {
            var calendar = await SchoolRules.CalendarAsync(db, active.Id);
            var times = (await SchoolRules.ProfileAsync(db, active.Id, today)).Settings.Registers;
            var session = Domain.Attendance.RegisterRules.SessionAt(TimeOnly.FromDateTime(londonNow), times);
            // A register of a day gone is locked: completing it is for those who may amend locked marks (a teacher who missed
            // yesterday's asks the officer), this morning's for whoever takes it.
            var earlier = Domain.Attendance.RegisterRules.EarlierSessionsToComplete(calendar, today, session)
                .Where(s => !Domain.Attendance.AttendanceMark.IsLocked(s.Date, today) || user.Can(Permission.AmendLockedMarks, active.Id)).ToList();
            var schoolDay = calendar.IsSchoolDay(today);
            var registers = await Attendance.IndexModel.RegistersAsync(db, user, active.Id, schoolDay ? [.. earlier, (today, session)] : earlier);
            const string UpToDate = "(003 §7: registers up to date by the end of each day)";
            foreach (var (date, earlierSession) in earlier)
            {
                var withPupils = registers[(date, earlierSession)].Where(g => g.Pupils > 0).ToList();
                var incomplete = withPupils.Where(g => g.Marked < g.Pupils).ToList();
                var label = $"{Domain.Attendance.SessionNames.Of(earlierSession)} register{(incomplete.Count == 1 ? "" : "s")} of {date:dddd d MMMM}";
                if (incomplete.Count == 1)
                {
                    var group = incomplete[0];
                    actions.Add(new ActionRow(null, group.Name, $"Complete the {label}: {group.Marked} of {group.Pupils} marked {UpToDate}",
                        $"/Attendance/Register/{group.Id}?date={date:yyyy-MM-dd}&session={earlierSession}", date, true, School: active.Name));
                }
                else if (incomplete.Count > 1)
                {
                    var which = incomplete.Count == withPupils.Count ? $"all {withPupils.Count} are incomplete"
                        : $"{string.Join(", ", incomplete.Take(3).Select(g => g.Name))}{(incomplete.Count > 3 ? $" and {incomplete.Count - 3} more" : "")} are incomplete";
                    actions.Add(new ActionRow(null, $"{incomplete.Count} registers", $"Complete the {label}: {which} {UpToDate}",
                        $"/Attendance?date={date:yyyy-MM-dd}&session={earlierSession}", date, true, School: active.Name));
                }
            }

            if (schoolDay)
            {
                var closes = times.Closes(session);
                foreach (var group in registers[(today, session)].Where(g => g.Marked < g.Pupils))
                {
                    actions.Add(new ActionRow(null, group.Name, $"Take the {Domain.Attendance.SessionNames.Of(session)} register ({group.Marked} of {group.Pupils} marked)",
                        $"/Attendance/Register/{group.Id}?date={today:yyyy-MM-dd}&session={session}", today, TimeOnly.FromDateTime(londonNow) > closes, School: active.Name));
                }
            }
        }

        // The active school's absence to chase on a school day: the providers' daily reports and the follow-up list.
        if (user.ActiveSchool is { } school && (await SchoolRules.CalendarAsync(db, school.Id)).IsSchoolDay(today))
        {
            // Providers' daily reports not in by the policy's time (002 §4.4: by 10:00), for whoever chases absence: one item per
            // placed pupil due at the provider today, linking to where the report is recorded. Before that time it waits on the
            // provider and is not listed.
            if (user.Can(Permission.FollowUpAbsence, school.Id))
            {
                var placed = rows.Where(r => r.SchoolId == school.Id && r.Kind == ArrangementKind.AlternativeProvision && r.Stage == ArrangementStage.Running).ToList();
                if (placed.Count > 0)
                {
                    var placedIds = placed.Select(r => r.Id).ToList();
                    // Running placements of the user's cases: read with the actions.
                    var placements = loaded.Placements;
                    var providerIds = placedIds.Where(placements.ContainsKey).Select(id => placements[id].ProviderId).Distinct().ToList();
                    var providers = standings?.ToDictionary(s => s.Provider.Id, s => s.Provider.Name)
                        ?? await db.AlternativeProviders.AsNoTracking().Where(p => providerIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name);
                    var reported = (await db.ProviderReports.AsNoTracking().Where(r => placedIds.Contains(r.ArrangementId) && r.Date == today).Select(r => r.ArrangementId).ToListAsync()).ToHashSet();
                    var calendar = await SchoolRules.CalendarAsync(db, school.Id);
                    foreach (var r in placed.Where(r => r.ProfileVersionId is not null && placements.ContainsKey(r.Id)))
                    {
                        var placement = placements[r.Id];
                        var settings = (await SchoolRules.ProfileVersionAsync(db, r.SchoolId, r.ProfileVersionId!.Value)).Settings.AlternativeProvision;
                        if (Domain.AlternativeProvision.ProviderReport.StatusToday(r.Stage, r.StartedOn, placement, calendar, settings, today, TimeOnly.FromDateTime(londonNow), reported.Contains(r.Id))
                            == Domain.AlternativeProvision.ProviderReportStatus.Missing)
                        {
                            actions.Add(new ActionRow(r.Id, r.Pupil, $"Chase {providers.GetValueOrDefault(placement.ProviderId, "the provider")}'s daily report: due by {settings.ProviderAbsenceReportBy:HH:mm} (002 §4.4)",
                                $"/Cases/{r.Id}/ProviderReports", today, true, School: school.Name));
                        }
                    }
                }
            }

            if (user.Can(Permission.FollowUpAbsence, school.Id) && await Attendance.FollowUpModel.ListAsync(db, school.Id, today) is { Count: > 0 } followUps)
            {
                var urgent = followUps.Count(p => p.Items.Any(i => i.Priority <= 1));
                actions.Add(new ActionRow(null, $"{followUps.Count} pupil{(followUps.Count == 1 ? "" : "s")}",
                    $"Work the absence follow-up list{(urgent > 0 ? $": {urgent} with a contact, home visit or referral due" : "")}", "/Attendance/FollowUp", today, urgent > 0, School: school.Name));
            }
        }

        return [.. actions.OrderBy(a => a.WaitingOnOthers).ThenByDescending(a => a.Overdue).ThenBy(a => a.Due ?? DateOnly.MaxValue)];
    }

    /// <summary>
    /// The actions of these cases for this user, whether any school of theirs makes half-termly returns, and what was read on the
    /// way for a caller that needs it too: the placements (those of the running placements and of the cases owing notifications)
    /// and the running cases' reviews not yet held.
    /// </summary>
    public static async Task<(IReadOnlyList<ActionRow> Actions, bool HasReturns, IReadOnlyDictionary<Guid, Domain.AlternativeProvision.Placement> Placements, ILookup<Guid, Domain.Arrangements.ArrangementReview> UnheldReviews)> LoadAsync(AppDbContext db, CurrentUser user, IReadOnlyList<CaseFacts> rows,
        IReadOnlyDictionary<Guid, DateOnly> plans, IReadOnlyDictionary<Guid, string> names, DateOnly today)
    {
        var hasReturns = false;
            var open = rows.Where(r => r.Stage is ArrangementStage.MeetingHeld or ArrangementStage.Proposed or ArrangementStage.Agreed or ArrangementStage.Running).Select(r => r.Id).ToList();
            var running = rows.Where(r => r.Stage == ArrangementStage.Running).Select(r => r.Id).ToList();
            // A read for no cases is not made: each would be a round trip for nothing.
            var reviews = (running.Count == 0 ? [] : await db.ArrangementReviews.AsNoTracking().Where(v => running.Contains(v.ArrangementId) && v.HeldOn == null).ToListAsync())
                .ToLookup(v => v.ArrangementId);
            // Each open case's agreement, its placement (one a case at most: the placement's key is the case's) and its risk
            // assessments (superseded ones aside), in one read: joined on the case, so each reads only the cases' own rows.
            var facts = open.Count == 0 ? [] : await (from a in db.Arrangements.AsNoTracking()
                               join p in db.Placements.AsNoTracking() on a.Id equals p.ArrangementId into placed
                               from p in placed.DefaultIfEmpty()
                               where open.Contains(a.Id)
                               select new
                               {
                                   a.Id,
                                   HasAgreement = db.FlexiAgreements.Any(f => f.ArrangementId == a.Id),
                                   Placement = p,
                                   Risks = db.RiskAssessments.Where(k => k.ArrangementId == a.Id && k.Status != Domain.RiskAssessments.RiskAssessmentStatus.Superseded)
                                       .Select(k => new { k.Number, k.Status, k.SubmittedBy, k.ReviewDue }).ToList(),
                               }).ToListAsync();
            var withAgreement = facts.Where(f => f.HasAgreement).Select(f => f.Id).ToHashSet();
            var risks = facts.Where(f => f.Risks.Count > 0).ToDictionary(f => f.Id, f => f.Risks.MaxBy(k => k.Number)!);
            var telling = rows.Where(r => r.Stage is ArrangementStage.Agreed or ArrangementStage.Running && user.Can(Permission.ManageArrangements, r.SchoolId)).Select(r => r.Id).ToList();
            var recorded = (telling.Count == 0 ? [] : await db.ArrangementConsents.AsNoTracking().Where(c => telling.Contains(c.ArrangementId)).ToListAsync()).ToLookup(c => c.ArrangementId);
            var authorities = new Dictionary<Guid, Domain.Trusts.LocalAuthority>();
            // Running placements with their QA visits, for the visit due (002 appendix 5), and their plans back into school; and the
            // placements of the cases owing notifications, for an off-site direction's notice.
            var runningPlacements = rows.Where(r => r.Kind == ArrangementKind.AlternativeProvision && r.Stage == ArrangementStage.Running).Select(r => r.Id).ToList();
            var placedIds = telling.Concat(runningPlacements).ToHashSet();
            var placements = facts.Where(f => f.Placement is not null && placedIds.Contains(f.Id)).ToDictionary(f => f.Id, f => f.Placement!);
            var directions = placements.Values.Where(p => p.OffSiteDirection && telling.Contains(p.ArrangementId)).ToDictionary(p => p.ArrangementId, p => p.StartDate);
            var visits = (runningPlacements.Count == 0 ? [] : await db.PlacementVisits.AsNoTracking().Where(v => runningPlacements.Contains(v.ArrangementId)).ToListAsync()).ToLookup(v => v.ArrangementId);
            var reintegration = placements.Values.Where(p => runningPlacements.Contains(p.ArrangementId))
                .ToDictionary(p => p.ArrangementId, p => new { p.ReintegrationRecordedOn, p.ReturnOn });
            var actions = new List<ActionRow>();
            foreach (var r in rows.Where(r => open.Contains(r.Id)))
            {
                // Every notification a case needs, due with its deadline until it is recorded as sent (issue 11).
                if (telling.Contains(r.Id) && r.ProfileVersionId is { } versionId)
                {
                    var decidedUnder = (await SchoolRules.ProfileVersionAsync(db, r.SchoolId, versionId)).Settings;
                    var authority = authorities.TryGetValue(r.SchoolId, out var known) ? known : authorities[r.SchoolId] = await SchoolRules.LocalAuthorityAsync(db, r.SchoolId);
                    var requirements = CaseRules.Consents(r.Kind, decidedUnder, r.Flags, directions.ContainsKey(r.Id));
                    var calendar = await SchoolRules.CalendarAsync(db, r.SchoolId);
                    DateOnly? noticeBy = directions.TryGetValue(r.Id, out var firstDay) ? Domain.AlternativeProvision.PlacementRules.DirectionNoticeBy(calendar, firstDay) : null;
                    foreach (var due in CaseNotifications.Due(r.Stage, r.DecidedOn, requirements, authority, calendar, recorded[r.Id], today, noticeBy))
                    {
                        actions.Add(new ActionRow(r.Id, r.Pupil, $"Tell {due.To}: {due.How}", $"/Cases/{r.Id}/Consents#party-{due.Party}", due.DueBy, due.Overdue));
                    }
                }

                if (r.Stage == ArrangementStage.MeetingHeld && user.Can(Permission.DecideArrangements, r.SchoolId))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, "Decide the request and send the letter", $"/Cases/{r.Id}/Decision", r.DecisionDueBy, r.DecisionDueBy < today));
                }

                if (r.Kind == ArrangementKind.PartTimeTimetable && r.Stage == ArrangementStage.Proposed
                    && Domain.PartTime.PartTimeRules.MayApprove(user.RolesAt(r.SchoolId), (await SchoolRules.ProfileAsync(db, r.SchoolId, today)).Settings.PartTime))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, "Approve or decline the part-time timetable", $"/Cases/{r.Id}/Approval", null, false));
                }

                if (r.Kind == ArrangementKind.AlternativeProvision && r.Stage == ArrangementStage.Running && r.ProfileVersionId is { } placementVersion)
                {
                    var settings = (await SchoolRules.ProfileVersionAsync(db, r.SchoolId, placementVersion)).Settings.AlternativeProvision;
                    var visitDue = Domain.AlternativeProvision.PlacementVisit.NextDue(r.Stage, r.StartedOn, visits[r.Id], await SchoolRules.CalendarAsync(db, r.SchoolId), settings);
                    if (visitDue <= today.AddDays(14) && user.Can(Permission.ManageArrangements, r.SchoolId))
                    {
                        actions.Add(new ActionRow(r.Id, r.Pupil, "Visit the provider and record the QA visit (appendix 5)", $"/Cases/{r.Id}/Visits", visitDue, visitDue < today));
                    }
                    else if (visitDue < today && user.HasTrustWideRole)
                    {
                        // The trust lead sees the school's overdue visit as the school's, not as their own action (issue 12).
                        actions.Add(new ActionRow(r.Id, r.Pupil, $"Waiting on {names.GetValueOrDefault(r.SchoolId, "the school")}: the QA visit to the provider is overdue", $"/Cases/{r.Id}/Visits", visitDue, true, WaitingOnOthers: true));
                    }

                    // 002 §3.9: every placement has a plan back into school; one whose return date has passed is due again.
                    if (user.Can(Permission.ManageArrangements, r.SchoolId) && reintegration.GetValueOrDefault(r.Id) is { } plan)
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

                if (r.Kind == ArrangementKind.AlternativeProvision && r.Stage == ArrangementStage.Proposed && user.Can(Permission.DecideArrangements, r.SchoolId))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, "Agree or decline the placement", $"/Cases/{r.Id}/Placement", null, false));
                }

                if (r.Kind == ArrangementKind.PartTimeTimetable && r.Stage == ArrangementStage.Running && plans.TryGetValue(r.Id, out var ends) && (CaseWatch.PartTimePastEnd(ends, today) || CaseWatch.PartTimeEndingSoon(ends, today))
                    && user.Can(Permission.ManageArrangements, r.SchoolId))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, CaseWatch.PartTimePastEnd(ends, today) ? "Past its end date: return the pupil to full time or extend" : "Ends soon: plan the return to full time", $"/Cases/{r.Id}/FullTime", ends, CaseWatch.PartTimePastEnd(ends, today)));
                }

                foreach (var review in reviews[r.Id])
                {
                    if (IndexModel.ReviewAction(review, user.Can(Permission.ManageArrangements, r.SchoolId), user.Can(Permission.AgreeFormalReviews, r.SchoolId), user.HasTrustWideRole, today) is { } action)
                    {
                        var theirs = review.AwaitingAgreement ? !user.Can(Permission.AgreeFormalReviews, r.SchoolId) : !user.Can(Permission.ManageArrangements, r.SchoolId);
                        actions.Add(new ActionRow(r.Id, r.Pupil, action, $"/Cases/Review/{review.Id}", review.DueOn, CaseWatch.ReviewOverdue(review.Kind, review.DueOn, review.HeldOn, today), WaitingOnOthers: theirs));
                    }
                }

                if (r.Stage is ArrangementStage.Agreed or ArrangementStage.Running && user.Can(Permission.AssessRisks, r.SchoolId)
                    && risks.GetValueOrDefault(r.Id) is { Status: Domain.RiskAssessments.RiskAssessmentStatus.Approved, ReviewDue: { } riskReview } && riskReview <= today.AddDays(14))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, "Review the risk assessment", $"/Cases/{r.Id}/RiskAssessment", riskReview, riskReview < today));
                }

                if (r.Stage != ArrangementStage.Agreed)
                {
                    continue;
                }

                if (r.Kind == ArrangementKind.PartTimeTimetable && user.Can(Permission.ManageArrangements, r.SchoolId))
                {
                    // Once every gate is met the action is the start itself, by the profile's approver (004 §9.5).
                    var part = (await SchoolRules.ProfileVersionAsync(db, r.SchoolId, r.ProfileVersionId!.Value)).Settings.PartTime;
                    var ready = Domain.PartTime.PartTimeRules.StartGates(recorded[r.Id], risks.GetValueOrDefault(r.Id) is { Status: Domain.RiskAssessments.RiskAssessmentStatus.Approved }, r.Flags,
                        authorities.GetValueOrDefault(r.SchoolId)).All(g => g.Met);
                    var action = !ready ? "Consents, notifications and the start"
                        : Domain.PartTime.PartTimeRules.MayApprove(user.RolesAt(r.SchoolId), part) ? "Start the part-time timetable"
                        : $"Ready to start: the {Domain.PartTime.PartTimeRules.ApproverLabel(part).ToLowerInvariant()} starts it";
                    actions.Add(new ActionRow(r.Id, r.Pupil, action, $"/Cases/{r.Id}/Consents", null, false, WaitingOnOthers: ready && !Domain.PartTime.PartTimeRules.MayApprove(user.RolesAt(r.SchoolId), part)));
                }

                if (r.Kind == ArrangementKind.FlexiSchooling && !withAgreement.Contains(r.Id) && user.Can(Permission.ManageArrangements, r.SchoolId))
                {
                    actions.Add(new ActionRow(r.Id, r.Pupil, "Draw up the agreement", $"/Cases/{r.Id}/Agreement", null, false));
                }

                if (user.Can(Permission.AssessRisks, r.SchoolId))
                {
                    var risk = risks.GetValueOrDefault(r.Id);
                    var (action, due) = risk switch
                    {
                        null => ("Complete the risk assessment", (DateOnly?)null),
                        { Status: Domain.RiskAssessments.RiskAssessmentStatus.Draft } => ("Finish and submit the risk assessment", null),
                        { Status: Domain.RiskAssessments.RiskAssessmentStatus.Submitted } when risk.SubmittedBy != user.UserId => ("Approve the risk assessment", null),
                        _ => ((string?)null, (DateOnly?)null),
                    };
                    if (action is not null)
                    {
                        actions.Add(new ActionRow(r.Id, r.Pupil, action, $"/Cases/{r.Id}/RiskAssessment", due, due < today));
                    }
                }
            }

            // Half-termly returns, nil returns too, due once the half-term has ended and until recorded as sent (ADR 0019).
            foreach (var school in await ReturnsModel.LoadAsync(db, user.SchoolsWhere(Permission.ManageArrangements), names, today))
            {
                hasReturns = true;
                foreach (var due in school.HalfTerms.Where(h => h.Sent is null && h.HalfTerm.HasEnded(today)))
                {
                    actions.Add(new ActionRow(null, school.School, $"Send the half-termly return to {school.Authority.Name} ({(due.Lines.Count == 0 ? "a nil return" : $"{due.Lines.Count} arrangement{(due.Lines.Count == 1 ? "" : "s")}")}, {due.HalfTerm.First:d MMM} to {due.HalfTerm.Last:d MMM yyyy})",
                        $"/Cases/Returns#{due.Anchor(school.SchoolId)}", due.DueBy, due.Overdue(today)));
                }
            }

        var schoolOf = rows.ToDictionary(r => r.Id, r => names.GetValueOrDefault(r.SchoolId, ""));
        return ([.. actions.Select(a => a with { School = a.School ?? (a.CaseId is { } id ? schoolOf.GetValueOrDefault(id) : null) })
            .OrderByDescending(a => a.Overdue).ThenBy(a => a.Due ?? DateOnly.MaxValue)], hasReturns, placements, reviews);
    }
}
