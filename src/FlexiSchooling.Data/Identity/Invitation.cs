using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Data.Identity;

/// <summary>
/// An invitation to set a password for an account a trust admin created. Only the token's SHA-256
/// is stored; the token travels in the emailed link and is looked up through a security-definer
/// function before any tenant is known (see docs/adr/0005).
/// </summary>
public sealed class Invitation : ITrustStampable
{
    private Invitation() { }

    public Invitation(Guid userId, string tokenHash, DateTimeOffset expiresAt, Guid invitedBy)
    {
        Id = Ids.New();
        UserId = userId;
        TokenHash = tokenHash;
        ExpiresAt = expiresAt;
        InvitedBy = invitedBy;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid UserId { get; private set; }

    public string TokenHash { get; private set; } = "";

    public DateTimeOffset ExpiresAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public Guid InvitedBy { get; private set; }

    public bool IsUsable(DateTimeOffset now) => AcceptedAt is null && now < ExpiresAt;

    public void Accept(DateTimeOffset now) => AcceptedAt = now;

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public static string NewToken() => Domain.Common.OneTimeToken.New();

    public static string Hash(string token) => Domain.Common.OneTimeToken.Hash(token);
}
