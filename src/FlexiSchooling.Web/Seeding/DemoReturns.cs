using FlexiSchooling.Data;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Trusts;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Seeding;

/// <summary>
/// The demo's half-termly returns (ADR 0019): at a school whose authority takes them (St Bede's, Norfolk), each return
/// whose deadline has passed was sent three days after its half-term ended — nil returns included — so the returns page
/// shows what was sent and what comes next.
/// </summary>
internal static class DemoReturns
{
    public static async Task SeedAsync(AppDbContext db, TimeProvider time, CancellationToken cancellationToken = default)
    {
        var today = LondonClock.Today(time);
        var schools = await db.Schools.AsNoTracking().Select(s => new { s.Id, s.Name, s.TrustId }).ToListAsync(cancellationToken);
        foreach (var school in await Pages.Cases.ReturnsModel.LoadAsync(db, schools.Select(s => s.Id), schools.ToDictionary(s => s.Id, s => s.Name), today))
        {
            var head = await db.RoleAssignments.AsNoTracking().Where(r => r.SchoolId == school.SchoolId && r.Role == Domain.Security.StaffRole.Headteacher).Select(r => r.UserId).FirstAsync(cancellationToken);
            foreach (var due in school.HalfTerms.Where(h => h.Sent is null && h.DueBy < today))
            {
                var sentOn = due.HalfTerm.Last.AddDays(3);
                db.LocalAuthorityReturns.Add(LocalAuthorityReturn.Record(school.SchoolId, school.Authority, due.HalfTerm, sentOn, school.Authority.Recipient, due.Lines.Count, alreadySent: false, today, head, DemoSupport.At(sentOn)));
            }

            DemoSupport.StampTrust(db, schools.Single(s => s.Id == school.SchoolId).TrustId);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
