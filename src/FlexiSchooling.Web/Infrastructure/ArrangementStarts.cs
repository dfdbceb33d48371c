using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;

namespace FlexiSchooling.Web.Infrastructure;

public static class ArrangementStarts
{
    /// <summary>Adds what a kind's <c>Start</c> recorded (<see cref="ArrangementStart"/>) to the caller's unit of work.</summary>
    public static void AddStart(this AppDbContext db, ArrangementStart start)
    {
        db.ArrangementEvents.Add(start.Started);
        db.ExpectedMarks.AddRange(start.ExpectedMarks);
        if (start.FirstReview is { } review)
        {
            db.ArrangementReviews.Add(review);
            db.ArrangementEvents.Add(start.ReviewScheduled!);
        }
    }
}
