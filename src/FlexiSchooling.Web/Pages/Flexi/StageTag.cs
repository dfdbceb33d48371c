using FlexiSchooling.Domain.Arrangements;

namespace FlexiSchooling.Web.Pages.Flexi;

/// <summary>
/// How a case's stage is shown. A case whose notice has been given keeps running until its last day (000 §8,
/// 004 §10.6), so it reads "Ending" until then and "Ended" after.
/// </summary>
public sealed record StageTag(string Text, string Colour)
{
    public static StageTag For(ArrangementStage stage, DateOnly? endsOn, DateOnly today) => stage switch
    {
        ArrangementStage.Requested => new("Requested", "blue"),
        ArrangementStage.MeetingHeld => new("Awaiting decision", "yellow"),
        ArrangementStage.Agreed => new("Agreed", "green"),
        ArrangementStage.Running => new("Running", "turquoise"),
        ArrangementStage.Declined => new("Declined", "grey"),
        ArrangementStage.Ended when endsOn >= today => new("Ending", "orange"),
        _ => new("Ended", "grey"),
    };
}
