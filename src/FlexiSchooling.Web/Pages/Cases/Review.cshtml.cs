using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

public sealed record ReviewInput
{
    public uint Version { get; init; }

    public DateOnly? HeldOn { get; init; }

    public string Attendees { get; init; } = "";

    public string Progress { get; init; } = "";

    public bool ProgressBelowStandard { get; init; }

    public string ParentEvidence { get; init; } = "";

    public string PupilView { get; init; } = "";

    public ReviewOutcome? Outcome { get; init; }

    public string OutcomeNotes { get; init; } = "";

    /// <summary>The parent's name as signed on the review record, where the kind asks for it (003 appendix 1).</summary>
    public string? ParentSignedBy { get; init; }

    /// <summary>002 appendix 6 (AP reviews): the pastoral update.</summary>
    public string? Pastoral { get; init; }

    /// <summary>002 appendix 6 (AP reviews): the next steps in the pupil's education.</summary>
    public string? NextSteps { get; init; }

    /// <summary>002 appendix 6 (AP reviews): the targets agreed.</summary>
    public string? Targets { get; init; }

    /// <summary>Set by the page from the case (never posted): what the case's kind asks of a review (<see cref="ReviewWording"/>).</summary>
    public ArrangementKind Kind { get; init; }
}

public sealed class ReviewInputValidator : AbstractValidator<ReviewInput>
{
    public ReviewInputValidator()
    {
        RuleFor(x => x.HeldOn).NotEmpty().WithMessage("Enter the date the review was held");
        RuleFor(x => x.Attendees).NotEmpty().WithMessage("Enter who attended the review").MaximumLength(500).WithMessage("This must be 500 characters or fewer");
        Text(x => x.Progress, "Enter the pupil's progress in the areas the school is responsible for").When(x => x.Kind == ArrangementKind.FlexiSchooling);
        Text(x => x.Progress, "Enter how the timetable is working: progress towards full time").When(x => x.Kind == ArrangementKind.PartTimeTimetable);
        Text(x => x.Progress, "Enter the pupil's progress in the curriculum").When(x => x.Kind == ArrangementKind.AlternativeProvision);
        When(x => ReviewWording.For(x.Kind).AsksProgressReport, () =>
        {
            Text(x => x.Pastoral ?? "", "Enter the pastoral update").OverridePropertyName(nameof(ReviewInput.Pastoral));
            Text(x => x.NextSteps ?? "", "Enter the next steps in the pupil's education").OverridePropertyName(nameof(ReviewInput.NextSteps));
            Text(x => x.Targets ?? "", "Enter the targets agreed").OverridePropertyName(nameof(ReviewInput.Targets));
        });
        Text(x => x.ParentEvidence, "Enter the evidence the parent brought, or that none was brought").When(x => x.Kind == ArrangementKind.FlexiSchooling);
        Text(x => x.ParentEvidence, "Enter the parents' view").When(x => x.Kind != ArrangementKind.FlexiSchooling);
        RuleFor(x => x.ParentSignedBy).NotEmpty().When(x => ReviewWording.For(x.Kind).AsksParentSignature).WithMessage("Enter the name the parent signed the review record with (003 appendix 1)");
        Text(x => x.PupilView, "Enter the pupil's view of the arrangement");
        RuleFor(x => x.Outcome).NotNull().WithMessage("Choose the outcome");
        Text(x => x.OutcomeNotes, "Enter what was decided and what happens next");
        RuleFor(x => x.ParentSignedBy).MaximumLength(200).WithMessage("The name must be 200 characters or fewer");
    }

    private IRuleBuilderOptions<ReviewInput, string> Text(System.Linq.Expressions.Expression<Func<ReviewInput, string>> field, string message) =>
        RuleFor(field).NotEmpty().WithMessage(message).MaximumLength(4000).WithMessage("This must be 4,000 characters or fewer");
}

