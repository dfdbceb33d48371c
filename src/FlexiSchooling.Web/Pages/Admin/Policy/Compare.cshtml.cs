using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Policy;

/// <summary>Two versions side by side (any two of the trust's, e.g. a school's override against the trust default).</summary>
public sealed class CompareModel : AppPageModel
{
    public PolicyProfileVersion A { get; private set; } = null!;

    public PolicyProfileVersion B { get; private set; } = null!;

    public string TitleA { get; private set; } = "";

    public string TitleB { get; private set; } = "";

    public int Differences { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid a, Guid b)
    {
        var versions = await Db.PolicyProfileVersions.AsNoTracking().Where(v => v.Id == a || v.Id == b).ToListAsync();
        if (versions.FirstOrDefault(v => v.Id == a) is not { } va || versions.FirstOrDefault(v => v.Id == b) is not { } vb)
        {
            return NotFound();
        }

        (A, B) = (va, vb);
        var schools = await Db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name);
        string Title(PolicyProfileVersion v) => $"{(v.SchoolId is { } s ? schools.GetValueOrDefault(s) : "Trust default")} v{v.Number}";
        (TitleA, TitleB) = (Title(A), Title(B));
        Differences = SettingPaths.All.Count(p => PolicyDisplay.Value(A.Settings, p) != PolicyDisplay.Value(B.Settings, p));
        return Page();
    }
}
