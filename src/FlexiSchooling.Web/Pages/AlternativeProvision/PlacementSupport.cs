using FlexiSchooling.Data;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.AlternativeProvision;

/// <summary>Reads what the placement rules need from the database: the trust's pupils placed at a provider, across all its schools.</summary>
public static class PlacementSupport
{
    /// <summary>
    /// The trust's pupils placed (agreed or running) with a provider, on a day, as the registration rule counts them.
    /// Read across every school of the trust — the rule is the trust's (004 §7.2) — though no pupil is shown.
    /// </summary>
    public static async Task<IReadOnlyList<PlacedPupil>> PlacedAsync(AppDbContext db, Guid providerId, DateOnly day, Guid? exceptCase = null) =>
        (await PlacedAsync(db, [providerId], day, exceptCase)).GetValueOrDefault(providerId) ?? [];

    /// <summary>As above, for several providers at once (the register).</summary>
    public static async Task<Dictionary<Guid, List<PlacedPupil>>> PlacedAsync(AppDbContext db, IReadOnlyCollection<Guid> providerIds, DateOnly day, Guid? exceptCase = null)
    {
        var rows = await (from p in db.Placements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter])
                          join a in db.Arrangements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]) on p.ArrangementId equals a.Id
                          join pupil in db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]) on a.PupilId equals pupil.Id
                          where providerIds.Contains(p.ProviderId) && PlacementRules.Placed.Contains(a.Stage) && p.PlannedEndDate >= day && a.Id != exceptCase
                          select new { p.ProviderId, p.FullTime, pupil.Id, pupil.DateOfBirth, pupil.Flags }).ToListAsync();
        return rows.GroupBy(r => r.ProviderId).ToDictionary(
            g => g.Key,
            g => g.Select(r => new PlacedPupil(r.Id, r.FullTime, CompulsorySchoolAge.Reached(r.DateOfBirth, day), r.Flags.LookedAfter, r.Flags.Ehcp)).ToList());
    }

    /// <summary>Refuses the provider at its field when it is closed to new placements or the registration rule forbids this pupil (the school's profile).</summary>
    public static async Task CheckProviderAsync(AppDbContext db, AlternativeProvider provider, Guid schoolId, Pupil pupil, bool fullTime, DateOnly startDate, DateOnly today, Guid? exceptCase = null)
    {
        var settings = (await SchoolRules.ProfileAsync(db, schoolId, startDate)).Settings.AlternativeProvision;
        var state = ProviderRules.CheckState(provider, await Providers.ProviderSupport.ChecksAsync(db, [provider.Id]), today, settings.ProviderRecheckMonths);
        var placed = await PlacedAsync(db, provider.Id, startDate, exceptCase);
        var candidate = new PlacedPupil(pupil.Id, fullTime, CompulsorySchoolAge.Reached(pupil.DateOfBirth, startDate), pupil.Flags.LookedAfter, pupil.Flags.Ehcp);
        PlacementRules.CheckProvider(provider, state, settings, candidate, placed);
    }
}
