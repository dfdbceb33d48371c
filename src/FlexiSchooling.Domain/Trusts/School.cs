using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Trusts;

public enum SchoolPhase
{
    Primary,
    Secondary,
    AllThrough,
    Special,
    AlternativeProvision,
}

[Flags]
public enum KeyStages
{
    None = 0,
    EarlyYears = 1,
    KS1 = 2,
    KS2 = 4,
    KS3 = 8,
    KS4 = 16,
    KS5 = 32,
}

/// <summary>A school (academy) of a trust, with the details its letters carry.</summary>
public sealed class School : ISchoolOwned
{
    private School() { }

    public School(Guid trustId, string name, string urn, Guid localAuthorityId, SchoolPhase phase, KeyStages keyStages)
    {
        Id = Ids.New();
        TrustId = trustId;
        Update(name, urn, localAuthorityId, phase, keyStages);
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    /// <summary>A school is its own school scope: a user sees the schools they hold roles at.</summary>
    Guid ISchoolOwned.SchoolId => Id;

    public string Name { get; private set; } = "";

    /// <summary>The DfE unique reference number: six digits.</summary>
    public string Urn { get; private set; } = "";

    /// <summary>The school's local authority, from the trust's list (<see cref="Trusts.LocalAuthority"/>): its cases are notified to it.</summary>
    public Guid LocalAuthorityId { get; private set; }

    public SchoolPhase Phase { get; private set; }

    public KeyStages KeyStages { get; private set; }

    public string? AddressLine1 { get; private set; }

    public string? AddressLine2 { get; private set; }

    public string? Town { get; private set; }

    public string? Postcode { get; private set; }

    public string? Telephone { get; private set; }

    public string? Email { get; private set; }

    public string? HeadteacherName { get; private set; }

    /// <summary>The school's reasons behind register codes, as settings text (<see cref="Attendance.AttendanceSubReasons"/>).</summary>
    public string AttendanceSubReasonsText { get; private set; } = "";

    public Attendance.AttendanceSubReasons AttendanceSubReasons => Attendance.AttendanceSubReasons.Parse(AttendanceSubReasonsText);

    public uint Version { get; private set; }

    public void Update(string name, string urn, Guid localAuthorityId, SchoolPhase phase, KeyStages keyStages)
    {
        if (urn.Length != 6 || !urn.All(char.IsAsciiDigit))
        {
            throw new DomainRuleException("school-urn", "Enter the school's URN as six digits.", nameof(Urn));
        }

        if (keyStages == KeyStages.None)
        {
            throw new DomainRuleException("school-key-stages", "Choose at least one key stage.", nameof(KeyStages));
        }

        Name = name.Trim();
        Urn = urn;
        LocalAuthorityId = localAuthorityId;
        Phase = phase;
        KeyStages = keyStages;
    }

    /// <summary>Sets the school's reasons behind codes; text that does not parse is refused with its line.</summary>
    public void SetAttendanceSubReasons(string? text) => AttendanceSubReasonsText = Attendance.AttendanceSubReasons.Parse(text).ToString();

    public void SetLetterhead(string? addressLine1, string? addressLine2, string? town, string? postcode, string? telephone, string? email, string? headteacherName)
    {
        AddressLine1 = addressLine1?.Trim();
        AddressLine2 = addressLine2?.Trim();
        Town = town?.Trim();
        Postcode = postcode?.Trim().ToUpperInvariant();
        Telephone = telephone?.Trim();
        Email = email?.Trim();
        HeadteacherName = headteacherName?.Trim();
    }
}
