using FlexiSchooling.Data;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Common;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// The demo's alternative providers (issue 12, "Also": providers of each registration status, one with checks overdue):
/// at Northfield a registered independent school with every check current, an Ofsted-registered provider whose checks
/// were last made fourteen months ago, and an unregistered farm project the trust approved; at St Aidan's a registered
/// college and an unregistered arts project still being checked, not yet approved — so no new placement for either of
/// the last two, each with its reasons.
/// </summary>
internal static class DemoProviders
{
    public static async Task SeedAsync(AppDbContext db, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var today = LondonClock.Today(time);
        var now = time.GetUtcNow();
        var dates = new DemoCalendar(today);

        var ashby = await DemoSupport.UserAsync(db, "apleader", "ashby", cancellationToken);
        var trustLead = await DemoSupport.UserAsync(db, "trustlead", "northfield", cancellationToken);
        var riverside = Add(db, ashby.TrustId, now, new("Riverside Skills Centre", "14 Mill Lane, Derby DE1 3AB", "Sam Okafor", "01332 555 0142", "referrals@riverside-skills.example",
            "148372", null, ProviderRegistration.RegisteredIndependentSchool, dates.On(2025, 3, 12), "Good"));
        CheckAll(db, riverside, today.AddMonths(-2), ashby, today, now);
        var peak = Add(db, ashby.TrustId, now, new("Peak Outdoor Learning", "Hollins Barn, Hathersage S32 1BA", "Priya Nandra", "01433 555 0199", "office@peak-outdoor.example",
            null, "10087421", ProviderRegistration.OfstedRegistered, dates.On(2023, 11, 8), "Requires improvement"));
        CheckAll(db, peak, today.AddMonths(-14), ashby, today, now);
        var moorland = Add(db, ashby.TrustId, now, new("Moorland Farm Project", "Moorland Farm, Ashover S45 0AA", "Gareth Lowe", "01246 555 0107", null,
            null, null, ProviderRegistration.Unregistered, null, null, ApSettingType.OTH));
        CheckAll(db, moorland, today.AddMonths(-1), ashby, today, now);
        moorland.ApproveUnregistered(today.AddMonths(-1), trustLead.Id, "Land-based learning no registered provider offers within 20 miles; the DPS visited with the AP leader and read appendices 1a, 1b and 2.");
        DemoSupport.StampTrust(db, ashby.TrustId);

        var millbrook = await DemoSupport.UserAsync(db, "apleader", "millbrook", cancellationToken);
        var college = Add(db, millbrook.TrustId, now, new("Bedford Engineering College", "Cauldwell Street, Bedford MK42 9AH", "Dr Helen Marsh", "01234 555 0123", "schools@bedford-eng.example",
            "149905", "10004512", ProviderRegistration.RegisteredIndependentSchool, dates.On(2024, 6, 20), "Outstanding"));
        CheckAll(db, college, today.AddMonths(-4), millbrook, today, now);
        var harbour = Add(db, millbrook.TrustId, now, new("Harbour Arts Collective", "Unit 3, Harbour Yard, Luton LU1 2QP", "Kit Adeyemi", "01582 555 0110", "hello@harbour-arts.example",
            null, null, ProviderRegistration.Unregistered, null, null, ApSettingType.OTH));
        foreach (var item in ProviderCheckItems.All.Take(5))
        {
            db.ProviderChecks.Add(new ProviderCheck(harbour.Id, item.Key, true, "Seen on the initial visit (appendix 1b)", today.AddDays(-6), millbrook.Id, millbrook.DisplayName, today, now));
        }

        DemoSupport.StampTrust(db, millbrook.TrustId);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static AlternativeProvider Add(AppDbContext db, Guid trustId, DateTimeOffset now, ProviderDetails details)
    {
        var provider = new AlternativeProvider(trustId, details, now);
        db.AlternativeProviders.Add(provider);
        return provider;
    }

    private static void CheckAll(AppDbContext db, AlternativeProvider provider, DateOnly on, Data.Identity.AppUser by, DateOnly today, DateTimeOffset now)
    {
        foreach (var item in ProviderCheckItems.All)
        {
            db.ProviderChecks.Add(new ProviderCheck(provider.Id, item.Key, true, Evidence(item.Key), on, by.Id, by.DisplayName, today, now));
        }
    }

    private static string Evidence(string item) => item switch
    {
        "registration" => "Register checked online; URN and UKPRN match",
        "safeguarding" => "Policy dated this academic year; named DSL met on the visit",
        "safer-recruitment" => "Single central record seen; enhanced DBS for every member of staff working with pupils",
        "insurance" => "Employer's and public liability certificates seen, valid for the year",
        "attendance-reporting" => "AM and PM registers kept; absence phoned to the school by 10:00, weekly register emailed",
        _ => "Seen and read on the initial visit (appendix 1b)",
    };
}
