using FlexiSchooling.Data.Audit;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Audit;

public sealed record AuditRow(string When, string Who, string? Role, string? School, string Action, string EntityType, string? EntityId, string? CorrelationId);

/// <summary>The trust lead's search of their trust's audit trail (RLS shows only the trust's rows).</summary>
public sealed class IndexModel : AppPageModel
{
    public const int Limit = 200;

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public new string? User { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Record { get; set; }

    public string TrustName => CurrentUser.TrustName;

    public IReadOnlyList<string> Actions { get; } =
    [
        AuditActions.Created, AuditActions.Updated, AuditActions.Deleted, AuditActions.Viewed, AuditActions.SignedIn, AuditActions.SignInFailed,
        AuditActions.LockedOut, AuditActions.SignedOut, AuditActions.TwoFactorEnabled, AuditActions.TwoFactorFailed, AuditActions.RecoveryCodeUsed,
        AuditActions.RecoveryCodesGenerated, AuditActions.PasswordReset, AuditActions.AccessRefused, AuditActions.InvitationAccepted,
    ];

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var query = Db.AuditEvents.AsNoTracking().AsQueryable();
        if (From is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), LondonClock.Zone.GetUtcOffset(from.ToDateTime(TimeOnly.MinValue)));
            query = query.Where(a => a.OccurredAt >= start);
        }

        if (To is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), LondonClock.Zone.GetUtcOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue)));
            query = query.Where(a => a.OccurredAt < end);
        }

        if (!string.IsNullOrWhiteSpace(Action))
        {
            query = query.Where(a => a.Action == Action);
        }

        if (!string.IsNullOrWhiteSpace(Record))
        {
            query = query.Where(a => a.EntityId == Record.Trim());
        }

        var users = await Db.Users.AsNoTracking().Select(u => new { u.Id, u.Email }).ToDictionaryAsync(u => u.Id, u => u.Email ?? "");
        if (!string.IsNullOrWhiteSpace(User))
        {
            var ids = users.Where(u => u.Value.Contains(User.Trim(), StringComparison.OrdinalIgnoreCase)).Select(u => (Guid?)u.Key).ToList();
            query = query.Where(a => ids.Contains(a.UserId));
        }

        var schools = await Db.Schools.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name);
        var rows = await query.OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id).Take(Limit).ToListAsync();
        Rows = [.. rows.Select(a => new AuditRow(
            LondonClock.ToLondon(a.OccurredAt).ToString("d MMM yyyy HH:mm:ss"),
            a.UserId is { } u ? users.GetValueOrDefault(u, u.ToString()) : "(not signed in)",
            a.Role,
            a.SchoolId is { } s ? schools.GetValueOrDefault(s) : null,
            a.Action, a.EntityType, a.EntityId, a.CorrelationId))];
    }
}