/// <summary>
/// One review of a running case of any kind (issue 4, "Reviews"; issue 11: the same record for part-time timetables,
/// with the parents' view and the parent's signature): the attendance at the agreed school sessions over its period,
/// then the record of the review — progress, the parent's evidence or view (with an upload), the pupil's view and the
/// outcome. A formal review that needs a trust lead's agreement (000 §7: the Deputy
/// CEO) is agreed here by that lead first. Holding a scheduled review schedules the next at the profile's
/// cadence; progress recorded below standard raises a formal review.
/// </summary>
public sealed class ReviewModel(AuditTrail audit, Documents.DocumentRenderer documents) : CasePageModel
{
    [BindProperty]
    public ReviewInput Input { get; set; } = new();

    [BindProperty]
    public IFormFile? Evidence { get; set; }

    [BindProperty]
    public DateOnly? AgreedOn { get; set; }

    public ArrangementReview Review { get; private set; } = null!;

    /// <summary>The first day the review looks back to: the start, or the day after the last review of its kind.</summary>
    public DateOnly PeriodFrom { get; private set; }

    /// <summary>Agreed school sessions attended over the review's period: to today while open, to the day it was held once held.</summary>
    public int Attended { get; private set; }

    public int AgreedSessions { get; private set; }

    public decimal? AttendedPercent => AgreedSessions == 0 ? null : 100m * Attended / AgreedSessions;

    /// <summary>The rules of the profile version the case was decided under.</summary>
    public PolicyProfileSettings Profile { get; private set; } = null!;

    public bool IsPartTime => Case.Kind == ArrangementKind.PartTimeTimetable;

    /// <summary>How this case's kind words its reviews.</summary>
    public ReviewWording Wording => ReviewWording.For(Case.Kind);

    public IReadOnlyList<CaseDocumentRow> EvidenceDocuments { get; private set; } = [];

    public bool CanHold { get; private set; }

    public bool CanAgree { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        Input = Input with { Version = Review.Version, HeldOn = Today };
        AgreedOn = Today;
        await audit.ViewedAsync(nameof(ArrangementReview), id, Case.SchoolId); // a review holds the pupil's and parents' views
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || !CanHold)
        {
            return NotFound();
        }

        Input = Input with { Kind = Case.Kind };
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        byte[] evidence;
        try
        {
            evidence = await CaseUploads.ReadAsync(Evidence);
            if (evidence.Length > 0)
            {
                CaseDocument.CheckUpload(evidence);
            }
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(nameof(Evidence), e.Message);
            return Page();
        }

