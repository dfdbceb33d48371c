using FlexiSchooling.Data;
using FlexiSchooling.Domain.Flexi;

namespace FlexiSchooling.Web.Infrastructure;

public static class FlexiStarts
{
    /// <summary>Adds what <see cref="FlexiRules.Start"/> recorded to the caller's unit of work.</summary>
    public static void AddStart(this AppDbContext db, FlexiStart start)
    {
        db.ArrangementEvents.Add(start.Started);
        db.ExpectedMarks.AddRange(start.HomeSessions);
        if (start.FirstReview is { } review)
        {
            db.ArrangementReviews.Add(review);
            db.ArrangementEvents.Add(start.ReviewScheduled!);
        }
    }
}
