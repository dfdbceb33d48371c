using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlexiSchooling.Domain.Attendance;

/// <summary>The statistical category of a code (DfE, August 2024): what it counts as.</summary>
public enum AttendanceCategory
{
    Present,
    ApprovedEducationalActivity,
    Authorised,
    Unauthorised,
    NotPossible,
    Administrative,
}

public enum Session
{
    AM,
    PM,
}

public static class SessionNames
{
    /// <summary>The session as people say it: "morning" or "afternoon" (registers, Today, placements, session patterns).</summary>
    public static string Of(Session session) => session == Session.AM ? "morning" : "afternoon";
}

/// <summary>One register code of a code set.</summary>
public sealed record AttendanceCode(string Code, string Meaning, AttendanceCategory Category)
{
    public bool IsPossible => Category.IsPossible();

    public bool IsAttending => Category.IsAttending();
}

public static class AttendanceCategories
{
    /// <summary>Counts in the denominator (a "possible" session).</summary>
    public static bool IsPossible(this AttendanceCategory category) =>
        category is AttendanceCategory.Present or AttendanceCategory.ApprovedEducationalActivity or AttendanceCategory.Authorised or AttendanceCategory.Unauthorised;

    /// <summary>Counts as attending: present, late before close, or an approved educational activity.</summary>
    public static bool IsAttending(this AttendanceCategory category) =>
        category is AttendanceCategory.Present or AttendanceCategory.ApprovedEducationalActivity;
}

/// <summary>
/// A versioned set of register codes. The product ships the DfE set in force from 19 August 2024
/// (School Attendance (Pupil Registration) (England) Regulations 2024) as data
/// (dfe-attendance-codes-2024-08.json); a later DfE change is a new data file with its effective
/// date, not a code change. Sub-reasons a school wants (e.g. behind C) are school settings, never codes.
/// </summary>
public sealed class AttendanceCodeSet
{
    private readonly Dictionary<string, AttendanceCode> _codes;

    private AttendanceCodeSet(string version, DateOnly effectiveFrom, IEnumerable<AttendanceCode> codes)
    {
        Version = version;
        EffectiveFrom = effectiveFrom;
        _codes = codes.ToDictionary(c => c.Code, StringComparer.Ordinal);
    }

    public string Version { get; }

    public DateOnly EffectiveFrom { get; }

    public IReadOnlyCollection<AttendanceCode> Codes => _codes.Values;

    public const string PresentAm = "/";
    public const string PresentPm = "\\";
    public const string Late = "L";
    public const string LateAfterClose = "U";
    public const string NoReasonYet = "N";

    public static string Present(Session session) => session == Session.AM ? PresentAm : PresentPm;

    public bool TryGet(string code, out AttendanceCode found) => _codes.TryGetValue(Normalise(code), out found!);

    public AttendanceCode this[string code] => TryGet(code, out var found) ? found : throw new KeyNotFoundException($"'{code}' is not a register code in {Version}.");

    /// <summary>Register codes are upper case, except the present marks; typing "/" for a PM session means present.</summary>
    public static string Normalise(string code) => code.Trim().ToUpperInvariant();

    public static AttendanceCodeSet Dfe2024 { get; } = Load("dfe-attendance-codes-2024-08.json");

    /// <summary>The sets the product knows, newest last; <see cref="For"/> picks the one in force on a date.</summary>
    public static IReadOnlyList<AttendanceCodeSet> All { get; } = [Dfe2024];

    public static AttendanceCodeSet For(DateOnly date)
    {
        // Newest last, so the first found from the end is the latest in force (asked for every mark an import reads).
        for (var i = All.Count - 1; i >= 0; i--)
        {
            if (All[i].EffectiveFrom <= date)
            {
                return All[i];
            }
        }

        return All[0];
    }

    private static AttendanceCodeSet Load(string resource)
    {
        using var stream = typeof(AttendanceCodeSet).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The code set {resource} is not embedded.");
        var file = JsonSerializer.Deserialize<CodeFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } })!;
        return new AttendanceCodeSet(file.Version, DateOnly.Parse(file.EffectiveFrom, System.Globalization.CultureInfo.InvariantCulture), file.Codes.Select(c => new AttendanceCode(c.Code, c.Meaning, c.Category)));
    }

    private sealed record CodeFile(string Version, string EffectiveFrom, string Source, List<CodeRow> Codes);

    private sealed record CodeRow(string Code, string Meaning, AttendanceCategory Category);
}
