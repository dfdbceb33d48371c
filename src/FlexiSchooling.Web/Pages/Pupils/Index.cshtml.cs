using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Pupils;

public sealed record PupilRow(Guid Id, string Forename, string Surname, int YearGroup, string? Group, string School, PupilFlags Flags);

/// <summary>Pupil search within the schools where the user may see pupils (query filters and RLS apply beneath).</summary>
public sealed class IndexModel : AppPageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? School { get; set; }

    public IReadOnlyList<SchoolSummary> SchoolOptions { get; private set; } = [];

    public IReadOnlyList<PupilRow>? Results { get; private set; }

    public int Total { get; private set; }

    public async Task OnGetAsync()
    {
        var allowed = CurrentUser.SchoolsWhere(Permission.ViewPupils).ToList();
        SchoolOptions = [.. CurrentUser.Schools.Where(s => allowed.Contains(s.Id))];
        if (School is { } chosen && !allowed.Contains(chosen))
        {
            School = null;
        }

        if (Q is null && School is null && CurrentUser.ActiveSchool is { } active && allowed.Contains(active.Id))
        {
            School = active.Id;
        }

        var schools = School is { } one ? [one] : allowed;
        var query = Db.Pupils.AsNoTracking().Where(p => schools.Contains(p.SchoolId));
        var term = Q?.Trim();
        if (!string.IsNullOrEmpty(term))
        {
            var parts = term.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3).ToList();
            foreach (var part in parts)
            {
                var pattern = "%" + part.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
                query = query.Where(p => EF.Functions.ILike(p.LegalForename, pattern) || EF.Functions.ILike(p.LegalSurname, pattern)
                    || (p.PreferredForename != null && EF.Functions.ILike(p.PreferredForename, pattern)) || EF.Functions.ILike(p.Upn, pattern));
            }
        }
        else if (Q is null)
        {
            return;
        }

        Total = await query.CountAsync();
        var names = CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name);
        var rows = await query.OrderBy(p => p.LegalSurname).ThenBy(p => p.LegalForename).Take(PageSize)
            .Select(p => new
            {
                p.Id,
                Forename = p.PreferredForename ?? p.LegalForename,
                p.LegalSurname,
                p.YearGroup,
                Group = Db.RegistrationGroups.Where(g => g.Id == p.RegistrationGroupId).Select(g => g.Name).FirstOrDefault(),
                p.SchoolId,
                p.Flags,
            })
            .ToListAsync();
        Results = [.. rows.Select(r => new PupilRow(r.Id, r.Forename, r.LegalSurname, r.YearGroup, r.Group, names.GetValueOrDefault(r.SchoolId, ""), r.Flags))];
    }
}
