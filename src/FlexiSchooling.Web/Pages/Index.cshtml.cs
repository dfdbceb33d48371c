using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages;

public sealed record SchoolOverviewRow(Guid Id, string Name, int OnRoll, int Ehcp, int LookedAfter, int Plans, string Profile);

/// <summary>Home: the schools the user may see pupils at, with counts from the roll (trust leads see every school).</summary>
public sealed class IndexModel : AppPageModel
{
    public CurrentUser Me => CurrentUser;

    public IReadOnlyList<SchoolOverviewRow> Schools { get; private set; } = [];

    public bool IsTrustAdmin => Me.Holds(StaffRole.TrustAdmin);

    /// <summary>What is due, overdue and waiting on the user today, and what waits on others that they should know of (issue 13, "Today").</summary>
    public IReadOnlyList<Cases.ActionRow> Actions { get; private set; } = [];

    public IReadOnlyList<(string Title, string Id, IReadOnlyList<Cases.ActionRow> Rows)> Groups
    {
        get
        {
            var soon = Today.AddDays(14);
            var mine = Actions.Where(a => !a.WaitingOnOthers).ToList();
            return
            [
                ("Overdue", "overdue", [.. mine.Where(a => a.Overdue)]),
                ("Due in the next two weeks", "due-soon", [.. mine.Where(a => !a.Overdue && a.Due is { } d && d <= soon)]),
                ("To do", "to-do", [.. mine.Where(a => !a.Overdue && (a.Due is null || a.Due > soon))]),
                ("Waiting on others", "waiting", [.. Actions.Where(a => a.WaitingOnOthers)]),
            ];
        }
    }

    /// <summary>Whether the user sees more than one school's work, so each item names its school.</summary>
    public bool ManySchools => Me.Schools.Count > 1 || Me.HasTrustWideRole;

    /// <summary>Open subject access requests, for those who handle them: on their home page until completed (issue 14).</summary>
    public IReadOnlyList<Privacy.SubjectAccess.SubjectAccessRow>? SubjectAccess { get; private set; }

    public async Task OnGetAsync()
    {
        var today = Today;
        var visible = Me.SchoolsWhere(Permission.ViewPupils).ToList();
        var hasActions = !IsTrustAdmin || Me.Schools.Count > 0;
        // The trust's policy profile versions, read once when first needed: the trust's settings for its providers, and each
        // school's in force below.
        var versions = new Lazy<Task<List<PolicyProfileVersion>>>(() => Db.PolicyProfileVersions.AsNoTracking().ToListAsync());
        if (hasActions)
        {
            Actions = await Cases.CaseActions.ForAsync(Db, Me, today, LondonClock.Now(Time), async () => await versions.Value);
        }

        if (Me.CanTrustWide(Permission.HandleSubjectAccess))
        {
            SubjectAccess = await Privacy.SubjectAccess.SubjectAccessRow.LoadAsync(Db, openOnly: true);
        }

        var counts = visible.Count == 0 ? [] : await Db.Pupils.AsNoTracking()
            .Where(p => visible.Contains(p.SchoolId)).Where(Pupil.OnRollOn(today))
            .GroupBy(p => p.SchoolId)
            .Select(g => new
            {
                SchoolId = g.Key,
                OnRoll = g.Count(),
                Ehcp = g.Count(p => p.Flags.Ehcp),
                LookedAfter = g.Count(p => p.Flags.LookedAfter),
                Plans = g.Count(p => p.Flags.ChildProtectionPlan || p.Flags.ChildInNeedPlan),
            })
            .ToDictionaryAsync(x => x.SchoolId);
        var versionsRead = visible.Count == 0 ? [] : await versions.Value;
        Schools = [.. Me.Schools.Where(s => visible.Contains(s.Id)).Select(s =>
        {
            var c = counts.GetValueOrDefault(s.Id);
            var profile = versionsRead.Count == 0 ? "None" : PolicyProfileVersion.InForce(versionsRead, s.Id, today) is var v ? $"{v.SourcePolicy} (v{v.Number}{(v.SchoolId is null ? ", trust default" : "")})" : "";
            return new SchoolOverviewRow(s.Id, s.Name, c?.OnRoll ?? 0, c?.Ehcp ?? 0, c?.LookedAfter ?? 0, c?.Plans ?? 0, profile);
        })];
    }
}
