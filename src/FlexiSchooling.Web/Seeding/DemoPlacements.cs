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
/// says so — each waiting for its gates before the start — and a part-time referral to Riverside Skills Centre waiting for
/// the head's agreement; at Ashby Lane, a part-time referral to Riverside; at Millbrook, one to Bedford Engineering
/// College. The breach was made before the trust used the product, as it would be found on a first audit: the product
/// itself refuses the fifth.
/// </summary>
internal static class DemoPlacements
{
    public static async Task SeedAsync(AppDbContext db, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var today = LondonClock.Today(time);
        var start = today.AddDays(14);
        var farm = await db.AlternativeProviders.SingleAsync(p => p.Name == "Moorland Farm Project", cancellationToken);
        var riverside = await db.AlternativeProviders.SingleAsync(p => p.Name == "Riverside Skills Centre", cancellationToken);
        var college = await db.AlternativeProviders.SingleAsync(p => p.Name == "Bedford Engineering College", cancellationToken);

        foreach (var year in new[] { 10, 10, 11, 11, 11 })
        {
            await PlaceAsync(db, "castlehill", farm, year, fullTime: true, start.AddDays(-60), start.AddDays(120), agreed: true,
                "Land-based learning towards a level 2 qualification; attendance at school below 60% this year.", cancellationToken);
        }

        await PlaceAsync(db, "castlehill", riverside, 10, fullTime: false, start, start.AddDays(90), agreed: false,
            "Two days a week of motor vehicle skills, to re-engage with learning; English and maths stay in school.", cancellationToken);
        await PlaceAsync(db, "ashby", riverside, 6, fullTime: false, start, start.AddDays(60), agreed: false,
            "Two mornings a week of nurture-based learning before the move to secondary school.", cancellationToken);
        await PlaceAsync(db, "millbrook", college, 11, fullTime: false, start, start.AddDays(120), agreed: false,
            "Engineering taster and level 1 certificate, three days a week, towards a post-16 apprenticeship.", cancellationToken);
    }

    private static async Task PlaceAsync(AppDbContext db, string slug, AlternativeProvider provider, int yearGroup, bool fullTime, DateOnly start, DateOnly end, bool agreed,
        string reasons, CancellationToken cancellationToken)
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
        db.Placements.Add(Placement.Refer(arrangement, new PlacementReferral(provider.Id, fullTime, inSchool, start, end, reasons,
            "Pastoral support plan and a mentor since September; early help assessment completed.", fullTime ? 9600m : 2400m, "The school's high-needs and pupil premium budgets",
            "Parents came in with the pupil; they want a practical course and agreed to the trial.", "\"I'd come every day if it was doing something with my hands.\"", referredOn.AddDays(2))));
        if (agreed)
        {
            var decidedOn = referredOn.AddDays(7);
            var profile = await SchoolRules.ProfileAsync(db, schoolId, decidedOn);
            db.ArrangementEvents.Add(arrangement.Decide(DecisionOutcome.Agreed, [], null, decidedOn, profile.Id, head.Id, DemoSupport.At(decidedOn)));
        }

        DemoSupport.StampTrust(db, provider.TrustId);
        await db.SaveChangesAsync(cancellationToken);
    }
}
