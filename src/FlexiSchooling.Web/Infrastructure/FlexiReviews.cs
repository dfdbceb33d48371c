using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Reviews of running flexi-schooling arrangements: the formal review raised the moment attendance at the
/// agreed school sessions falls below the threshold of the profile version the case was decided under
/// (000 §7: 97%; 003 Flexi-Schooling Protocol §7: 95%), as part of the same save that recorded the marks, and
/// the next scheduled review at the profile's cadence.
/// </summary>
public static class FlexiReviews
{
    /// <summary>
    /// Raises a formal review for each running flexi-schooling case of these pupils whose attendance has fallen
    /// below its threshold, and saves it in the caller's transaction. Called by every path that records marks
    /// (the register, the import).
    /// </summary>
    public static async Task RaiseOnAttendanceAsync(AppDbContext db, IReadOnlyCollection<Guid> pupilIds, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (pupilIds.Count == 0)
        {
            return;
        }

        var ids = pupilIds.ToList();
        var running = await db.Arrangements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter])
            .Where(a => ids.Contains(a.PupilId) && a.Kind == ArrangementKind.FlexiSchooling && a.Stage == ArrangementStage.Running)
            .ToListAsync();
        var raised = false;
        foreach (var arrangement in running)
        {
            raised |= await RaiseIfDueAsync(db, arrangement, today, userId, now) is not null;
        }

        if (raised)
        {
            await db.SaveChangesAsync();
        }
    }

    /// <summary>
    /// The figures a formal review is triggered on: attendance at the agreed school sessions since the start, or
    /// since the last formal review was held (<see cref="FlexiRules.FormalReviewReason"/>).
    /// </summary>
    public static async Task<AttendanceFigures> TriggerFiguresAsync(AppDbContext db, Arrangement arrangement, IEnumerable<ArrangementReview> formalReviews)
    {
        var from = ArrangementReview.PeriodStart(arrangement.StartedOn!.Value, formalReviews);
        return await FiguresAsync(db, arrangement, from, arrangement.EndsOn ?? DateOnly.MaxValue);
    }

    /// <summary>Statutory and arrangement-adjusted figures for the case's pupil between two dates (inclusive).</summary>
    public static async Task<AttendanceFigures> FiguresAsync(AppDbContext db, Arrangement arrangement, DateOnly from, DateOnly to)
    {
        var marks = await db.AttendanceMarks.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking()
            .Where(m => m.PupilId == arrangement.PupilId && m.Date >= from && m.Date <= to)
            .Select(m => new { m.Category, m.ExpectedInSchool }).ToListAsync();
        return AttendanceFigures.From(marks.Select(m => (m.Category, m.ExpectedInSchool)));
    }

    /// <summary>
    /// Raises a formal review of a running case of any kind for the reason given (a QA visit not satisfactory, progress
    /// below standard at a review), as part of the caller's save — unless one is already open: one formal review at a
    /// time. True when one was raised.
    /// </summary>
    public static async Task<bool> RaiseFormalUnlessOpenAsync(AppDbContext db, Arrangement arrangement, DateOnly today, string because, string? needsAgreementOf, Guid? userId, DateTimeOffset now)
    {
        if (await db.ArrangementReviews.AnyAsync(r => r.ArrangementId == arrangement.Id && r.Kind == ReviewKind.Formal && r.HeldOn == null))
        {
            return false;
        }

        var (review, raised) = ArrangementReview.RaiseFormal(arrangement, today, because, needsAgreementOf, userId, now);
        db.ArrangementReviews.Add(review);
        db.ArrangementEvents.Add(raised);
        return true;
    }

    private static async Task<ArrangementReview?> RaiseIfDueAsync(AppDbContext db, Arrangement arrangement, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        var formal = await db.ArrangementReviews.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking()
            .Where(r => r.ArrangementId == arrangement.Id && r.Kind == ReviewKind.Formal).ToListAsync();
        if (formal.Any(r => !r.IsHeld))
        {
            return null; // one formal review at a time: the open one is already in hand
        }

        var settings = (await SchoolRules.DecidedUnderAsync(db, arrangement)).Settings.Flexi;
        if (FlexiRules.FormalReviewReason(await TriggerFiguresAsync(db, arrangement, formal), settings) is not { } because)
        {
            return null;
        }

        var (review, raised) = ArrangementReview.RaiseFormal(arrangement, today, because, settings.FormalReviewAgreedBy, userId, now);
        db.ArrangementReviews.Add(review);
        db.ArrangementEvents.Add(raised);
        return review;
    }
}
