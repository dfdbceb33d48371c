using FlexiSchooling.Domain.Common;

namespace FlexiSchooling.Domain.Trusts;

/// <summary>A multi-academy trust: the tenant. Nothing of one trust is ever visible to another.</summary>
public sealed class Trust
{
    private Trust() { }

    public Trust(string name, string? companyNumber = null)
    {
        Id = Ids.New();
        Rename(name);
        CompanyNumber = companyNumber;
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string? CompanyNumber { get; private set; }

    public uint Version { get; private set; }

    public void Rename(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name.Trim();
    }
}
