using FlexiSchooling.Data;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Policy;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Providers;

/// <summary>A provider as the register lists it: its checks and whether it may take a new placement, with the reasons.</summary>
public sealed record ProviderStanding(AlternativeProvider Provider, ProviderCheckState Checks, IReadOnlyList<string> Refusals, IReadOnlyList<PlacedPupil> Placed, string? Breach)
{
    public bool MayTakePlacements => Refusals.Count == 0;
}

/// <summary>
/// Providers are the trust's, so their checks are judged by the trust's default profile in force today (the re-check
/// months and whether an unregistered provider needs the trust's approval); a placement at a school is judged again by
/// that school's profile when it is made.
/// </summary>
public static class ProviderSupport
{
    public static async Task<AlternativeProvisionSettings> TrustSettingsAsync(AppDbContext db, DateOnly today) =>
        TrustSettings(await db.PolicyProfileVersions.AsNoTracking().Where(v => v.SchoolId == null).ToListAsync(), today);

    /// <summary>The same from the trust's profile versions already read (the schools' own among them are passed over).</summary>
    public static AlternativeProvisionSettings TrustSettings(IEnumerable<PolicyProfileVersion> versions, DateOnly today) =>
        PolicyProfileVersion.InForce([.. versions.Where(v => v.SchoolId == null)], Guid.Empty, today).Settings.AlternativeProvision;

    /// <summary>The providers' checks as lists show them: the evidence files stay in the database until one is opened.</summary>
    public static async Task<IReadOnlyList<ProviderCheck>> ChecksAsync(AppDbContext db, IReadOnlyCollection<Guid> providerIds) =>
        await db.ProviderChecks.AsNoTracking().Where(c => providerIds.Contains(c.ProviderId))
            .Select(c => ProviderCheck.Listed(c.Id, c.ProviderId, c.Item, c.Satisfactory, c.Evidence, c.CheckedOn, c.CheckedBy, c.CheckedByName, c.RecordedAt, c.EvidenceFileName))
            .ToListAsync();

    /// <param name="settings">The trust's settings when the caller has read them already (<see cref="TrustSettingsAsync"/>): a round trip saved.</param>
    public static async Task<IReadOnlyList<ProviderStanding>> StandingsAsync(AppDbContext db, DateOnly today, Guid? providerId = null, AlternativeProvisionSettings? settings = null)
    {
        settings ??= await TrustSettingsAsync(db, today);
        var providers = await db.AlternativeProviders.AsNoTracking().Where(p => providerId == null || p.Id == providerId).OrderBy(p => p.Name).ToListAsync();
        var ids = providers.Select(p => p.Id).ToList();
        var checks = await ChecksAsync(db, ids);
        var placed = await AlternativeProvision.PlacementSupport.PlacedAsync(db, ids, today);
        return [.. providers.Select(p =>
        {
            var state = ProviderRules.CheckState(p, checks, today, settings.ProviderRecheckMonths);
            var pupils = placed.GetValueOrDefault(p.Id) ?? [];
            var breach = ProviderRules.RegistrationBreach(p, pupils);
            // 004 §7.2: "the school will not use the services of any such provider".
            var refusals = ProviderRules.NewPlacementRefusals(p, state, settings);
            return new ProviderStanding(p, state, breach is null ? refusals : [breach, .. refusals], pupils, breach);
        })];
    }
}
