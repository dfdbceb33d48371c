using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.Flexi;

public static class FlexiRules
{
    /// <summary>
    /// 000 §7 / 003 Flexi-Schooling Protocol §7: a formal review when attendance at school falls below
    /// the profile's threshold — computed over the agreed school sessions only, never over home
    /// sessions (the arrangement-adjusted figure). No threshold in the profile: no attendance trigger.
    /// </summary>
    public static bool FormalReviewDue(AttendanceFigures figures, FlexiSettings settings) =>
        settings.FormalReviewBelowPercent is { } threshold && figures.AdjustedPercent is { } attended && attended < threshold;
}
