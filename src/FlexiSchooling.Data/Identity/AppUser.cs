using FlexiSchooling.Domain.Tenancy;
using Microsoft.AspNetCore.Identity;

namespace FlexiSchooling.Data.Identity;

/// <summary>A staff account. It belongs to one trust; its roles are <see cref="RoleAssignment"/> rows.</summary>
public sealed class AppUser : IdentityUser<Guid>, ITrustStampable
{
    public Guid TrustId { get; set; }

    public string DisplayName { get; set; } = "";

    /// <summary>A disabled account cannot sign in, and an existing session ends on its next request.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public uint Version { get; set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
