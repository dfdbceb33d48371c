using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;

namespace FlexiSchooling.Web.Pages.Admin.Users;

/// <summary>The role and school pickers shared by the invite and edit pages.</summary>
public static class RoleOptions
{
    public static IReadOnlyList<KeyValuePair<string, string>> Roles { get; } =
        [new("", "Choose a role"), .. Enum.GetValues<StaffRole>().Select(r => new KeyValuePair<string, string>(r.ToString(), RolePermissions.Label(r)))];

    public static IReadOnlyList<KeyValuePair<string, string>> Schools(IEnumerable<SchoolSummary> schools) =>
        [new("", "Trust-wide"), .. schools.Select(s => new KeyValuePair<string, string>(s.Id.ToString(), s.Name))];
}
