using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Flexi;

/// <summary>The case pages' shared loading: the case, its pupil, and the permission at its school (404 otherwise).</summary>
public abstract class CasePageModel : AppPageModel
{
    public Arrangement Case { get; private set; } = null!;

    public Pupil Pupil { get; private set; } = null!;

    public string PupilName => $"{Pupil.PreferredForename ?? Pupil.LegalForename} {Pupil.LegalSurname}";

    public string SchoolName { get; private set; } = "";

    protected async Task<bool> LoadCaseAsync(Guid id, Permission permission, bool tracked = false)
    {
        var query = Db.Arrangements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(a => a.Id == id && a.Kind == ArrangementKind.FlexiSchooling);
        var found = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync();
        if (found is null || !await CanAsync(found.SchoolId, permission))
        {
            return false;
        }

        Case = found;
        Pupil = await Db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking().SingleAsync(p => p.Id == found.PupilId);
        SchoolName = CurrentUser.Schools.FirstOrDefault(s => s.Id == found.SchoolId)?.Name ?? "";
        return true;
    }
}
