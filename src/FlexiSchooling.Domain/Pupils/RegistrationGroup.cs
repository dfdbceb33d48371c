using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Pupils;

/// <summary>A form or class: the unit a register is taken for.</summary>
public sealed class RegistrationGroup : ISchoolOwned, ITrustStampable
{
    private RegistrationGroup() { }

    public RegistrationGroup(Guid schoolId, string name, int? yearGroup)
    {
        Id = Ids.New();
        SchoolId = schoolId;
        Name = name.Trim();
        YearGroup = yearGroup;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public string Name { get; private set; } = "";

    public int? YearGroup { get; private set; }

    /// <summary>The form tutor or class teacher who takes this group's register (teachers see their own groups).</summary>
    public Guid? TutorUserId { get; private set; }

    public void AssignTutor(Guid? userId) => TutorUserId = userId;

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
