using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Policy;

public sealed class VersionModel : AppPageModel
{
    public PolicyProfileVersion Version { get; private set; } = null!;

    public string ScopeName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var version = await Db.PolicyProfileVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id);
        if (version is null)
        {
            return NotFound();
        }

        Version = version;
        ScopeName = version.SchoolId is { } s ? await Db.Schools.Where(x => x.Id == s).Select(x => x.Name).SingleAsync() : CurrentUser.TrustName;
        return Page();
    }
}
