using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Policy;

public sealed record ProfileScope(string Title, Guid? SchoolId, IReadOnlyList<PolicyProfileVersion> Versions, Guid? InForceId);

public sealed class IndexModel : AppPageModel
{
    public IReadOnlyList<ProfileScope> Scopes { get; private set; } = [];

    public DateOnly TodayDate => Today;

    public async Task OnGetAsync()
    {
        var versions = await Db.PolicyProfileVersions.AsNoTracking().OrderByDescending(v => v.Number).ToListAsync();
        var schools = await Db.Schools.AsNoTracking().OrderBy(s => s.Name).ToListAsync();
        var trustDefault = versions.Where(v => v.SchoolId is null).ToList();
        var today = Today;
        Guid? InForce(IEnumerable<PolicyProfileVersion> scope) => scope.Where(v => v.EffectiveFrom <= today).MaxBy(v => (v.EffectiveFrom, v.Number))?.Id;
        Scopes =
        [
            new ProfileScope($"{CurrentUser.TrustName} (trust default)", null, trustDefault, InForce(trustDefault)),
            .. schools.Select(s =>
            {
                var own = versions.Where(v => v.SchoolId == s.Id).ToList();
                return new ProfileScope(s.Name, s.Id, own, InForce(own));
            }),
        ];
    }
}
