using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.RiskAssessments;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

public sealed record RiskRowInput
{
    public string Area { get; init; } = "";

    public string Hazard { get; init; } = "";

    public RiskLevel Likelihood { get; init; } = RiskLevel.Medium;

    public RiskLevel Impact { get; init; } = RiskLevel.Medium;

    public string? Controls { get; init; }

    public string? FurtherActions { get; init; }

    public string? Responsibility { get; init; }

    public string? ReviewFrequency { get; init; }

    public bool Mandatory { get; init; }

    public bool Remove { get; init; }

    public RiskRow ToRow() => new(Area ?? "", Hazard ?? "", Likelihood, Impact, Controls ?? "", FurtherActions ?? "", Responsibility ?? "", ReviewFrequency ?? "", Mandatory);

    public static RiskRowInput From(RiskRow r) => new()
    {
        Area = r.Area, Hazard = r.Hazard, Likelihood = r.Likelihood, Impact = r.Impact, Controls = r.Controls, FurtherActions = r.FurtherActions,
        Responsibility = r.Responsibility, ReviewFrequency = r.ReviewFrequency, Mandatory = r.Mandatory,
    };
}

/// <summary>
/// The case's risk assessment (issue 4): started from the school's template, adapted row by row by the
/// DSL, submitted, approved by a head or DSL other than its author (or returned), given its review date,
/// produced as a PDF when approved; a new version supersedes it. Every read is an audited view.
/// </summary>
public sealed class RiskAssessmentModel(DocumentRenderer documents, AuditTrail audit) : CasePageModel
{
    [BindProperty]
    public List<RiskRowInput> Rows { get; set; } = [];

    [BindProperty]
    public uint Version { get; set; }

    [BindProperty]
    public string? ReturnReason { get; set; }

    public RiskAssessment? Current { get; private set; }

    public RiskTemplate Template { get; private set; } = null!;

    public string? SubmittedByName { get; private set; }

    public string? ApprovedByName { get; private set; }

    /// <summary>The approved version as kept with the case (PDF); null before approval.</summary>
    public Guid? ApprovedDocumentId { get; private set; }

    public bool CanApprove => Current is { Status: RiskAssessmentStatus.Submitted } c && c.SubmittedBy != CurrentUser.UserId;

