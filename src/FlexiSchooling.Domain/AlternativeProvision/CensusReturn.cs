using FlexiSchooling.Domain.Imports;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>
/// The school census's "type of setting" for a placement whose provider has neither a URN nor a UKPRN (DfE school census
/// guide, alternative provision placements arranged by schools: "If you leave the URN and UKPRN blank, record the AP type
/// of setting"). The codes are the census's own; docs/adr/0024 says where they come from and how they are kept current.
/// </summary>
public enum ApSettingType
{
    /// <summary>NFE: non-maintained further education provision.</summary>
    NFE,

    /// <summary>OOT: one-on-one tuition.</summary>
    OOT,

    /// <summary>OTH: other unregistered provider.</summary>
    OTH,

    /// <summary>WBP: work-based placement.</summary>
    WBP,
}

/// <summary>Why the placement was commissioned, as the census records it: the reason for the placement, not the pupil's needs.</summary>
public enum CensusPlacementReason
{
    /// <summary>To improve behaviour off site (a direction or a placement to prevent exclusion).</summary>
    Behaviour,

    /// <summary>During a suspension.</summary>
    Suspension,

    /// <summary>Physical or mental health needs.</summary>
    Health,

    /// <summary>Special educational needs not met on site.</summary>
    SpecialEducationalNeeds,

    /// <summary>Re-engagement: attendance or disengagement from learning.</summary>
    Reengagement,

    /// <summary>Any other reason.</summary>
    Other,
}

public static class CensusCodes
{
    public static string Code(CensusPlacementReason reason) => reason switch
    {
        CensusPlacementReason.Behaviour => "BEH",
        CensusPlacementReason.Suspension => "SUS",
        CensusPlacementReason.Health => "MED",
        CensusPlacementReason.SpecialEducationalNeeds => "SEN",
        CensusPlacementReason.Reengagement => "ENG",
        _ => "OTH",
    };

    public static string Label(CensusPlacementReason reason) => reason switch
    {
        CensusPlacementReason.Behaviour => "To improve behaviour off site, or to prevent an exclusion",
        CensusPlacementReason.Suspension => "During a suspension",
        CensusPlacementReason.Health => "Physical or mental health needs",
        CensusPlacementReason.SpecialEducationalNeeds => "Special educational needs not met on site",
        CensusPlacementReason.Reengagement => "Re-engagement: attendance or disengagement from learning",
        _ => "Another reason",
    };

    public static string Label(ApSettingType type) => type switch
    {
        ApSettingType.NFE => "Non-maintained further education provision",
        ApSettingType.OOT => "One-on-one tuition",
        ApSettingType.WBP => "Work-based placement",
        _ => "Other unregistered provider",
    };
}

/// <summary>One placement as the census return needs it.</summary>
public sealed record CensusPlacement(
    string? Upn,
    string Surname,
    string Forename,
    DateOnly DateOfBirth,
    string ProviderName,
    string? ProviderUrn,
    string? ProviderUkprn,
    ApSettingType? SettingType,
    CensusPlacementReason Reason,
    DateOnly EntryDate,
    DateOnly? LeavingDate,
    bool FullTime,
    int SessionsPerWeek);

/// <summary>
/// The school census return of alternative provision placements arranged by the school, as CSV (issue 12): one row per
/// placement open at any time in the collection period, its fields in the census module's order — the pupil's identifiers,
/// then URN, UKPRN, type of setting, reason, entry date, leaving date, attendance pattern and sessions a week. The
/// census's rule on the provider is kept: a URN alone where there is one; else a UKPRN alone; else the type of setting.
/// A placement that cannot be returned (no identifier and no type of setting) is listed with what to fix, never sent blank.
/// </summary>
public static class CensusReturn
{
    public static readonly string[] Header =
        ["UPN", "Surname", "Forename", "DOB", "APPlacementURN", "APPlacementUKPRN", "APPlacementSettingType", "APPlacementReason", "APPlacementEntryDate", "APPlacementLeavingDate", "APPlacementAttendancePattern", "APPlacementSessions"];

    /// <summary>Whether a placement was open at some time between the dates (inclusive): the census counts each such placement.</summary>
    public static bool InPeriod(DateOnly entry, DateOnly? leaving, DateOnly from, DateOnly to) => entry <= to && (leaving is null || leaving >= from);

    /// <summary>What stops a placement being returned, in words to act on; null when it can be.</summary>
    public static string? Problem(CensusPlacement p) =>
        string.IsNullOrWhiteSpace(p.ProviderUrn) && string.IsNullOrWhiteSpace(p.ProviderUkprn) && p.SettingType is null
            ? $"{p.ProviderName} has no URN or UKPRN: record its type of setting on the provider."
            : string.IsNullOrWhiteSpace(p.Upn) ? $"{p.Forename} {p.Surname} has no UPN." : null;

    /// <summary>The return as CSV text (CRLF line ends), the rows that can be returned, in the order given.</summary>
    public static string Csv(IEnumerable<CensusPlacement> placements)
    {
        var lines = new List<string> { Imports.Csv.Line(Header) };
        foreach (var p in placements.Where(p => Problem(p) is null))
        {
            var urn = string.IsNullOrWhiteSpace(p.ProviderUrn) ? null : p.ProviderUrn.Trim();
            var ukprn = urn is null && !string.IsNullOrWhiteSpace(p.ProviderUkprn) ? p.ProviderUkprn.Trim() : null;
            var setting = urn is null && ukprn is null ? p.SettingType?.ToString() : null;
            lines.Add(Imports.Csv.Line([p.Upn, p.Surname, p.Forename, p.DateOfBirth.ToString("yyyy-MM-dd"), urn, ukprn, setting, CensusCodes.Code(p.Reason),
                p.EntryDate.ToString("yyyy-MM-dd"), p.LeavingDate?.ToString("yyyy-MM-dd"), p.FullTime ? "FT" : "PT", p.SessionsPerWeek.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        }

        return string.Join("\r\n", lines) + "\r\n";
    }
}
