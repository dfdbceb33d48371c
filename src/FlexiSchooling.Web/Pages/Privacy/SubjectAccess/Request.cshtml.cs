using FlexiSchooling.Data;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Privacy.SubjectAccess;

/// <summary>
/// One subject access request: its deadline, its export (produced in the background, progress shown, restartable after a
/// failure, downloaded after the password is given again and audited), and its completion once the information about
/// other people has been reviewed.
/// </summary>
public sealed class RequestModel(AuditTrail audit) : AppPageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    public SubjectAccessRequest Sar { get; private set; } = null!;

    public string PupilName { get; private set; } = "";

    public string Upn { get; private set; } = "";

    public Guid PupilId { get; private set; }

    public string School { get; private set; } = "";

    public string? RecordedBy { get; private set; }

    public string? CompletedBy { get; private set; }

    public long? BundleSize { get; private set; }

    [BindProperty]
    public DateOnly? CompletedOn { get; set; }

    [BindProperty]
    public bool ThirdPartyReviewed { get; set; }

    public bool InProgress => Sar.ExportStatus is SubjectAccessExportStatus.Queued or SubjectAccessExportStatus.Running;

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        CompletedOn ??= Today;
        return Page();
    }

    public async Task<IActionResult> OnPostExportAsync()
    {
        if (!await LoadAsync(tracked: true))
        {
            return NotFound();
        }

        try
        {
            Sar.QueueExport(CurrentUser.UserId, Time.GetUtcNow());
            await Db.SaveChangesAsync();
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError("", e.Message);
            return Page();
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError("", "The export changed while you were looking: this page now shows it as it is.");
            await LoadAsync();
            return Page();
        }

        return RedirectToPage(new { id = Id });
    }

    /// <summary>The export as a zip: pupil data leaving the product, so the password again first, and audited.</summary>
    public async Task<IActionResult> OnGetDownloadAsync()
    {
        if (!await LoadAsync() || Sar.ExportStatus != SubjectAccessExportStatus.Ready)
        {
            return NotFound();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        var bundle = await Db.SubjectAccessBundles.AsNoTracking().SingleAsync(b => b.RequestId == Id);
        await audit.SecurityAsync("exported", CurrentUser.TrustId, CurrentUser.UserId, $"subject-access:{Id}");
        return File(bundle.Content, "application/zip", bundle.FileName);
    }

    public async Task<IActionResult> OnPostCompleteAsync()
    {
        if (!await LoadAsync(tracked: true))
        {
            return NotFound();
        }

        if (CompletedOn is not { } on)
        {
            ModelState.AddModelError(nameof(CompletedOn), "Enter the date the response was sent");
            return Page();
        }

        try
        {
            Sar.Complete(on, ThirdPartyReviewed, Today, CurrentUser.UserId);
            await Db.SaveChangesAsync();
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field ?? "", e.Message);
            return Page();
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError("", "Someone else changed this request while you were looking: check it as it is now and complete it again.");
            Db.ChangeTracker.Clear();
            await LoadAsync();
            return Page();
        }

        return RedirectToPage(new { id = Id });
    }

    private async Task<bool> LoadAsync(bool tracked = false)
    {
        var query = Db.SubjectAccessRequests.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]);
        var request = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(r => r.Id == Id);
        if (request is null)
        {
            return false;
        }

        Sar = request;
        var pupil = await Db.Pupils.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).SingleAsync(p => p.Id == request.PupilId);
        PupilId = pupil.Id;
        PupilName = $"{pupil.LegalForename} {pupil.LegalSurname}";
        Upn = pupil.Upn;
        School = await Db.Schools.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(s => s.Id == request.SchoolId).Select(s => s.Name).SingleAsync();
        var people = new[] { request.RecordedBy, request.CompletedBy ?? Guid.Empty };
        var names = await Db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName);
        RecordedBy = names.GetValueOrDefault(request.RecordedBy);
        CompletedBy = request.CompletedBy is { } c ? names.GetValueOrDefault(c) : null;
        BundleSize = request.ExportStatus == SubjectAccessExportStatus.Ready
            ? await Db.SubjectAccessBundles.Where(b => b.RequestId == Id).Select(b => (long?)b.Size).SingleOrDefaultAsync()
            : null;
        if (InProgress)
        {
            ViewData["RefreshSeconds"] = 3;
        }

        return true;
    }
}
