using FlexiSchooling.Domain.Arrangements;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>
/// How a case's stage is shown. A case whose notice has been given keeps running until its last day (000 §8,
/// 004 §10.6), so it reads "Ending" until then and "Ended" after; a case started ahead of its agreed start date
/// reads "Starts on …" until then (issue 11).
/// </summary>
public sealed record StageTag(string Text, string Colour)
{
    public static StageTag For(ArrangementStage stage, DateOnly? endsOn, DateOnly today, DateOnly? startedOn = null) => stage switch
    {
        ArrangementStage.Requested => new("Requested", "blue"),
        ArrangementStage.Proposed => new("Proposed", "blue"),
        ArrangementStage.MeetingHeld => new("Awaiting decision", "yellow"),
        ArrangementStage.Agreed => new("Agreed", "green"),
        ArrangementStage.Running when startedOn > today => new($"Starts on {startedOn:d MMM yyyy}", "green"),
        ArrangementStage.Running => new("Running", "turquoise"),
        ArrangementStage.Withdrawn => new("Withdrawn", "grey"),
        ArrangementStage.Declined => new("Declined", "grey"),
        ArrangementStage.Ended when endsOn >= today => new("Ending", "orange"),
        _ => new("Ended", "grey"),
    };
}

/// <summary>What the shared start form (<c>_StartForm</c>) shows: the agreed start date, today, what starting places in the register, and an error.</summary>
public sealed record StartForm(DateOnly AgreedStart, DateOnly Today, DateOnly? StartedOn, string Places, string? Error);
