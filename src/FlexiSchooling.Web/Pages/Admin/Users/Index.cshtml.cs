using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Users;

public sealed record UserRow(Guid Id, string Name, string Email, IReadOnlyList<string> Roles, bool Disabled, bool HasPassword, bool TwoFactor);

public sealed class IndexModel : AppPageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var schools = await Db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name);
        var assignments = (await Db.RoleAssignments.AsNoTracking().ToListAsync()).ToLookup(a => a.UserId);
        var users = await Db.Users.AsNoTracking().OrderBy(u => u.DisplayName).ToListAsync();
        Users = [.. users.Select(u => new UserRow(u.Id, u.DisplayName, u.Email ?? "",
            [.. assignments[u.Id].Select(a => RolePermissions.Label(a.Role) + (a.SchoolId is { } s ? $" at {schools.GetValueOrDefault(s)}" : " (trust-wide)"))],
            u.IsDisabled, u.PasswordHash is not null, u.TwoFactorEnabled))];
    }
}
