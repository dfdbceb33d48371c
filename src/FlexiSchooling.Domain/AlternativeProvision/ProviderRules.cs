using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>The latest check of one item, and where it stands.</summary>
public sealed record ProviderItemState(ProviderCheckItem Item, ProviderCheck? Latest, bool Overdue)
{
    public bool Missing => Latest is null;

    public bool Unsatisfactory => Latest is { Satisfactory: false };

    public bool Current => Latest is { Satisfactory: true } && !Overdue;
}

/// <summary>Where a provider's due diligence stands today.</summary>
public sealed record ProviderCheckState(IReadOnlyList<ProviderItemState> Items, DateOnly? NextDueOn)
{
    public bool Complete => Items.All(i => i.Current);

    public int CurrentCount => Items.Count(i => i.Current);
}

/// <summary>A pupil as the registration rule counts them: placed (or to be placed) full time, of compulsory school age, looked after, with an EHCP.</summary>
public sealed record PlacedPupil(Guid PupilId, bool FullTime, bool CompulsorySchoolAge, bool LookedAfter, bool Ehcp);

/// <summary>
/// The provider rules of 004 §7 and 002, in one place: due diligence complete and current before any new placement
/// (§7.8, re-checked every <see cref="AlternativeProvisionSettings.ProviderRecheckMonths"/> months or after a material
/// change, §7.9); an unregistered provider only with the trust's approval (002); and the registration rule (§7.2):
/// a provider with five or more full-time pupils of compulsory school age, or any looked-after pupil or pupil with an
/// EHCP, must be a registered independent school — the school will not use one that should be and is not.
/// </summary>
public static class ProviderRules
{
    /// <summary>004 §7.2: "five or more children of compulsory school age" in full-time education.</summary>
    public const int RegistrationThreshold = 5;

