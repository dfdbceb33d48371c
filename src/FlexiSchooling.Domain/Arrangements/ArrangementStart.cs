using FlexiSchooling.Domain.Attendance;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>
/// What starting an arrangement records, whatever its kind: the start, the sessions it places in the register as
/// expected marks (flexi home sessions as C, part-time sessions out of school as C2), and its first review when the
/// calendar reaches it.
/// </summary>
public sealed record ArrangementStart(ArrangementEvent Started, IReadOnlyList<ExpectedMark> ExpectedMarks, ArrangementReview? FirstReview, ArrangementEvent? ReviewScheduled)
{
    public static ArrangementStart With(Arrangement arrangement, ArrangementEvent started, IReadOnlyList<ExpectedMark> marks, DateOnly? firstReviewDue, Guid? userId, DateTimeOffset now)
    {
        if (firstReviewDue is not { } due)
        {
            return new(started, marks, null, null);
        }

        var (review, scheduled) = ArrangementReview.Schedule(arrangement, due, userId, now);
        return new(started, marks, review, scheduled);
    }
}
