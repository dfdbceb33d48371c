using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Privacy;

/// <summary>The export of a subject access request (a zip), kept apart from the request so lists never load it.</summary>
public sealed class SubjectAccessBundle : ITrustStampable
{
    private SubjectAccessBundle() { }

    public SubjectAccessBundle(Guid requestId, string fileName, byte[] content, DateTimeOffset createdAt)
    {
        RequestId = requestId;
        FileName = fileName;
        Content = content;
        Size = content.Length;
        CreatedAt = createdAt;
    }

    public Guid RequestId { get; private set; }

    public Guid TrustId { get; private set; }

    public string FileName { get; private set; } = "";

    public byte[] Content { get; private set; } = [];

    public int Size { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
