using FlexiSchooling.Domain.Common;

namespace FlexiSchooling.Domain.Attendance;

/// <summary>
/// A school's own reasons behind a register code (e.g. behind C: "Performance licence", "Flexi-schooling
/// home session"), so its staff record the detail they need without inventing codes: the DfE set stays
/// the only set of codes (issue 3, "Codes as data"). Kept as text, one "CODE: reason" per line, which
/// is also how the school's settings page edits them.
/// </summary>
public sealed class AttendanceSubReasons
{
    public const int MaxLength = 100;
    public const int MaxPerCode = 30;

    private readonly Dictionary<string, List<string>> _byCode;

    private AttendanceSubReasons(Dictionary<string, List<string>> byCode) => _byCode = byCode;

    public static AttendanceSubReasons None { get; } = new([]);

    public bool IsEmpty => _byCode.Count == 0;

    /// <summary>The codes with reasons, in code-set order, each with its reasons in the order given.</summary>
    public IEnumerable<(string Code, IReadOnlyList<string> Reasons)> ByCode =>
        _byCode.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, (IReadOnlyList<string>)p.Value));

    public IReadOnlyList<string> For(string code) =>
        _byCode.TryGetValue(AttendanceCodeSet.Normalise(code), out var reasons) ? reasons : [];

    /// <summary>Reads the settings text; a line that is not "CODE: reason" is refused with its line number.</summary>
    public static AttendanceSubReasons Parse(string? text)
    {
        var byCode = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var lines = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var code = colon > 0 ? AttendanceCodeSet.Normalise(line[..colon]) : "";
            var reason = colon > 0 ? line[(colon + 1)..].Trim() : "";
            if (code.Length == 0 || reason.Length == 0)
            {
                throw Invalid(i, $"write each reason as a code, a colon and the reason, for example \"C: Performance licence\".");
            }

            if (!AttendanceCodeSet.Dfe2024.TryGet(code, out var known))
            {
                throw Invalid(i, $"'{code}' is not a register code.");
            }

            if (known.Code is AttendanceCodeSet.PresentAm or AttendanceCodeSet.PresentPm)
            {
                throw Invalid(i, $"{code} means present: reasons are for absences, lateness and the other codes.");
            }

            if (reason.Length > MaxLength)
            {
                throw Invalid(i, $"a reason can be at most {MaxLength} characters.");
            }

            var reasons = byCode.TryGetValue(code, out var list) ? list : byCode[code] = [];
            if (reasons.Contains(reason, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid(i, $"\"{reason}\" is already a reason behind {code}.");
            }

            if (reasons.Count == MaxPerCode)
            {
                throw Invalid(i, $"a code can have at most {MaxPerCode} reasons.");
            }

            reasons.Add(reason);
        }

        return new AttendanceSubReasons(byCode);
    }

    public override string ToString() =>
        string.Join("\n", ByCode.SelectMany(c => c.Reasons.Select(r => $"{c.Code}: {r}")));

    /// <summary>A sub-reason recorded with a mark must be one of the school's reasons behind that mark's code.</summary>
    public string? Check(string code, string? subReason)
    {
        var reason = string.IsNullOrWhiteSpace(subReason) ? null : subReason.Trim();
        if (reason is null)
        {
            return null;
        }

        var normalised = AttendanceCodeSet.Normalise(code);
        var match = For(normalised).FirstOrDefault(r => string.Equals(r, reason, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new DomainRuleException(
            "sub-reason-belongs-to-code",
            For(normalised).Count == 0
                ? $"This school has no reasons behind {normalised}: leave the reason empty."
                : $"\"{reason}\" is not one of this school's reasons behind {normalised}.",
            nameof(MarkEntry.SubReason));
    }

    private static DomainRuleException Invalid(int index, string message) =>
        new("sub-reasons-format", $"Line {index + 1}: {message}", "AttendanceSubReasons");
}
