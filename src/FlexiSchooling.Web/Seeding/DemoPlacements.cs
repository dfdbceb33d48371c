using FlexiSchooling.Data;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// The demo's AP placements (issue 12, "Also"): at Castle Hill, five full-time Year 10 and 11 pupils agreed at Moorland
/// Farm Project — unregistered, so the trust is in breach of the registration rule there (004 §7.2) and the register
/// says so — each waiting for its gates before the start; a part-time referral to Riverside Skills Centre waiting for the
/// head's agreement; an off-site direction to Riverside waiting for the governors; and a placement at Riverside running
/// since September, visited at half-term. At Ashby Lane, a part-time referral to Riverside, and a placement there running
/// since September whose QA visit is overdue; at Millbrook, one agreed at Bedford Engineering College. The breach was made
/// before the trust used the product, as it would be found on a first audit: the product itself refuses the fifth.
/// </summary>
internal static class DemoPlacements
{
    public static async Task SeedAsync(AppDbContext db, Documents.DocumentRenderer? documents, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var today = LondonClock.Today(time);
        // Placements begin on a Monday, two weeks or more ahead.
        var start = today.AddDays(14);
        while (start.DayOfWeek != DayOfWeek.Monday)
        {
            start = start.AddDays(1);
        }

        var farm = await db.AlternativeProviders.SingleAsync(p => p.Name == "Moorland Farm Project", cancellationToken);
        var riverside = await db.AlternativeProviders.SingleAsync(p => p.Name == "Riverside Skills Centre", cancellationToken);
        var college = await db.AlternativeProviders.SingleAsync(p => p.Name == "Bedford Engineering College", cancellationToken);

        var farmPlacements = new List<(Arrangement Case, Placement Placement)>();
        foreach (var year in new[] { 10, 10, 11, 11, 11 })
        {
            farmPlacements.Add(await PlaceAsync(db, "castlehill", farm, year, fullTime: true, start.AddDays(-56), start.AddDays(116), agreed: true,
                "Land-based learning towards a level 2 qualification; attendance at school below 60% this year.", cancellationToken));
        }

        await CommissionAsync(db, documents, farmPlacements[0], farm, "Monday to Friday, 9:00 to 15:00", "Gareth Lowe, farm manager", today, cancellationToken);

        await PlaceAsync(db, "castlehill", riverside, 10, fullTime: false, start, start.AddDays(88), agreed: false,
            "Two days a week of motor vehicle skills, to re-engage with learning; English and maths stay in school.", cancellationToken);
        await PlaceAsync(db, "ashby", riverside, 6, fullTime: false, start, start.AddDays(59), agreed: false,
            "Two mornings a week of nurture-based learning before the move to secondary school.", cancellationToken);
        var engineering = await PlaceAsync(db, "millbrook", college, 11, fullTime: false, start, start.AddDays(116), agreed: true,
            "Engineering taster and level 1 certificate, two days a week, towards a post-16 apprenticeship.", cancellationToken);
        await CommissionAsync(db, documents, engineering, college, "Thursday and Friday, 9:00 to 15:30", "Dr Helen Marsh, head of schools partnerships", today, cancellationToken);

        // An off-site direction to improve behaviour at Castle Hill, agreed by the head and waiting for the governors (004 §6).
        await PlaceAsync(db, "castlehill", riverside, 8, fullTime: false, start, start.AddDays(42), agreed: true,
            "Two days a week at the skills centre to improve behaviour after two suspensions this term: anger management with a mentor, and practical work that keeps them engaged.", cancellationToken, direction: true);

        // Running since the first Monday of the autumn term at two schools: Castle Hill's visited five weeks in (its
        // next visit due before Christmas), Ashby Lane's never visited — its half-termly QA visit overdue.
        var autumn = new DemoCalendar(today).On(2026, 9, 7);
        if (autumn.AddDays(28) < today)
        {
            // Visited five weeks in, or yesterday if that is still to come.
            var visited = autumn.AddDays(35) < today ? autumn.AddDays(35) : today.AddDays(-1);
            var castleHill = await PlaceAsync(db, "castlehill", riverside, 9, fullTime: false, autumn, autumn.AddDays(200), agreed: true,
                "Two days a week of construction skills to re-engage with learning after a year of falling attendance; English and maths stay in school.", cancellationToken);
            await CommissionAsync(db, documents, castleHill, riverside, "Thursday and Friday, 9:00 to 15:00", "Sam Okafor, centre manager", today, cancellationToken);
            await RunAsync(db, castleHill, riverside, visited, today, cancellationToken);
            var ashby = await PlaceAsync(db, "ashby", riverside, 5, fullTime: false, autumn, autumn.AddDays(150), agreed: true,
                "Two days a week of nurture-based learning in a small group while the school's support plan takes effect.", cancellationToken);
            await CommissionAsync(db, documents, ashby, riverside, "Thursday and Friday, 9:00 to 14:30", "Sam Okafor, centre manager", today, cancellationToken);
            await RunAsync(db, ashby, riverside, null, today, cancellationToken);
        }
    }

