using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.RiskAssessments;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// Two running part-time timetables in the demo (issue 11), walked through by the same domain methods the pages call:
/// at Castle Hill (Hinckley's profile, 003) a twelve-week plan in its eleventh week, reviewed fortnightly, its latest
/// review overdue; at Millbrook (EMET's profile, 004) one approved by the alternative provision leader (004 §9.5),
/// reviewed half-termly. Each has its plan's phases, the parent's signed consent, the local authority told and the
/// DSL's risk assessment approved before the start; their sessions out of school go into the register as C2, so
/// <see cref="DemoAttendance"/> records them as the register does. The plan is produced as a PDF where the web host's
/// templates are at hand (<paramref name="documents"/>), as when <c>scripts/run</c> seeds.
/// </summary>
public static class DemoPartTime
{
    public const string HinckleySchool = "Castle Hill Academy";

    public const string EmetSchool = "Millbrook Community School";

    private static SessionPattern Mornings => SessionPattern.Of(SessionPattern.Weekdays.Select(d => (d, Session.AM)));

    /// <summary>Monday to Thursday mornings: Friday has no time in school, so a welfare check is due each Friday (004 §9.6).</summary>
    private static SessionPattern MondayToThursdayMornings(params DayOfWeek[] fullDays) =>
        SessionPattern.Of([.. SessionPattern.Weekdays.Where(d => d != DayOfWeek.Friday).Select(d => (d, Session.AM)), .. fullDays.Select(d => (d, Session.PM))]);

    private static SessionPattern MorningsAnd(params DayOfWeek[] fullDays) =>
        SessionPattern.Of([.. SessionPattern.Weekdays.Select(d => (d, Session.AM)), .. fullDays.Select(d => (d, Session.PM))]);

    public static async Task SeedAsync(AppDbContext db, DocumentRenderer? documents, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var today = LondonClock.Today(time);
        var thisMonday = AttendanceFigures.WeekOf(today);

        // Hinckley: twelve weeks from the Monday ten weeks ago, so the plan is in its eleventh week.
        await SeedCaseAsync(db, documents, HinckleySchool, "castlehill", approver: "head", thisMonday.AddDays(-70), weeks: 12, yearGroup: 9,
            ["medical", "reintegration"],
            [(0, MondayToThursdayMornings(), 10m), (28, MorningsAnd(DayOfWeek.Tuesday, DayOfWeek.Thursday), 17m), (56, MorningsAnd(DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday), 21.5m)],
            "After a long illness (post-viral fatigue), agreed with the school nurse and the family's GP: an individual health care plan, a quiet room at lunch, and a weekly check-in with the head of year.",
            "Mornings for four weeks, then two full days, then four; full time from week thirteen.", today, leaveLatestCheckMissing: false, cancellationToken);

        // EMET: approved by the AP leader (004 §9.5), to the end of term, reviewed half-termly.
        await SeedCaseAsync(db, documents, EmetSchool, "millbrook", approver: "apleader", thisMonday.AddDays(-21), weeks: 7, yearGroup: 8,
            ["emotional-social-send"],
            [(0, MondayToThursdayMornings(DayOfWeek.Wednesday), 13m), (28, MorningsAnd(DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday), 20m)],
            "SEN support plan for anxiety: a mentor from the pastoral team, sessions with the school's counsellor, and a pass to the inclusion room.",
            "Mornings and Wednesdays, then three full days; full time from January after a review with the family.", today, leaveLatestCheckMissing: true, cancellationToken);
    }

