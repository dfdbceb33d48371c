using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.LocalAuthorities;

public sealed record LocalAuthorityRow(LocalAuthority Authority, IReadOnlyList<string> Schools);

/// <summary>The trust's local authorities, each with how it wants to be told of an arrangement and the schools in it (trust administrators).</summary>
public sealed class IndexModel : AppPageModel
{
    public IReadOnlyList<LocalAuthorityRow> Authorities { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var schools = (await Db.Schools.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.LocalAuthorityId, s.Name }).ToListAsync()).ToLookup(s => s.LocalAuthorityId, s => s.Name);
        Authorities = [.. (await Db.LocalAuthorities.AsNoTracking().OrderBy(a => a.Name).ToListAsync()).Select(a => new LocalAuthorityRow(a, [.. schools[a.Id]]))];
    }
}
