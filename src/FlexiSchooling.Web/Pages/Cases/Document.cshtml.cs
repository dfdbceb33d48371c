using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>
/// Downloads a document kept with a case, for those who may see the case only (404 otherwise), as an
/// audited view. Served as an attachment with its stored type, never rendered inline by the browser. A safeguarding
/// document (an approved risk assessment) opens only for those who may read safeguarding narratives, as its page does.
/// </summary>
public sealed class DocumentModel(AuditTrail audit) : AppPageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var document = await Db.CaseDocuments.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking().SingleOrDefaultAsync(d => d.Id == id);
        if (document is null || !await CanAsync(document.SchoolId, Permission.ViewArrangements)
            || (CaseDocumentKinds.IsSafeguarding(document.Kind) && !await CanAsync(document.SchoolId, Permission.ReadSafeguarding)))
        {
            return NotFound();
        }

        await audit.ViewedAsync(nameof(CaseDocument), id, document.SchoolId);
        Response.Headers[HeaderNames.CacheControl] = "no-store";
        return File(document.Content, document.ContentType, document.FileName);
    }
}