    private static async Task SeedCaseAsync(AppDbContext db, DocumentRenderer? documents, string schoolName, string slug, string approver, DateOnly startAround, int weeks, int yearGroup,
        List<string> reasons, (int Days, SessionPattern InSchool, decimal Hours)[] phases, string supportPlan, string reintegration, DateOnly today, bool leaveLatestCheckMissing, CancellationToken cancellationToken)
    {
        var school = await db.Schools.AsNoTracking().SingleAsync(s => s.Name == schoolName, cancellationToken);
        var authority = await db.LocalAuthorities.AsNoTracking().SingleAsync(a => a.Id == school.LocalAuthorityId, cancellationToken);
        var trustName = await db.Trusts.Where(t => t.Id == school.TrustId).Select(t => t.Name).SingleAsync(cancellationToken);
        var calendar = await SchoolRules.CalendarAsync(db, school.Id);
        // The first school day within a fortnight of startAround; in a longer holiday (Christmas), the last school day before it.
        var startOn = calendar.SchoolDaysBetween(startAround, startAround.AddDays(14)).Select(d => (DateOnly?)d).FirstOrDefault()
            ?? calendar.SchoolDaysBetween(startAround.AddDays(-60), startAround.AddDays(-1)).Last();
        var proposer = await DemoSupport.UserAsync(db, "dsl", slug, cancellationToken);
        var approvedBy = await DemoSupport.UserAsync(db, approver, slug, cancellationToken);
        var head = await DemoSupport.UserAsync(db, "head", slug, cancellationToken);
        var pupil = await db.Pupils.AsNoTracking().Include(p => p.Contacts)
            .Where(p => p.SchoolId == school.Id && p.YearGroup == yearGroup && !p.Flags.Ehcp && !p.Flags.LookedAfter && !p.Flags.HasSocialWorker && p.AdmissionDate < startOn
                && !db.Arrangements.Any(a => a.PupilId == p.Id))
            .OrderBy(p => p.Upn).FirstAsync(cancellationToken);
        var parent = pupil.Contacts.First(c => c.HasParentalResponsibility);
        var day = (int schoolDaysBeforeStart) => DemoSupport.At(DemoFlexi.SchoolDaysBefore(calendar, startOn, schoolDaysBeforeStart));
        var profile = await SchoolRules.ProfileAsync(db, school.Id, DemoFlexi.SchoolDaysBefore(calendar, startOn, 8));
        var part = profile.Settings.PartTime;

        // 1. Proposed by the DSL as part of the wider support plan, with dated phases back to full time (002 §4; 003; 004 §9).
        var endDate = PartTimeRules.LatestEndDate(startOn, part) is { } latest && latest < startOn.AddDays((7 * weeks) - 3) ? latest : startOn.AddDays((7 * weeks) - 3);
        var proposal = new PartTimeProposal(reasons, supportPlan, reintegration, $"{parent.Name} ({parent.Relationship.ToLowerInvariant()}) at home on the afternoons out of school; the head of year phones home on any day without time in school.",
            startOn, endDate, [.. phases.Select(p => new PartTimePhase(startOn.AddDays(p.Days), p.InSchool.Bits, p.Hours))]);
        PartTimeRules.CheckPlan(proposal, pupil.YearGroup, part, profile.Settings.FullTimeHours);
        var (arrangement, proposed) = Arrangement.Propose(ArrangementKind.PartTimeTimetable, school.Id, pupil.Id, DemoFlexi.SchoolDaysBefore(calendar, startOn, 10),
            proposer.DisplayName, "Designated safeguarding lead", "A temporary reduced timetable while the support plan takes effect.", proposer.Id, day(10));
        arrangement.StampTrust(school.TrustId);
        db.Arrangements.Add(arrangement);
        db.ArrangementEvents.Add(proposed);
        var plan = PartTimePlan.Draft(arrangement, proposal);
        db.PartTimePlans.Add(plan);

        // 2. Approved by the profile's approver (the head at Hinckley; the AP leader at EMET).
        var decidedOn = DemoFlexi.SchoolDaysBefore(calendar, startOn, 8);
        PartTimeRules.CheckApproval(arrangement, mayApprove: true, part, DecisionOutcome.Agreed, null, decidedOn, today);
        db.ArrangementEvents.Add(arrangement.Decide(DecisionOutcome.Agreed, [], null, decidedOn, profile.Id, approvedBy.Id, day(8)));
        if (documents is not null)
        {
            await DemoSupport.KeepAsync(db, documents, arrangement, PartTimeDocuments.Plan(school, trustName, arrangement, pupil, plan, profile.Settings, approvedBy.DisplayName), approvedBy.Id, day(8), cancellationToken);
        }

        // 3. The DSL's risk assessment (002 appendix 7; 003 appendix 4 with its mandatory factors), approved by the head.
        var (assessment, started) = RiskAssessment.Start(arrangement, RiskTemplates.For(arrangement.Kind, profile.TemplateKey), proposer.Id, day(7));
        assessment.Edit([.. assessment.Rows.Select(r => r with
        {
            Controls = string.IsNullOrWhiteSpace(r.Controls) ? "Discussed with the family and the pupil; no concern found. Daily contact on afternoons out of school." : r.Controls,
            Responsibility = string.IsNullOrWhiteSpace(r.Responsibility) ? "Designated safeguarding lead" : r.Responsibility,
        })]);
        db.RiskAssessments.Add(assessment);
        db.ArrangementEvents.Add(started);
        db.ArrangementEvents.Add(assessment.Submit(arrangement, proposer.Id, day(6)));
        db.ArrangementEvents.Add(assessment.Approve(arrangement, null, calendar, part.ReviewCadence, DemoFlexi.SchoolDaysBefore(calendar, startOn, 5), head.Id, day(5)));

        // 4. The parent's written consent (003 appendix 1), kept as signed, and the local authority told (002 §4.2(1)).
        var consents = PartTimeRules.Consents(pupil.Flags);
        var signedOn = DemoFlexi.SchoolDaysBefore(calendar, startOn, 4);
        var signed = new CaseDocument(school.Id, arrangement.Id, CaseDocumentKind.ConsentEvidence, $"Signed consent {parent.Name}.pdf", "application/pdf",
            DemoFlexi.MinimalPdf([$"Part-time timetable for {pupil.DisplayName}: parent's agreement (appendix 1).", $"Signed: {parent.Name}, {signedOn:d MMMM yyyy}."]), proposer.Id, day(4));
        db.CaseDocuments.Add(signed);
        var (consent, consented) = ArrangementConsent.Record(arrangement, consents.Single(c => c.Party == ConsentParty.Parent), ConsentAnswer.Given, signedOn,
            $"{parent.Name} ({parent.Relationship.ToLowerInvariant()})", "Signed at the meeting with the DSL.", signed.Id, today, proposer.Id, day(4));
        var (told, recorded) = ArrangementConsent.Record(arrangement, consents.Single(c => c.Party == ConsentParty.LocalAuthority), ConsentAnswer.Told, DemoFlexi.SchoolDaysBefore(calendar, startOn, 3),
            authority.Recipient, $"Through the council's online form ({authority.Address}).", null, today, proposer.Id, day(3));
        db.ArrangementConsents.AddRange(consent, told);
        db.ArrangementEvents.AddRange(consented, recorded);

        // 5. The start on the agreed date: sessions out of school as C2, the first review at the profile's cadence.
        var start = PartTimeRules.Start(arrangement, plan, PartTimeRules.StartGates([consent, told], assessment, pupil.Flags), part, calendar, pupil.DateOfBirth, startOn, today, approvedBy.Id, DemoSupport.At(startOn));
        db.AddStart(start);

        // 6. The reviews held so far, each on its due date with the parent's signature; the latest one left overdue.
        var periodFrom = startOn;
        for (var review = start.FirstReview; review is not null && CaseRules.NextReviewDue(calendar, arrangement.Kind, profile.Settings, review.DueOn) is { } next && next < today;)
        {
            var number = db.ChangeTracker.Entries<ArrangementReview>().Count(e => e.Entity.ArrangementId == arrangement.Id && e.Entity.IsHeld) + 1;
            db.ArrangementEvents.Add(review.Hold(arrangement, new ReviewRecord(review.DueOn, $"{proposer.DisplayName} (DSL), {parent.Name}, the pupil", "Attending every session in school; settled in lessons and catching up on missed work.",
                false, "Pleased with progress; the afternoons at home are working.", "Finds the mornings easier now; wants more time with friends at lunch.", ReviewOutcome.Continue,
                $"Review {number}: continue as planned; the next phase starts on its date.", parent.Name), 0, 0, today, proposer.Id, DemoSupport.At(review.DueOn)));
            if (documents is not null)
            {
                await DemoSupport.KeepAsync(db, documents, arrangement, ReviewDocuments.Record(school, trustName, arrangement, pupil, review, periodFrom, ReviewOutcomes.Label(arrangement.Kind, ReviewOutcome.Continue), proposer.DisplayName),
                    proposer.Id, DemoSupport.At(review.DueOn), cancellationToken);
            }

            periodFrom = review.DueOn.AddDays(1);
            var (scheduled, scheduledEvent) = ArrangementReview.Schedule(arrangement, next, proposer.Id, DemoSupport.At(review.DueOn));
            db.ArrangementReviews.Add(scheduled);
            db.ArrangementEvents.Add(scheduledEvent);
            review = scheduled;
        }

        // 7. The welfare checks on Fridays without time in school (004 §9.6); at Millbrook the latest is still missing, so the
        // attendance officer's follow-up list asks for it.
        var due = PartTimeRules.WelfareChecksDue(arrangement, plan, calendar, part, startOn, today.AddDays(-1));
        foreach (var date in leaveLatestCheckMissing ? due.SkipLast(1) : due)
        {
            var (check, checkedOn) = WelfareCheck.Record(arrangement, due: true, alreadyRecorded: false, date, WelfareCheckMethod.Phone,
                $"Spoke to {parent.Name} and to the pupil at midday: working through the set tasks, well and safe.", today, proposer.Id, DemoSupport.At(date).AddHours(3));
            db.WelfareChecks.Add(check);
            db.ArrangementEvents.Add(checkedOn);
        }

        DemoSupport.StampTrust(db, school.TrustId);
        await db.SaveChangesAsync(cancellationToken);
    }
}