    /// <summary>
    /// Takes an agreed, commissioned placement through its gates as the school would — the DSL's risk assessment approved
    /// by the head, the parents' signed agreement, the local authority told — and starts it on its date, its sessions at the
    /// provider B in the register; then the QA visit made on <paramref name="visitedOn"/>, if any.
    /// </summary>
    private static async Task RunAsync(AppDbContext db, (Arrangement Case, Placement Placement) placed, AlternativeProvider provider, DateOnly? visitedOn, DateOnly today, CancellationToken cancellationToken)
    {
        var (arrangement, placement) = placed;
        var school = await db.Schools.AsNoTracking().SingleAsync(s => s.Id == arrangement.SchoolId, cancellationToken);
        var slug = school.Name.StartsWith("Ashby", StringComparison.Ordinal) ? "ashby" : "castlehill";
        var (dsl, head, apLeader) = (await DemoSupport.UserAsync(db, "dsl", slug, cancellationToken), await DemoSupport.UserAsync(db, "head", slug, cancellationToken),
            await DemoSupport.UserAsync(db, "apleader", slug, cancellationToken));
        var pupil = await db.Pupils.AsNoTracking().SingleAsync(p => p.Id == arrangement.PupilId, cancellationToken);
        var calendar = await SchoolRules.CalendarAsync(db, school.Id);
        var profile = await SchoolRules.ProfileAsync(db, school.Id, placement.StartDate);
        var before = placement.StartDate.AddDays(-3);

        var (assessment, begun) = Domain.RiskAssessments.RiskAssessment.Start(arrangement, Domain.RiskAssessments.RiskTemplates.For(arrangement.Kind, profile.TemplateKey), dsl.Id, DemoSupport.At(before.AddDays(-4)));
        assessment.Edit([.. assessment.Rows.Select(r => r with
        {
            Controls = string.IsNullOrWhiteSpace(r.Controls) ? $"Checked with {provider.Name} on the initial visit; the provider phones any absence by 10:00." : r.Controls,
            Responsibility = string.IsNullOrWhiteSpace(r.Responsibility) ? "Alternative provision leader" : r.Responsibility,
        })]);
        db.RiskAssessments.Add(assessment);
        db.ArrangementEvents.Add(begun);
        db.ArrangementEvents.Add(assessment.Submit(arrangement, dsl.Id, DemoSupport.At(before.AddDays(-3))));
        db.ArrangementEvents.Add(assessment.Approve(arrangement, null, calendar, profile.Settings.AlternativeProvision.ReviewCadence, before.AddDays(-2), head.Id, DemoSupport.At(before.AddDays(-2))));

        var parent = await db.PupilContacts.AsNoTracking().Where(c => c.PupilId == pupil.Id).OrderBy(c => c.Name).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken) ?? "Parent";
        var requirements = PlacementRules.Consents(pupil.Flags);
        var signed = new CaseDocument(school.Id, arrangement.Id, CaseDocumentKind.ConsentEvidence, $"Signed agreement {parent}.pdf", "application/pdf",
            DemoFlexi.MinimalPdf([$"Alternative provision at {provider.Name} for {pupil.DisplayName}: the parents' agreement.", $"Signed: {parent}, {before:d MMMM yyyy}."]), apLeader.Id, DemoSupport.At(before));
        db.CaseDocuments.Add(signed);
        var (consent, consented) = ArrangementConsent.Record(arrangement, requirements.Single(c => c.Party == ConsentParty.Parent), ConsentAnswer.Given, before, parent,
            "Signed at the meeting with the AP leader.", signed.Id, today, apLeader.Id, DemoSupport.At(before));
        var authority = await SchoolRules.LocalAuthorityAsync(db, school.Id);
        var (told, recorded) = ArrangementConsent.Record(arrangement, requirements.Single(c => c.Party == ConsentParty.LocalAuthority), ConsentAnswer.Told, before,
            authority.Recipient, "Letter of notification sent (004 §7.12).", null, today, apLeader.Id, DemoSupport.At(before));
        db.ArrangementConsents.AddRange(consent, told);
        db.ArrangementEvents.AddRange(consented, recorded);

