using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Schools;

public sealed record SchoolRow(Guid Id, string Name, string Urn, string LocalAuthority, SchoolPhase Phase, DateOnly? LastTermEnd);

public sealed class IndexModel : AppPageModel
{
    public IReadOnlyList<SchoolRow> Schools { get; private set; } = [];

    public async Task OnGetAsync() =>
        Schools = await Db.Schools.AsNoTracking().OrderBy(s => s.Name)
            .Select(s => new SchoolRow(s.Id, s.Name, s.Urn, Db.LocalAuthorities.Where(a => a.Id == s.LocalAuthorityId).Select(a => a.Name).Single(), s.Phase, Db.Terms.Where(t => t.SchoolId == s.Id).Max(t => (DateOnly?)t.EndDate)))
            .ToListAsync();
}
