using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Flexi;

public sealed record CaseRow(Guid Id, string Pupil, string School, DateOnly RequestedOn, ArrangementStage Stage, DateOnly? DecisionDueBy, DateOnly? DecidedOn, string NextAction, bool Overdue);

/// <summary>
/// Flexi-schooling cases at the schools the user may see, each with what it waits for; the
/// headteacher's decisions due and overdue come first (issue 4, "Worklist").
/// </summary>
public sealed class IndexModel : AppPageModel
{
    public IReadOnlyList<CaseRow> Cases { get; private set; } = [];

    public bool CanRecord { get; private set; }

    public bool ManySchools { get; private set; }

    public async Task OnGetAsync()
    {
        var schools = CurrentUser.SchoolsWhere(Permission.ViewArrangements).ToList();
        ManySchools = schools.Count > 1;
        CanRecord = CurrentUser.ActiveSchool is { } active && CurrentUser.Can(Permission.ManageArrangements, active.Id);
        var names = CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name);
        var rows = await (from a in Db.Arrangements.AsNoTracking()
                          join p in Db.Pupils.AsNoTracking() on a.PupilId equals p.Id
                          where a.Kind == ArrangementKind.FlexiSchooling && schools.Contains(a.SchoolId)
                          orderby a.RequestedOn descending
                          select new { a.Id, a.SchoolId, Pupil = p.LegalSurname + ", " + (p.PreferredForename ?? p.LegalForename), a.RequestedOn, a.Stage, a.DecisionDueBy, a.DecidedOn })
                         .ToListAsync();
        var today = Today;
        Cases = [.. rows
            .Select(r => new CaseRow(r.Id, r.Pupil, names.GetValueOrDefault(r.SchoolId, ""), r.RequestedOn, r.Stage, r.DecisionDueBy, r.DecidedOn, NextAction(r.Stage, r.DecisionDueBy), r.Stage == ArrangementStage.MeetingHeld && r.DecisionDueBy < today))
            .OrderByDescending(r => r.Overdue).ThenBy(r => r.Stage is ArrangementStage.Declined or ArrangementStage.Ended).ThenBy(r => r.DecisionDueBy ?? DateOnly.MaxValue)];
    }

    public static string NextAction(ArrangementStage stage, DateOnly? due) => stage switch
    {
        ArrangementStage.Requested => "Meet the parent",
        ArrangementStage.MeetingHeld => due is { } d ? $"Headteacher to decide by {d:d MMM yyyy}" : "Headteacher to decide",
        ArrangementStage.Agreed => "Draw up the agreement",
        ArrangementStage.Running => "Running",
        ArrangementStage.Declined => "Closed: declined",
        ArrangementStage.Ended => "Closed: ended",
        _ => "",
    };
}