        var gates = PlacementRules.StartGates([consent, told], assessment, commissioningAgreed: true, pupil.Flags, authority);
        var start = PlacementRules.Start(arrangement, placement, provider.Name, gates, profile.Settings.AlternativeProvision, calendar, placement.StartDate, today, apLeader.Id, DemoSupport.At(placement.StartDate));
        db.AddStart(start);
        if (visitedOn is { } visited)
        {
            // The half-term's review with the parents, held on time as the progress report of appendix 6; the next scheduled.
            if (start.FirstReview is { } review && review.DueOn < today)
            {
                db.ArrangementEvents.Add(review.Hold(arrangement, new ReviewRecord(review.DueOn, $"{apLeader.DisplayName} (AP leader), {parent}, the pupil, the centre's tutor",
                    "Two construction units under way; reading age assessed and a literacy target set", false, "Pleased: the pupil talks about the site at home", "Likes working with his hands; wants more time on the brickwork bay",
                    ReviewOutcome.Continue, "Continue as agreed; the reintegration plan to be written before Christmas.", null,
                    new ProgressReport("Settled; no incidents at the centre", "Level 1 construction award, then a return to school full time in the spring", "Attend every session; finish unit 2 by February half-term")),
                    0, 0, today, apLeader.Id, DemoSupport.At(review.DueOn)));
                if (CaseRules.NextReviewDue(calendar, arrangement.Kind, profile.Settings, review.DueOn) is { } next)
                {
                    var (scheduled, scheduledEvent) = ArrangementReview.Schedule(arrangement, next, apLeader.Id, DemoSupport.At(review.DueOn));
                    db.ArrangementReviews.Add(scheduled);
                    db.ArrangementEvents.Add(scheduledEvent);
                }
            }

            var visit = PlacementVisit.Record(arrangement, new VisitRecord(visited, $"{apLeader.DisplayName}, AP leader", "", "None", "Every session attended; one late arrival reported by 09:30",
                "Settled; works well with the site team", "Two construction units under way; reading age assessed", "Level 1 construction award on track", "", Satisfactory: true), today, apLeader.Id, DemoSupport.At(visited));
            db.PlacementVisits.Add(visit);
            db.ArrangementEvents.Add(arrangement.Event("QA visit recorded", $"Visited {provider.Name} on {visited:d MMMM yyyy}: satisfactory.", apLeader.Id, DemoSupport.At(visited)));
        }

        // The provider's daily reports (002 §4.4) for the last two weeks' days at the provider, as the attendance officer took
        // them: in by 10:00, one a late arrival (still B in the register: the pupil was at the provider); today's still to come.
        var officer = await DemoSupport.UserAsync(db, "attendance", slug, cancellationToken);
        var due = Enumerable.Range(1, 14).Select(n => today.AddDays(-n)).Where(d => ProviderReport.DueAtProvider(arrangement.Stage, arrangement.StartedOn, placement, calendar, d)).OrderBy(d => d).ToList();
        foreach (var day in due)
        {
            var late = day == due[0];
            var received = new TimeOnly(9, 10 + (day.DayNumber % 4) * 10);
            db.ProviderReports.Add(ProviderReport.Record(arrangement, placement, calendar, day, late ? ProviderReportOutcome.ArrivedLate : ProviderReportOutcome.Attended,
                late ? "Arrived at 09:50: the bus from the estate was late; the centre rang when the pupil had not arrived at 09:15." : "", ProviderReportChannel.Phone, received, today, new TimeOnly(23, 59),
                officer.Id, LondonClock.AtLondon(day, received.AddMinutes(2))));
        }

        DemoSupport.StampTrust(db, provider.TrustId);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<(Arrangement Case, Placement Placement)> PlaceAsync(AppDbContext db, string slug, AlternativeProvider provider, int yearGroup, bool fullTime, DateOnly start, DateOnly end, bool agreed,
        string reasons, CancellationToken cancellationToken, bool direction = false)
    {
        var apLeader = await DemoSupport.UserAsync(db, "apleader", slug, cancellationToken);
        var head = await DemoSupport.UserAsync(db, "head", slug, cancellationToken);
        var schoolId = await db.RoleAssignments.AsNoTracking().Where(r => r.UserId == head.Id).Select(r => r.SchoolId!.Value).FirstAsync(cancellationToken);
        var pupil = await db.Pupils.AsNoTracking()
            .Where(p => p.SchoolId == schoolId && p.YearGroup == yearGroup && !p.Flags.Ehcp && !p.Flags.LookedAfter && !p.Flags.HasSocialWorker && !db.Arrangements.Any(a => a.PupilId == p.Id))
            .OrderBy(p => p.Upn).FirstAsync(cancellationToken);
        var referredOn = start.AddDays(-21);
        var (arrangement, proposed) = Arrangement.Propose(ArrangementKind.AlternativeProvision, schoolId, pupil.Id, referredOn, apLeader.DisplayName, "Alternative provision leader",
            $"{(fullTime ? "Full-time" : "Part-time")} placement at {provider.Name}", apLeader.Id, DemoSupport.At(referredOn));
        arrangement.StampTrust(provider.TrustId);
        db.Arrangements.Add(arrangement);
        db.ArrangementEvents.Add(proposed);
        // Part time: Monday to Wednesday in school, Thursday and Friday at the provider.
        var inSchool = fullTime ? new SessionPattern(0) : SessionPattern.Of(SessionPattern.Weekdays.Take(3).SelectMany(d => new[] { (d, Domain.Attendance.Session.AM), (d, Domain.Attendance.Session.PM) }));
        var placement = Placement.Refer(arrangement, new PlacementReferral(provider.Id, fullTime, inSchool, start, end, reasons,
            "Pastoral support plan and a mentor since September; early help assessment completed.", fullTime ? 9600m : 2400m, "The school's high-needs and pupil premium budgets",
            "Parents came in with the pupil; they want a practical course and agreed to the trial.", "\"I'd come every day if it was doing something with my hands.\"", direction ? null : referredOn.AddDays(2),
            direction ? CensusPlacementReason.Behaviour : CensusPlacementReason.Reengagement, direction));
        db.Placements.Add(placement);
        if (agreed)
        {
            var decidedOn = referredOn.AddDays(7);
            var profile = await SchoolRules.ProfileAsync(db, schoolId, decidedOn);
            db.ArrangementEvents.Add(arrangement.Decide(DecisionOutcome.Agreed, [], null, decidedOn, profile.Id, head.Id, DemoSupport.At(decidedOn)));
        }

        DemoSupport.StampTrust(db, provider.TrustId);
        await db.SaveChangesAsync(cancellationToken);
        return (arrangement, placement);
    }

