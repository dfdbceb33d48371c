using System.Security.Cryptography;
using System.Text;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Data.Attendance;

public enum ImportKind
{
    Pupils,
    Marks,
}

/// <summary>An uploaded file between its preview and its import (and afterwards, as the record of what was imported).</summary>
public sealed class ImportBatch : ISchoolOwned, ITrustStampable
{
    private ImportBatch() { }

    public ImportBatch(Guid schoolId, ImportKind kind, string fileName, string content, int rowCount, Guid? createdBy, DateTimeOffset createdAt)
    {
        Id = Ids.New(createdAt);
        SchoolId = schoolId;
        Kind = kind;
        FileName = fileName.Length > 200 ? fileName[..200] : fileName;
        Content = content;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        RowCount = rowCount;
        CreatedBy = createdBy;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public ImportKind Kind { get; private set; }

    public string FileName { get; private set; } = "";

    public string Content { get; private set; } = "";

    public string Sha256 { get; private set; } = "";

    public int RowCount { get; private set; }

    public Guid? CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ImportedAt { get; private set; }

    public string? Outcome { get; private set; }

    public uint Version { get; private set; }

    public void MarkImported(DateTimeOffset at, string outcome)
    {
        if (ImportedAt is not null)
        {
            throw new Domain.Common.DomainRuleException("import-once", "This file has already been imported.");
        }

        ImportedAt = at;
        Outcome = outcome;
    }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