    public static ProviderCheckState CheckState(AlternativeProvider provider, IEnumerable<ProviderCheck> checks, DateOnly today, int recheckMonths)
    {
        var latest = checks.Where(c => c.ProviderId == provider.Id)
            .GroupBy(c => c.Item)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.CheckedOn).ThenByDescending(c => c.RecordedAt).First());
        var items = ProviderCheckItems.All.Select(item =>
        {
            var check = latest.GetValueOrDefault(item.Key);
            var overdue = check is not null && (DueOn(check, recheckMonths) <= today || provider.ChangedSince(check));
            return new ProviderItemState(item, check, overdue);
        }).ToList();
        DateOnly? next = items.All(i => i.Latest is not null) ? items.Min(i => DueOn(i.Latest!, recheckMonths)) : null;
        return new ProviderCheckState(items, next);
    }

    /// <summary>A check is due again this many months after it was made (004 §7.9: "annually").</summary>
    public static DateOnly DueOn(ProviderCheck check, int recheckMonths) => check.CheckedOn.AddMonths(recheckMonths);

    /// <summary>
    /// Why the provider may not take a new placement today, whoever the pupil: each reason a sentence for the page. Empty
    /// when it may.
    /// </summary>
    public static IReadOnlyList<string> NewPlacementRefusals(AlternativeProvider provider, ProviderCheckState checks, AlternativeProvisionSettings settings)
    {
        var reasons = new List<string>();
        var missing = checks.Items.Where(i => i.Missing).ToList();
        if (missing.Count > 0)
        {
            reasons.Add($"Checks not yet made (004 §7.8): {Listed(missing, checks)}.");
        }

        var unsatisfactory = checks.Items.Where(i => i.Unsatisfactory).ToList();
        if (unsatisfactory.Count > 0)
        {
            reasons.Add($"Checks found unsatisfactory: {Listed(unsatisfactory, checks)}.");
        }

        var overdue = checks.Items.Where(i => i.Overdue && !i.Unsatisfactory).ToList();
        if (overdue.Count > 0)
        {
            var why = provider.MaterialChangeOn is { } changed && overdue.Any(i => provider.ChangedSince(i.Latest!))
                ? $"before the material change on {changed:d MMMM yyyy}"
                : $"more than {settings.ProviderRecheckMonths} months ago";
            reasons.Add($"Checks due again (004 §7.9), last made {why}: {Listed(overdue, checks)}.");
        }

        if (provider.Registration == ProviderRegistration.Unregistered && settings.UnregisteredProviderNeedsTrustApproval && provider.TrustApprovedOn is null)
        {
            reasons.Add("An unregistered provider needs the trust's approval first (002: the link DPS approves, case by case).");
        }

        return reasons;
    }

    /// <summary>
    /// Why this pupil may not be placed with this provider under the registration rule (004 §7.2; 002), given the
    /// trust's pupils already placed there. Worked example 4: an EHCP pupil is never placed with an unregistered provider,
    /// and a provider already taking four full-time pupils of compulsory school age cannot take a fifth unless registered
    /// as an independent school.
    /// </summary>
    public static IReadOnlyList<string> RegistrationRefusals(AlternativeProvider provider, PlacedPupil pupil, IReadOnlyCollection<PlacedPupil> placed)
    {
        if (provider.Registration == ProviderRegistration.RegisteredIndependentSchool)
        {
            return [];
        }

        var reasons = new List<string>();
        if (pupil.Ehcp)
        {
            reasons.Add("A pupil with an EHCP may only be placed with a provider registered as an independent school (004 §7.2; 002: EHCP pupils go to registered provision).");
        }

        if (pupil.LookedAfter)
        {
            reasons.Add("A looked-after pupil may only be placed with a provider registered as an independent school (004 §7.2).");
        }

        var fullTime = placed.Count(p => p.PupilId != pupil.PupilId && p.FullTime && p.CompulsorySchoolAge);
        if (pupil.FullTime && pupil.CompulsorySchoolAge && fullTime + 1 >= RegistrationThreshold)
        {
            reasons.Add($"The provider already takes {fullTime} full-time pupil{(fullTime == 1 ? "" : "s")} of compulsory school age from the trust: a {Ordinal(fullTime + 1)} needs it to be registered as an independent school (004 §7.2).");
        }

        return reasons;
    }

    /// <summary>An existing breach of the registration rule, to flag on the provider and the trust's view; null when there is none.</summary>
    public static string? RegistrationBreach(AlternativeProvider provider, IReadOnlyCollection<PlacedPupil> placed)
    {
        if (provider.Registration == ProviderRegistration.RegisteredIndependentSchool)
        {
            return null;
        }

        var fullTime = placed.Count(p => p.FullTime && p.CompulsorySchoolAge);
        var protectedPupils = placed.Count(p => p.LookedAfter || p.Ehcp);
        if (fullTime < RegistrationThreshold && protectedPupils == 0)
        {
            return null;
        }

        var parts = new List<string>();
        if (fullTime >= RegistrationThreshold)
        {
            parts.Add($"{fullTime} full-time pupils of compulsory school age");
        }

        if (protectedPupils > 0)
        {
            parts.Add($"{protectedPupils} looked-after or EHCP pupil{(protectedPupils == 1 ? "" : "s")}");
        }

        return $"Takes {string.Join(" and ", parts)} but is not registered as an independent school (004 §7.2): report it, and place no one new.";
    }

    // The items by name ("Safer recruitment, …"; "Insurance …"), or "all 14" when every item is listed.
    private static string Listed(IReadOnlyCollection<ProviderItemState> items, ProviderCheckState checks) =>
        items.Count == checks.Items.Count ? $"all {items.Count}" : string.Join("; ", items.Select(i => i.Item.Label));

    private static string Ordinal(int n) => n switch { 1 => "first", 2 => "second", 3 => "third", 4 => "fourth", 5 => "fifth", _ => $"{n}th" };
}