    /// <summary>The commissioning agreement of 004 §7.11, agreed with the provider a week after the head, and its PDF where the host can render it.</summary>
    private static async Task CommissionAsync(AppDbContext db, Documents.DocumentRenderer? documents, (Arrangement Case, Placement Placement) placed, AlternativeProvider provider,
        string daysAndTimes, string signatory, DateOnly today, CancellationToken cancellationToken)
    {
        var apLeader = await db.RoleAssignments.AsNoTracking().Where(r => r.SchoolId == placed.Case.SchoolId && r.Role == Domain.Security.StaffRole.AlternativeProvisionLeader)
            .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => u).FirstAsync(cancellationToken);
        var agreedOn = placed.Case.DecidedOn!.Value.AddDays(7) is var d && d <= today ? d : today;
        var terms = new CommissioningTerms(daysAndTimes, placed.Placement.Reasons, "A recognised level 1 or 2 qualification, with English and maths kept up in school",
            "A half-day visit with the AP leader and a parent before the first day", "A named key worker at the provider; the school's mentor visits each half-term",
            "AM and PM registers kept; any absence phoned to the school by 10:00 and the week's register emailed each Friday",
            "The provider's designated safeguarding lead reports any concern to the school's DSL the same day",
            "Lunch provided by the provider and charged to the school for pupils entitled to free school meals", "Entries made by the school; exams sat at school",
            "A weekly email to the AP leader; the provider calls home each Friday", placed.Placement.FullCost,
            "A review meeting each half-term at the provider with the AP leader, the parents and the pupil; a formal review sooner if attendance falls below 90%",
            agreedOn, signatory);
        var agreement = CommissioningAgreement.Record(placed.Placement, terms, today, apLeader.Id, DemoSupport.At(agreedOn));
        db.CommissioningAgreements.Add(agreement);
        db.ArrangementEvents.Add(placed.Case.Event("Commissioning agreement recorded", $"Agreed with {provider.Name} ({signatory}) on {agreedOn:d MMMM yyyy} (004 §7.11).", apLeader.Id, DemoSupport.At(agreedOn)));
        if (documents is not null)
        {
            var school = await db.Schools.AsNoTracking().SingleAsync(s => s.Id == placed.Case.SchoolId, cancellationToken);
            var trust = await db.Trusts.Where(t => t.Id == school.TrustId).Select(t => t.Name).SingleAsync(cancellationToken);
            var pupil = await db.Pupils.AsNoTracking().SingleAsync(p => p.Id == placed.Case.PupilId, cancellationToken);
            var offSite = (await SchoolRules.ProfileAsync(db, school.Id, agreedOn)).Settings.AlternativeProvision.OffSiteCode;
            var document = Documents.PlacementDocuments.Commissioning(school, trust, pupil, placed.Placement, provider, agreement, offSite, apLeader.DisplayName);
            var pdf = await documents.PdfAsync(document.Template, document.Model, cancellationToken);
            db.CaseDocuments.Add(new CaseDocument(school.Id, placed.Case.Id, document.Kind, document.FileName, "application/pdf", pdf, apLeader.Id, DemoSupport.At(agreedOn)));
        }

        DemoSupport.StampTrust(db, provider.TrustId);
        await db.SaveChangesAsync(cancellationToken);
    }
}
