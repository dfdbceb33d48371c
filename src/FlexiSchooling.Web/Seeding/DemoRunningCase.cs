using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.RiskAssessments;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// A running flexi-schooling case in the demo, so a demo user sees a case in the register, its two attendance
/// figures, its scheduled review and a formal review without walking a case through first. It is walked
/// through by the same domain methods the pages call — request, meeting, decision, agreement, risk assessment
/// by the DSL approved by the head, both signatures in person, the local authority told, start — each on the
/// school day it would have happened, with every document produced by the one renderer from
/// <see cref="FlexiDocuments"/>, exactly as the pages produce them. It starts on the day the demo's marks
/// begin, before they are written, so <see cref="DemoAttendance"/> records its home sessions as the register
/// does (the profile's code, not expected in school); the agreed school sessions are attended but for an
/// illness over the latest agreed days, enough to fall below DDAT's 97% (000 §7) whichever day the demo is seeded, so <see cref="RaiseFormalReviewAsync"/> raises the
/// formal review by the code the register uses, waiting for the Deputy CEO's agreement.
/// It needs the web host (the documents use its Razor templates), and is seeded only when the demo's marks
/// reach two weeks past the start.
/// </summary>
public static class DemoRunningCase
{
    public const string SchoolName = "Ashby Lane Primary School";

    private static readonly (DayOfWeek Day, Session Session)[] InSchool =
    [
        (DayOfWeek.Tuesday, Session.AM), (DayOfWeek.Tuesday, Session.PM), (DayOfWeek.Wednesday, Session.AM), (DayOfWeek.Wednesday, Session.PM),
        (DayOfWeek.Thursday, Session.AM), (DayOfWeek.Thursday, Session.PM),
    ];

    /// <summary>The seeded case: its pupil, the register codes of its agreed school sessions, and the day of the illness.</summary>
    public sealed record Seeded(Guid CaseId, Guid PupilId, IReadOnlyDictionary<(Guid Pupil, DateOnly Date, Session Session), string> Planned, DateOnly IllOn);

