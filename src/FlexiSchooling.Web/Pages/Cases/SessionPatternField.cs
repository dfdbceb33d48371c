using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>
/// The shared session-pattern field (<c>Shared/_SessionPattern</c>): the flexi agreement's sessions in school and each
/// phase of a part-time timetable. Posted as "Monday:AM" values under <see cref="Name"/>.
/// </summary>
public sealed record SessionPatternField(string Name, string Id, IReadOnlySet<string> Chosen, string? Error, string Legend, string Hint, string LegendSize = "m", string Suffix = "")
{
    /// <summary>The field as posted (kept on a form shown again with errors), or else as <paramref name="current"/>.</summary>
    public static SessionPatternField For(ModelStateDictionary state, string name, IEnumerable<string> current, string legend, string hint, string legendSize = "m", string suffix = "") =>
        new(name, name.Replace('.', '_').Replace('[', '_').Replace(']', '_'),
            state.TryGetValue(name, out var posted) && posted.AttemptedValue is not null ? posted.AttemptedValue.Split(',').ToHashSet() : current.ToHashSet(),
            state.TryGetValue(name, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null,
            legend, hint, legendSize, suffix);

    /// <summary>"Monday:AM" values as a pattern; anything else is ignored.</summary>
    public static SessionPattern Parse(IEnumerable<string> values) =>
        SessionPattern.Of(values.Select(s => s.Split(':')).Where(p => p.Length == 2 && Enum.TryParse<DayOfWeek>(p[0], out _) && Enum.TryParse<Session>(p[1], out _))
            .Select(p => (Enum.Parse<DayOfWeek>(p[0]), Enum.Parse<Session>(p[1]))));

    /// <summary>A pattern as the "Monday:AM" values of its sessions in school.</summary>
    public static List<string> Values(SessionPattern pattern) =>
        [.. SessionPattern.Weekdays.SelectMany(d => new[] { Session.AM, Session.PM }.Where(s => pattern.InSchool(d, s)).Select(s => $"{d}:{s}"))];
}
