using FlexiSchooling.Data;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Policy;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>Loads what a school's rules read: its calendar and the policy profile in force.</summary>
public static class SchoolRules
{
    /// <summary>The school's calendar: from the application's cache of reference data when there is one (ADR 0016).</summary>
    public static async Task<SchoolCalendar> CalendarAsync(AppDbContext db, Guid schoolId) => (await ReferenceAsync(db, schoolId)).Calendar();

    /// <summary>
    /// The profile version an arrangement was decided under: a case keeps its rules when the profile changes. From the cache
    /// of the school's versions (its own and its trust's), as <see cref="ProfileVersionAsync"/>: a round trip fewer on every
    /// case page, and none per case in a list of them.
    /// </summary>
    public static Task<PolicyProfileVersion> DecidedUnderAsync(AppDbContext db, Domain.Arrangements.Arrangement arrangement) =>
        arrangement.ProfileVersionId is { } versionId ? ProfileVersionAsync(db, arrangement.SchoolId, versionId)
            : db.PolicyProfileVersions.AsNoTracking().SingleAsync(v => v.Id == arrangement.ProfileVersionId);

    public static async Task<PolicyProfileVersion> ProfileAsync(AppDbContext db, Guid schoolId, DateOnly date) =>
        PolicyProfileVersion.InForce([.. (await ReferenceAsync(db, schoolId)).ProfileVersions], schoolId, date);

    /// <summary>A profile version of the school (or its trust) by id, from the cache: the rules a listed case was decided under.</summary>
    public static async Task<PolicyProfileVersion> ProfileVersionAsync(AppDbContext db, Guid schoolId, Guid versionId) =>
        (await ReferenceAsync(db, schoolId)).ProfileVersions.SingleOrDefault(v => v.Id == versionId)
        ?? await db.PolicyProfileVersions.AsNoTracking().SingleAsync(v => v.Id == versionId);

    /// <summary>The school's local authority, with how it wants to be told.</summary>
    public static async Task<Domain.Trusts.LocalAuthority> LocalAuthorityAsync(AppDbContext db, Guid schoolId)
    {
        var schools = db.Schools.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(s => s.Id == schoolId);
        return await db.LocalAuthorities.AsNoTracking().Where(a => schools.Select(s => s.LocalAuthorityId).Contains(a.Id)).SingleAsync();
    }

    // Without the application's cache (a context made by hand), every call reads the database.
    private static Task<Data.Reference.SchoolReference> ReferenceAsync(AppDbContext db, Guid schoolId) =>
        db.ReferenceCache is { } cache ? cache.GetAsync(db, schoolId) : Data.Reference.SchoolReferenceCache.LoadAsync(db, schoolId);
}