    /// <summary>Walks the case to its start in the seed's context and transaction; null when the demo's marks would be too few.</summary>
    internal static async Task<Seeded?> SeedAsync(AppDbContext db, IServiceProvider services, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var today = LondonClock.Today(time);
        // The case starts on the first school day of the demo's marks.
        var marksFrom = new DemoCalendar(today).MarksFrom;
        var school = await db.Schools.AsNoTracking().SingleAsync(s => s.Name == SchoolName, cancellationToken);
        var authority = await db.LocalAuthorities.AsNoTracking().SingleAsync(a => a.Id == school.LocalAuthorityId, cancellationToken);
        var trustName = await db.Trusts.Where(t => t.Id == school.TrustId).Select(t => t.Name).SingleAsync(cancellationToken);
        var calendar = await SchoolRules.CalendarAsync(db, school.Id);
        var startOn = calendar.SchoolDaysBetween(marksFrom, marksFrom.AddDays(14)).First();
        var schoolDaysSince = calendar.SchoolDaysBetween(startOn, today.AddDays(-1)).ToList();
        if (schoolDaysSince.Count < 10)
        {
            return null;
        }

        await using var scope = services.CreateAsyncScope();
        var documents = scope.ServiceProvider.GetRequiredService<DocumentRenderer>();
        var head = await DemoSupport.UserAsync(db, "head", "ashby", cancellationToken);
        var dsl = await DemoSupport.UserAsync(db, "dsl", "ashby", cancellationToken);
        var pupil = await db.Pupils.AsNoTracking().Include(p => p.Contacts)
            .Where(p => p.SchoolId == school.Id && !p.Flags.Ehcp && !p.Flags.HasSocialWorker && p.YearGroup >= 3 && p.YearGroup <= 5 && p.AdmissionDate < marksFrom
                && !db.Arrangements.Any(a => a.PupilId == p.Id))
            .OrderBy(p => p.Upn).FirstAsync(cancellationToken);
        var parent = pupil.Contacts.First(c => c.HasParentalResponsibility);
        var day = (int schoolDaysBeforeStart) => DemoSupport.At(DemoFlexi.SchoolDaysBefore(calendar, startOn, schoolDaysBeforeStart));

        // 1. The parent's written request (000 §4), and 2. the meeting.
        var requestedOn = DemoFlexi.SchoolDaysBefore(calendar, startOn, 25);
        var (arrangement, requested) = Arrangement.RequestFlexi(school.Id, pupil.Id, requestedOn, parent.Name, parent.Relationship,
            "Mondays and Fridays at home for music, forest school with a home-education group and family learning; Tuesday to Thursday in school.", head.Id, day(25));
        arrangement.StampTrust(school.TrustId);
        db.Arrangements.Add(arrangement);
        db.ArrangementEvents.Add(requested);
        db.CaseDocuments.Add(new CaseDocument(school.Id, arrangement.Id, CaseDocumentKind.RequestLetter, $"Letter from {parent.Name}.pdf", "application/pdf",
            DemoFlexi.MinimalPdf(["Dear Headteacher,", $"We would like {pupil.DisplayName} to be flexi-schooled: Mondays and Fridays at home,", $"Tuesday to Thursday at school, from {startOn:dddd d MMMM}.", $"Yours sincerely, {parent.Name}"]),
            head.Id, day(25)));
        var meetingOn = DemoFlexi.SchoolDaysBefore(calendar, startOn, 22);
        var settings = (await SchoolRules.ProfileAsync(db, school.Id, meetingOn)).Settings.Flexi;
        db.ArrangementEvents.Add(arrangement.RecordMeeting(meetingOn, $"{parent.Name} ({parent.Relationship.ToLowerInvariant()}), {head.DisplayName} (headteacher), {dsl.DisplayName} (DSL)",
            "Went through the home curriculum (music, maths and outdoor learning), who is at home on Mondays and Fridays, how weekly planning is shared and how progress is reviewed termly.",
            FlexiRules.DecisionDueBy(calendar, meetingOn, settings), today, head.Id, day(22)));

        // 3. The head's decision on each 000 §4 criterion, with its letter.
        var decidedOn = DemoFlexi.SchoolDaysBefore(calendar, startOn, 20);
        var profile = await SchoolRules.ProfileAsync(db, school.Id, decidedOn);
        var criteria = FlexiRules.Criteria.Select(c => new CriterionAssessment(c.Key, true, $"Met: discussed at the meeting on {meetingOn:d MMMM}.")).ToList();
        FlexiRules.CheckDecision(arrangement, DecisionOutcome.Agreed, criteria, null, pupil.Flags.Ehcp, decidedOn, today);
        db.ArrangementEvents.Add(arrangement.Decide(DecisionOutcome.Agreed, criteria, null, decidedOn, profile.Id, head.Id, day(20)));
        settings = profile.Settings.Flexi;
        await DemoSupport.KeepAsync(db, documents, arrangement, FlexiDocuments.Decision(school, trustName, arrangement, pupil, head.DisplayName), head.Id, day(20), cancellationToken);

        // 4. The agreement (000 §4, 004 §10.5), Tuesday to Thursday in school.
        var terms = new AgreementTerms(
            "English, maths, science and the rest of the national curriculum on Tuesdays to Thursdays; weekly planning shared with the family each Friday.",
            "Music practice and lessons, forest school with a home-education group, reading and maths practice set by the class teacher.",
            parent.Name,
            "The school tells the family of trips and events on home days a fortnight ahead; the family may ask to swap a day for a family event, agreed with the head.",
            "Assessed in school with the class; the family keeps a diary and work samples and brings them to each review.",
            "None: the child has no special educational needs.",
            "The full national curriculum is taught across the school days; home learning extends music and outdoor learning.",
            "The family wants to build on the child's music and outdoor learning; the child is doing well in school.",
            startOn, SessionPattern.Of(InSchool));
        var (agreement, drafted) = FlexiAgreement.DraftFor(arrangement, terms, calendar, head.Id, day(19));
        db.FlexiAgreements.Add(agreement);
        db.ArrangementEvents.Add(drafted);
        await DemoSupport.KeepAsync(db, documents, arrangement, FlexiDocuments.Agreement(school, trustName, arrangement, pupil, agreement, settings), head.Id, day(19), cancellationToken);

        // 5. The DSL's risk assessment (002 appendix 8), approved by the head.
        var template = RiskTemplates.For(arrangement.Kind, profile.TemplateKey);
        var (assessment, started) = RiskAssessment.Start(arrangement, template, dsl.Id, day(18));
        db.RiskAssessments.Add(assessment);
        db.ArrangementEvents.Add(started);
        db.ArrangementEvents.Add(assessment.Submit(arrangement, dsl.Id, day(17)));
        db.ArrangementEvents.Add(assessment.Approve(arrangement, null, calendar, settings.ReviewCadence, DemoFlexi.SchoolDaysBefore(calendar, startOn, 16), head.Id, day(16)));
        await DemoSupport.KeepAsync(db, documents, arrangement, FlexiDocuments.RiskAssessment(school, trustName, pupil, template, assessment, dsl.DisplayName, head.DisplayName), head.Id, day(16), cancellationToken);

        // 6. Both signatures in person, on the same draft, with the scan kept.
        var signedOn = DemoFlexi.SchoolDaysBefore(calendar, startOn, 14);
        db.ArrangementEvents.Add(agreement.Sign(arrangement, parent: true, parent.Name, signedOn, today, head.Id, day(14)));
        db.ArrangementEvents.Add(agreement.Sign(arrangement, parent: false, head.DisplayName, signedOn, today, head.Id, day(14)));
        db.CaseDocuments.Add(new CaseDocument(school.Id, arrangement.Id, CaseDocumentKind.SignedAgreement, $"Signed agreement {FlexiDocuments.PupilName(pupil)} draft {agreement.Draft}.pdf", "application/pdf",
            DemoFlexi.MinimalPdf([$"Flexi-schooling agreement for {pupil.DisplayName}, draft {agreement.Draft}.", $"Signed: {parent.Name} (parent), {signedOn:d MMMM yyyy}.", $"Signed: {head.DisplayName} (headteacher), {signedOn:d MMMM yyyy}."]),
            head.Id, day(14)));

        // The local authority told (002 §5.1; 000 §5), and the trust too where the profile says (OLoL).
        var notifiedOn = DemoFlexi.SchoolDaysBefore(calendar, startOn, 13);
        var told = new List<ArrangementConsent>();
        foreach (var requirement in FlexiRules.Consents(settings))
        {
            var toTrust = requirement.Party == ConsentParty.Trust;
            var to = toTrust ? $"{trustName}, the link director of performance and standards" : authority.Recipient;
            var letter = await DemoSupport.KeepAsync(db, documents, arrangement, FlexiDocuments.Notification(school, trustName, notifiedOn, to, toTrust, pupil, arrangement, agreement, settings, head.DisplayName), head.Id, day(13), cancellationToken);
            var (consent, recorded) = ArrangementConsent.Record(arrangement, requirement, ConsentAnswer.Told, notifiedOn, to, null, letter.Id, today, head.Id, day(13));
            db.ArrangementConsents.Add(consent);
            db.ArrangementEvents.Add(recorded);
            told.Add(consent);
        }

        // 7. The start, once every gate is met: home sessions in the register, the first review at the cadence.
        db.AddStart(FlexiRules.Start(arrangement, agreement, FlexiRules.StartGates(agreement, assessment, told, settings), settings, calendar, startOn, today, head.Id, day(1)));

        DemoSupport.StampTrust(db, school.TrustId);
        await db.SaveChangesAsync(cancellationToken);

        // The register since the start: the agreed school sessions attended, but for an illness over the latest agreed
        // days — as many as take attendance at them below the profile's formal-review figure (000 §7) on the seed's day:
        // one day in the case's first weeks, more as the weeks pass, so the demo shows its formal review whichever day it
        // is seeded. Only home days follow the last, so the review is raised on the figure of that day.
        var sessions = schoolDaysSince
            .SelectMany(d => new[] { Session.AM, Session.PM }.Select(s => (Date: d, Session: s)))
            .Where(s => agreement.Pattern.InSchool(s.Date.DayOfWeek, s.Session))
            .ToList();
        var illDays = IllDays(sessions.Select(s => s.Date).ToList(), settings.FormalReviewBelowPercent ?? 100m);
        var planned = sessions.ToDictionary(s => (pupil.Id, s.Date, s.Session), s => illDays.Contains(s.Date) ? "I" : AttendanceCodeSet.Present(s.Session));
        return new Seeded(arrangement.Id, pupil.Id, planned, illDays.Max());
    }

    /// <summary>
    /// The latest days of the agreed school sessions (one date per session) the pupil is ill on: from the last backwards,
    /// until attendance at those sessions is below <paramref name="belowPercent"/>.
    /// </summary>
    internal static IReadOnlySet<DateOnly> IllDays(IReadOnlyList<DateOnly> sessionDates, decimal belowPercent)
    {
        var ill = new HashSet<DateOnly>();
        foreach (var day in sessionDates.Distinct().OrderDescending())
        {
            ill.Add(day);
            var attended = sessionDates.Count(d => !ill.Contains(d));
            if (attended * 100m / sessionDates.Count < belowPercent)
            {
                break;
            }
        }

        return ill;
    }

    /// <summary>Once the marks are written: the formal review the register's save raised on the last day of the illness.</summary>
    internal static Task RaiseFormalReviewAsync(AppDbContext db, Seeded seeded) =>
        FlexiReviews.RaiseOnAttendanceAsync(db, [seeded.PupilId], seeded.IllOn, null, DemoSupport.At(seeded.IllOn));
}
