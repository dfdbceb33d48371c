using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Pupils;

public sealed record PupilArrangement(Guid Id, FlexiSchooling.Domain.Arrangements.ArrangementKind Kind, FlexiSchooling.Domain.Arrangements.ArrangementStage Stage, DateOnly RequestedOn, DateOnly? StartedOn, DateOnly? EndsOn);

/// <summary>
/// The pupil page. Its flags (looked after, CP/CIN plan, social worker) are safeguarding-sensitive,
/// so each view is audited. Another trust's pupil is invisible to the query (filters and RLS) and a
/// sibling school's is refused by authorization: both answer 404.
/// </summary>
public sealed class DetailsModel(AuditTrail audit) : AppPageModel
{
    public bool CanViewArrangements { get; private set; }

    public IReadOnlyList<PupilArrangement> Arrangements { get; private set; } = [];

    public Pupil Pupil { get; private set; } = null!;

    public string SchoolName { get; private set; } = "";

    public string? GroupName { get; private set; }

    public bool CanEdit { get; private set; }

    /// <summary>A trust lead may record a subject access request about the pupil from here.</summary>
    public bool CanRecordSubjectAccess { get; private set; }

    public int Age { get; private set; }

    public string ProfileName { get; private set; } = "";

    public Domain.Attendance.AttendanceFigures Attendance { get; private set; } = Domain.Attendance.AttendanceFigures.Zero;

    /// <summary>The period <see cref="Attendance"/> covers, in words.</summary>
    public string AttendancePeriod { get; private set; } = "";

    public bool CanRecordLeave { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var pupil = await Db.Pupils.AsNoTracking().Include(p => p.Contacts)
            // School scoping is decided by authorization below (and audited when refused); the trust filter and RLS still apply.
            .IgnoreQueryFilters([FlexiSchooling.Data.AppDbContext.SchoolScopeFilter])
            .SingleOrDefaultAsync(p => p.Id == id);
        if (pupil is null || !await CanAsync(pupil.SchoolId, Permission.ViewPupils))
        {
            return NotFound();
        }

        Pupil = pupil;
        SchoolName = CurrentUser.Schools.FirstOrDefault(s => s.Id == pupil.SchoolId)?.Name ?? "";
        CanViewArrangements = CurrentUser.Can(Permission.ViewArrangements, pupil.SchoolId);
        if (CanViewArrangements)
        {
            Arrangements = await Db.Arrangements.IgnoreQueryFilters([FlexiSchooling.Data.AppDbContext.SchoolScopeFilter]).AsNoTracking()
                .Where(a => a.PupilId == id).OrderByDescending(a => a.RequestedOn)
                .Select(a => new PupilArrangement(a.Id, a.Kind, a.Stage, a.RequestedOn, a.StartedOn, a.EndsOn)).ToListAsync();
        }
        GroupName = await Db.RegistrationGroups.Where(g => g.Id == pupil.RegistrationGroupId).Select(g => g.Name).FirstOrDefaultAsync();
        CanEdit = CurrentUser.Can(Permission.EditPupils, pupil.SchoolId);
        CanRecordSubjectAccess = CurrentUser.CanTrustWide(Permission.HandleSubjectAccess);
        var today = Today;
        Age = today.Year - pupil.DateOfBirth.Year - (today < pupil.DateOfBirth.AddYears(today.Year - pupil.DateOfBirth.Year) ? 1 : 0);
        var inForce = await SchoolRules.ProfileAsync(Db, pupil.SchoolId, today);
        CanRecordLeave = CurrentUser.Can(Permission.RecordLeave, pupil.SchoolId);
        var year = Domain.Common.AcademicYear.Containing(today);
        var from = year.Start;
        AttendancePeriod = AttendanceText.Period(pupil.AdmissionDate > from ? pupil.AdmissionDate : from, today);
        Attendance = (await Db.AttendancePupilWeeks.AsNoTracking().Where(w => w.PupilId == pupil.Id && w.WeekStart >= from && w.WeekStart <= year.End).ToListAsync())
            .Aggregate(Domain.Attendance.AttendanceFigures.Zero, (sum, w) => sum + w.Figures);
        ProfileName = $"{inForce.SourcePolicy}, version {inForce.Number}";
        await audit.ViewedAsync(nameof(Domain.Pupils.Pupil), pupil.Id, pupil.SchoolId);
        return Page();
    }
}
