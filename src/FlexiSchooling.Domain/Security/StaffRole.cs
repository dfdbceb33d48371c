namespace FlexiSchooling.Domain.Security;

/// <summary>The roles the policies name (domain.md, "Tenancy and people"). A user may hold different roles at different schools.</summary>
public enum StaffRole
{
    TrustLead,
    TrustAdmin,
    Headteacher,
    DesignatedSafeguardingLead,
    AttendanceOfficer,
    AlternativeProvisionLeader,
    Senco,
    Teacher,
    Governor,
}

/// <summary>What a role may do. One table, so a page never decides a permission on its own.</summary>
public enum Permission
{
    ViewPupils,
    EditPupils,
    ViewAudit,
    ManageTrust,

    /// <summary>Take the registers of one's own groups (teachers) — see <see cref="TakeAnyRegister"/>.</summary>
    TakeRegister,

    /// <summary>Take the register of any group of the school (issue 3: attendance officers see the school).</summary>
    TakeAnyRegister,

    /// <summary>Change a mark after its day, with a reason.</summary>
    AmendLockedMarks,

    /// <summary>Record approved leave of absence (expected marks).</summary>
    RecordLeave,

    /// <summary>Work the absence follow-up list and log contacts.</summary>
    FollowUpAbsence,

    /// <summary>Import pupils and marks from MIS files, and export marks and summaries.</summary>
    ImportExport,

    /// <summary>See flexi-schooling, part-time and AP cases and their documents.</summary>
    ViewArrangements,

    /// <summary>Record requests and meetings, and keep a case moving.</summary>
    ManageArrangements,

    /// <summary>Decide requests (the headteacher: 000 §4 "sole discretion").</summary>
    DecideArrangements,

    /// <summary>Complete, submit and approve risk assessments (the DSL and the headteacher; never one's own).</summary>
    AssessRisks,

    /// <summary>Agree to a formal review where the profile names a trust lead for it (000 §7: the Deputy CEO).</summary>
    AgreeFormalReviews,

    /// <summary>
    /// Read safeguarding narratives — a risk assessment as approved — beyond knowing it exists: the headteacher, the DSL
    /// and trust leads (the trust safeguarding lead among them); not every role that sees cases (KCSIE: need to know).
    /// </summary>
    ReadSafeguarding,

    /// <summary>
    /// Record subject access requests and produce, download and complete their exports: the trust lead, who answers for
    /// the trust as data controller (issue 14, "Subject access").
    /// </summary>
    HandleSubjectAccess,

    /// <summary>See the trust's alternative providers and their checks (those who work with cases and attendance).</summary>
    ViewProviders,

    /// <summary>Add and edit providers and record their due-diligence checks (004 §7.8: the AP leader, the head, the trust lead).</summary>
    ManageProviders,

    /// <summary>Approve the use of an unregistered provider (002: the trust's link DPS — here the trust lead).</summary>
    ApproveProviders,

    /// <summary>
    /// Approve or refuse an off-site direction for the governing body (004 §6.4): governors, and nothing more of a case
    /// than the direction asks them to decide.
    /// </summary>
    ApproveOffSiteDirections,

    /// <summary>
    /// Read the governors' termly report of the school's arrangements and attendance (issue 13): counts only, no pupil named —
    /// the governors, the headteacher who reports to them, and the trust lead for every school and the trust.
    /// </summary>
    ReadGovernorsReport,
}

public static class RolePermissions
{
    /// <summary>Roles held trust-wide (no school) rather than at a school.</summary>
    public static bool IsTrustWide(StaffRole role) => role is StaffRole.TrustLead or StaffRole.TrustAdmin;

    public static bool Grants(StaffRole role, Permission permission) => permission switch
    {
        // Governors hold the school to account through counts (the termly report) and decide off-site directions on their
        // own page; they do not browse pupils' records (issue 12: the direction permission "and nothing more").
        Permission.ViewPupils => role is not StaffRole.TrustAdmin and not StaffRole.Governor,
        Permission.EditPupils => role is StaffRole.Headteacher or StaffRole.AttendanceOfficer or StaffRole.DesignatedSafeguardingLead or StaffRole.Senco,
        Permission.ViewAudit => role is StaffRole.TrustLead,
        Permission.ManageTrust => role is StaffRole.TrustAdmin,
        Permission.TakeRegister => role is StaffRole.Teacher or StaffRole.AttendanceOfficer or StaffRole.Headteacher,
        Permission.TakeAnyRegister or Permission.AmendLockedMarks or Permission.RecordLeave => role is StaffRole.AttendanceOfficer or StaffRole.Headteacher,
        Permission.ImportExport => role is StaffRole.AttendanceOfficer or StaffRole.Headteacher,
        Permission.FollowUpAbsence => role is StaffRole.AttendanceOfficer or StaffRole.Headteacher or StaffRole.DesignatedSafeguardingLead,
        Permission.ViewArrangements => role is StaffRole.Headteacher or StaffRole.DesignatedSafeguardingLead or StaffRole.Senco or StaffRole.AlternativeProvisionLeader or StaffRole.AttendanceOfficer or StaffRole.TrustLead,
        Permission.ManageArrangements => role is StaffRole.Headteacher or StaffRole.DesignatedSafeguardingLead or StaffRole.AlternativeProvisionLeader,
        Permission.DecideArrangements => role is StaffRole.Headteacher,
        Permission.AssessRisks => role is StaffRole.Headteacher or StaffRole.DesignatedSafeguardingLead,
        Permission.AgreeFormalReviews => role is StaffRole.TrustLead,
        Permission.ReadSafeguarding => role is StaffRole.Headteacher or StaffRole.DesignatedSafeguardingLead or StaffRole.TrustLead,
        Permission.HandleSubjectAccess => role is StaffRole.TrustLead,
        Permission.ViewProviders => Grants(role, Permission.ViewArrangements),
        Permission.ManageProviders => role is StaffRole.AlternativeProvisionLeader or StaffRole.Headteacher or StaffRole.TrustLead,
        Permission.ApproveProviders => role is StaffRole.TrustLead,
        Permission.ApproveOffSiteDirections => role is StaffRole.Governor,
        Permission.ReadGovernorsReport => role is StaffRole.Governor or StaffRole.Headteacher or StaffRole.TrustLead,
    };

    public static string Label(StaffRole role) => role switch
    {
        StaffRole.TrustLead => "Trust lead",
        StaffRole.TrustAdmin => "Trust administrator",
        StaffRole.Headteacher => "Headteacher",
        StaffRole.DesignatedSafeguardingLead => "Designated safeguarding lead",
        StaffRole.AttendanceOfficer => "Attendance officer",
        StaffRole.AlternativeProvisionLeader => "Alternative provision leader",
        StaffRole.Senco => "SENCO",
        StaffRole.Teacher => "Teacher",
        StaffRole.Governor => "Governor",
    };
}