        var now = Time.GetUtcNow();
        var heldOn = Input.HeldOn!.Value;
        var figures = await FlexiReviews.FiguresAsync(Db, Case, PeriodFrom, heldOn);
        Db.Entry(Review).Property(r => r.Version).OriginalValue = Input.Version;
        try
        {
            var record = new ReviewRecord(heldOn, Input.Attendees, Input.Progress, Input.ProgressBelowStandard, Input.ParentEvidence, Input.PupilView, Input.Outcome!.Value, Input.OutcomeNotes, Input.ParentSignedBy,
                Wording.AsksProgressReport ? new ProgressReport(Input.Pastoral ?? "", Input.NextSteps ?? "", Input.Targets ?? "") : null);
            Db.ArrangementEvents.Add(Review.Hold(Case, record, figures.ExpectedAttended, figures.ExpectedPossible, Today, CurrentUser.UserId, now));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field is { } field ? $"Input.{field}" : "", e.Message);
            return Page();
        }

        // The review record as held, kept with the case (issue 11); if it cannot be produced nothing is saved.
        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        var provider = Case.Kind != ArrangementKind.AlternativeProvision ? null
            : await Db.Placements.AsNoTracking().Where(p => p.ArrangementId == Case.Id).Join(Db.AlternativeProviders.AsNoTracking(), p => p.ProviderId, a => a.Id, (_, a) => a).SingleAsync();
        if (!await KeepDocumentAsync(documents, Documents.ReviewDocuments.Record(school, CurrentUser.TrustName, Case, Pupil, Review, PeriodFrom, ReviewOutcomes.Label(Case.Kind, Review.Outcome!.Value),
                CurrentUser.DisplayName, provider),
                "The review record could not be produced, so nothing has been saved. Try again in a moment.", now))
        {
            return Page();
        }

        if (evidence.Length > 0)
        {
            Db.CaseDocuments.Add(CaseDocument.ReviewEvidenceFor(Review, $"Review evidence {heldOn:yyyy-MM-dd} {Path.GetFileName(Evidence!.FileName)}", evidence, CurrentUser.UserId, now));
        }

        if (Case.Stage == ArrangementStage.Running)
        {
            // 000 §7 / 003 §7 / 002 §3.8: progress below the accepted standard raises a formal review, unless one is open.
            if (Wording.ProgressBelowStandardRaisesFormal && Input.ProgressBelowStandard && Review.Kind == ReviewKind.Scheduled)
            {
                await FlexiReviews.RaiseFormalUnlessOpenAsync(Db, Case, Today, FlexiRules.ProgressReason(heldOn),
                    Case.Kind == ArrangementKind.FlexiSchooling ? Profile.Flexi.FormalReviewAgreedBy : null, CurrentUser.UserId, now);
            }

            // The next review at the profile's cadence, from the end of the period this one covered.
            if (Review.Kind == ReviewKind.Scheduled && CaseRules.NextReviewDue(await SchoolRules.CalendarAsync(Db, Case.SchoolId), Case.Kind, Profile, Review.DueOn) is { } next)
            {
                var (scheduled, recorded) = ArrangementReview.Schedule(Case, next, CurrentUser.UserId, now);
                Db.ArrangementReviews.Add(scheduled);
                Db.ArrangementEvents.Add(recorded);
            }
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = $"The {(Review.Kind == ReviewKind.Formal ? "formal review" : "review")} is recorded and its record kept as a PDF with the case.";
        return Redirect($"/Cases/{Case.Id}#reviews");
    }

    public async Task<IActionResult> OnPostAgreeAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || !CanAgree)
        {
            return NotFound();
        }

        try
        {
            Db.ArrangementEvents.Add(Review.Agree(Case, AgreedOn ?? Today, CurrentUser.DisplayName, Today, CurrentUser.UserId, Time.GetUtcNow()));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field ?? "", e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = "Your agreement to the formal review is recorded: the school can now hold it.";
        return Redirect($"/Cases/Review/{id}");
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.ArrangementReviews.AsNoTracking().SingleAsync(r => r.Id == Review.Id);
        ModelState.Remove("Input.Version");
        Input = Input with { Version = current.Version };
    }

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        // The review first (its school is checked with its case): 404 for a review at a school the user may not see.
        var query = Db.ArrangementReviews.IgnoreQueryFilters([Data.AppDbContext.SchoolScopeFilter]).Where(r => r.Id == id);
        var review = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync();
        if (review is null || !await LoadCaseAsync(review.ArrangementId, Permission.ViewArrangements, tracked))
        {
            return false;
        }

        Review = review;
        Profile = (await DecidedUnderAsync()).Settings;
        var sameKind = await Db.ArrangementReviews.IgnoreQueryFilters([Data.AppDbContext.SchoolScopeFilter]).AsNoTracking()
            .Where(r => r.ArrangementId == review.ArrangementId && r.Kind == review.Kind).ToListAsync();
        PeriodFrom = ArrangementReview.PeriodStart(Case.StartedOn ?? review.DueOn, sameKind, review);
        var figures = review.IsHeld ? null : await FlexiReviews.FiguresAsync(Db, Case, PeriodFrom, Today);
        (Attended, AgreedSessions) = figures is null ? (review.AttendedAgreedSessions ?? 0, review.AgreedSessions ?? 0) : (figures.ExpectedAttended, figures.ExpectedPossible);
        EvidenceDocuments = await Db.CaseDocuments.AsNoTracking().Where(d => d.ReviewId == review.Id).OrderBy(d => d.CreatedAt)
            .Select(d => new CaseDocumentRow(d.Id, d.Kind, d.FileName, d.Size, d.CreatedAt)).ToListAsync();
        var stillRunning = Case.Stage == ArrangementStage.Running || (Case.EndsOn is { } last && last >= Today);
        CanHold = !review.IsHeld && !review.AwaitingAgreement && stillRunning && CurrentUser.Can(Permission.ManageArrangements, Case.SchoolId);
        CanAgree = review.AwaitingAgreement && stillRunning && CurrentUser.Can(Permission.AgreeFormalReviews, Case.SchoolId);
        return true;
    }
}
