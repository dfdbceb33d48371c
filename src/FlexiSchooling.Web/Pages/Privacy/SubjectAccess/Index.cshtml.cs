using FlexiSchooling.Data;
using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Privacy.SubjectAccess;

public sealed record SubjectAccessRow(Guid Id, string Pupil, string Upn, string School, string RequesterName, DateOnly ReceivedOn, DateOnly DueBy, DateOnly? CompletedOn, SubjectAccessExportStatus Export)
{
    public bool IsOverdue(DateOnly today) => CompletedOn is null && today > DueBy;

    /// <summary>The trust's requests, open ones first by deadline: the list page and the trust lead's home page share it.</summary>
    public static async Task<IReadOnlyList<SubjectAccessRow>> LoadAsync(AppDbContext db, bool openOnly)
    {
        var requests = db.SubjectAccessRequests.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(r => !openOnly || r.CompletedOn == null);
        var rows = await (from r in requests
                          join p in db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]) on r.PupilId equals p.Id
                          join s in db.Schools.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]) on r.SchoolId equals s.Id
                          select new SubjectAccessRow(r.Id, p.LegalForename + " " + p.LegalSurname, p.Upn, s.Name, r.RequesterName, r.ReceivedOn, r.DueBy, r.CompletedOn, r.ExportStatus))
            .ToListAsync();
        return [.. rows.OrderBy(r => r.CompletedOn is not null).ThenBy(r => r.CompletedOn is null ? r.DueBy : DateOnly.MaxValue).ThenByDescending(r => r.CompletedOn)];
    }
}

/// <summary>The trust's subject access requests: open ones by deadline (overdue first), then those completed.</summary>
public sealed class IndexModel : AppPageModel
{
    public IReadOnlyList<SubjectAccessRow> Requests { get; private set; } = [];

    public async Task OnGetAsync() => Requests = await SubjectAccessRow.LoadAsync(Db, openOnly: false);
}
