using FlexiSchooling.Domain.Attendance;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Every attendance figure a page shows says what it counts and the period it covers (issue 11: the pupil page's
/// "95.0%, 38 of 40, the year" and a case's "100%, 2 of 2, since the start" stood side by side with nothing saying why).
/// </summary>
public static class AttendanceText
{
    /// <summary>The statutory figure: "95.0% (38 of 40 possible sessions) from 1 September 2026 to today".</summary>
    public static string Statutory(AttendanceFigures f, string period) =>
        f.Percent is { } p ? $"{p:0.0}% ({f.Attending} of {f.Possible} possible sessions) {period}" : $"No possible sessions {period}";

    /// <summary>The arrangement-adjusted figure: attendance at the sessions the pupil was expected in school only.</summary>
    public static string Adjusted(AttendanceFigures f, string period) =>
        f.AdjustedPercent is { } p ? $"{p:0.0}% ({f.ExpectedAttended} of {f.ExpectedPossible} sessions expected in school) {period}" : $"No sessions expected in school {period}";

    /// <summary>"from 1 September 2026 to today", or to a last day that has passed.</summary>
    public static string Period(DateOnly from, DateOnly today, DateOnly? lastDay = null) =>
        lastDay is { } last && last < today ? $"from {from:d MMMM yyyy} to {last:d MMMM yyyy}" : $"from {from:d MMMM yyyy} to today";
}
