using FlexiSchooling.Data;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Policy;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>Loads what a school's rules read: its calendar and the policy profile in force.</summary>
public static class SchoolRules
{
    public static async Task<SchoolCalendar> CalendarAsync(AppDbContext db, Guid schoolId)
    {
        var terms = await db.Terms.AsNoTracking().Where(t => t.SchoolId == schoolId).ToListAsync();
        var closures = await db.ClosureDays.AsNoTracking().Where(c => c.SchoolId == schoolId).Select(c => c.Date).ToListAsync();
        var holidays = await db.BankHolidays.AsNoTracking().Select(b => b.Date).ToListAsync();
        return new SchoolCalendar(terms, closures, holidays);
    }

    /// <summary>The profile version an arrangement was decided under: a case keeps its rules when the profile changes.</summary>
    public static Task<PolicyProfileVersion> DecidedUnderAsync(AppDbContext db, Domain.Arrangements.Arrangement arrangement) =>
        db.PolicyProfileVersions.AsNoTracking().SingleAsync(v => v.Id == arrangement.ProfileVersionId);

    public static async Task<PolicyProfileVersion> ProfileAsync(AppDbContext db, Guid schoolId, DateOnly date) =>
        PolicyProfileVersion.InForce(await db.PolicyProfileVersions.AsNoTracking().Where(v => v.SchoolId == null || v.SchoolId == schoolId).ToListAsync(), schoolId, date);
}