    public bool Editable => Current is { Status: RiskAssessmentStatus.Draft };

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        if (Current is { } current)
        {
            Rows = [.. current.Rows.Select(RiskRowInput.From)];
            Version = current.Version;
            await audit.ViewedAsync(nameof(RiskAssessment), current.Id, Case.SchoolId);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostStartAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true))
        {
            return NotFound();
        }

        var now = Time.GetUtcNow();
        var (assessment, started) = Current is null ? RiskAssessment.Start(Case, Template, CurrentUser.UserId, now) : Current.NewVersion(Case, CurrentUser.UserId, now);
        Db.RiskAssessments.Add(assessment);
        Db.ArrangementEvents.Add(started);
        await Db.SaveChangesAsync();
        return Redirect(CaseUrl(id));
    }

    /// <summary>Adds an empty row to the form; nothing is saved until the draft is.</summary>
    public async Task<IActionResult> OnPostAddRowAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false) || !Editable)
        {
            return NotFound();
        }

        ModelState.Clear();
        Rows.Add(new RiskRowInput());
        return Page();
    }

    public Task<IActionResult> OnPostSaveAsync(Guid id) => SaveAsync(id, submit: false);

    public Task<IActionResult> OnPostSubmitAsync(Guid id) => SaveAsync(id, submit: true);

    public async Task<IActionResult> OnPostApproveAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || Current is null)
        {
            return NotFound();
        }

        Db.Entry(Current).Property(a => a.Version).OriginalValue = Version;
        var previous = await Db.RiskAssessments.Where(a => a.ArrangementId == id && a.Status == RiskAssessmentStatus.Approved).SingleOrDefaultAsync();
        var now = Time.GetUtcNow();
        Db.ArrangementEvents.Add(Current.Approve(Case, previous, await SchoolRules.CalendarAsync(Db, Case.SchoolId), CaseRules.ReviewCadence(Case.Kind, (await DecidedUnderAsync()).Settings), Today, CurrentUser.UserId, now));

        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        var names = await Db.Users.AsNoTracking().Where(u => u.Id == Current.SubmittedBy || u.Id == Current.ApprovedBy).ToDictionaryAsync(u => u.Id, u => u.DisplayName);
        var document = FlexiDocuments.RiskAssessment(school, CurrentUser.TrustName, Pupil, Template, Current,
            names.GetValueOrDefault(Current.SubmittedBy ?? Guid.Empty, ""), names.GetValueOrDefault(CurrentUser.UserId, CurrentUser.DisplayName));
        if (!await KeepDocumentAsync(documents, document, "The risk assessment could not be produced as a PDF, so it has not been approved. Try again in a moment.", now))
        {
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect(CaseUrl(id));
    }

    public async Task<IActionResult> OnPostReturnAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || Current is null)
        {
            return NotFound();
        }

        Db.Entry(Current).Property(a => a.Version).OriginalValue = Version;
        try
        {
            Db.ArrangementEvents.Add(Current.Return(Case, ReturnReason ?? "", CurrentUser.UserId, Time.GetUtcNow()));
        }
        catch (DomainRuleException e) when (e.Field == "ReturnReason")
        {
            ModelState.AddModelError(nameof(ReturnReason), e.Message);
            Rows = [.. Current.Rows.Select(RiskRowInput.From)];
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect(CaseUrl(id));
    }

    public override async Task OnConcurrencyConflictAsync()
    {
        var current = await Db.RiskAssessments.AsNoTracking().Where(a => a.ArrangementId == Case.Id).OrderByDescending(a => a.Number).FirstAsync();
        ModelState.Remove(nameof(Version));
        Version = current.Version;
    }

    private async Task<IActionResult> SaveAsync(Guid id, bool submit)
    {
        if (!await LoadAsync(id, tracked: true) || Current is null)
        {
            return NotFound();
        }

        Db.Entry(Current).Property(a => a.Version).OriginalValue = Version;
        var kept = Rows.Where(r => !r.Remove).ToList();
        try
        {
            Current.Edit([.. kept.Select(r => r.ToRow())]);
            if (submit)
            {
                Db.ArrangementEvents.Add(Current.Submit(Case, CurrentUser.UserId, Time.GetUtcNow()));
            }
        }
        catch (DomainRuleException e) when (e.Field?.StartsWith("Rows[", StringComparison.Ordinal) == true || e.Field is null)
        {
            // Errors name rows as the user sees them after removals; the form is redrawn without the removed rows.
            ModelState.Clear();
            Rows = kept;
            ModelState.AddModelError(e.Field is null ? "" : e.Field, e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect(CaseUrl(id) + (submit ? "" : "?saved=true"));
    }

    private static string CaseUrl(Guid id) => $"/Cases/{id}/RiskAssessment";

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.AssessRisks, tracked) || Case.Stage is not (ArrangementStage.Agreed or ArrangementStage.Running))
        {
            return false;
        }

        var query = Db.RiskAssessments.Where(a => a.ArrangementId == id).OrderByDescending(a => a.Number);
        Current = await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync();
        var profile = await DecidedUnderAsync();
        Template = RiskTemplates.For(Case.Kind, profile.TemplateKey);
        if (Current is { } c)
        {
            var ids = new[] { c.SubmittedBy, c.ApprovedBy }.Where(u => u is not null).Select(u => u!.Value).ToList();
            var names = await Db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName);
            SubmittedByName = c.SubmittedBy is { } s ? names.GetValueOrDefault(s) : null;
            ApprovedByName = c.ApprovedBy is { } a ? names.GetValueOrDefault(a) : null;
            // The approved version's PDF, kept when it was approved (issue 13: the approved risk assessment links its PDF).
            ApprovedDocumentId = c.Status == RiskAssessmentStatus.Approved && c.ApprovedAt is { } approvedAt
                ? await Db.CaseDocuments.AsNoTracking().Where(d => d.ArrangementId == Case.Id && d.Kind == CaseDocumentKind.RiskAssessment && d.CreatedAt >= approvedAt.AddMinutes(-1))
                    .OrderByDescending(d => d.CreatedAt).Select(d => (Guid?)d.Id).FirstOrDefaultAsync()
                : null;
        }

        return true;
    }
}
