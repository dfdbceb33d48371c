using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Data.Identity;

/// <summary>A role a user holds at one school of their trust, or trust-wide (<see cref="SchoolId"/> null).</summary>
public sealed class RoleAssignment : ITrustStampable
{
    private RoleAssignment() { }

    public RoleAssignment(Guid userId, StaffRole role, Guid? schoolId)
    {
        if (RolePermissions.IsTrustWide(role) != (schoolId is null))
        {
            throw new Domain.Common.DomainRuleException(
                "role-scope",
                RolePermissions.IsTrustWide(role) ? "This role is held trust-wide: do not choose a school." : "Choose the school this role is held at.",
                nameof(SchoolId));
        }

        Id = Ids.New();
        UserId = userId;
        Role = role;
        SchoolId = schoolId;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid UserId { get; private set; }

    public Guid? SchoolId { get; private set; }

    public StaffRole Role { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
