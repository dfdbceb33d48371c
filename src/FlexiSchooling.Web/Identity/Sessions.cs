using System.Security.Claims;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Identity;

/// <summary>
/// Sessions held on the server (issue 14, item 1). Every sign-in starts a <see cref="UserSession"/> whose id travels in
/// the cookie; <see cref="CurrentUserMiddleware"/> refuses a cookie whose session has ended or gone idle, so signing
/// out, "Your sessions" and an administrator's actions take effect on the very next request of the cookie, wherever
/// it was copied to. The one place sessions start, end and are confirmed.
/// </summary>
public sealed class SessionStore(AppDbContext db, TenantContext tenant, TimeProvider time, AuditTrail audit)
{
    public const string SessionClaim = "sid";

    /// <summary>An item a caller sets before signing out to say why the session ends (otherwise "signed out").</summary>
    public const string EndReasonItem = "flexi.session-end-reason";

    /// <summary>Last-seen is written at most this often, so a busy session costs a write a minute, not one a request.</summary>
    /// <summary>How often a session's last request is written: at most once a minute.</summary>
    public static readonly TimeSpan SeenResolution = TimeSpan.FromMinutes(1);

    public static Guid? SessionOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(SessionClaim), out var id) ? id : null;

    /// <summary>
    /// Called as the application cookie is issued. A new sign-in starts a session; re-issuing the cookie within a session
    /// still active (adding the second factor) keeps that session and counts as giving the password again.
    /// </summary>
    public static async Task OnSigningInAsync(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity
            || !Guid.TryParse(identity.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var userId)
            || !Guid.TryParse(identity.FindFirst(CurrentUserMiddleware.TrustClaim)?.Value, out var trustId))
        {
            return;
        }

        var http = context.HttpContext;
        var tenant = http.RequestServices.GetRequiredService<TenantContext>();
        if (!tenant.HasTrust)
        {
            tenant.SetTrust(trustId, userId);
        }

        var store = http.RequestServices.GetRequiredService<SessionStore>();
        var sessionId = SessionOf(http.User) is { } current && http.User.FindFirstValue(ClaimTypes.NameIdentifier) == userId.ToString()
            && await store.ConfirmAsync(current, userId)
            ? current
            : await store.StartAsync(userId, http);
        foreach (var stale in identity.FindAll(SessionClaim).ToList())
        {
            identity.RemoveClaim(stale);
        }

        identity.AddClaim(new Claim(SessionClaim, sessionId.ToString()));
    }

    /// <summary>Called as the application cookie is removed: the session ends on the server too.</summary>
    public static async Task OnSigningOutAsync(CookieSigningOutContext context)
    {
        var http = context.HttpContext;
        if (SessionOf(http.User) is not { } sessionId || !Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return;
        }

        var reason = http.Items[EndReasonItem] as string ?? SessionEndReasons.SignedOut;
        await http.RequestServices.GetRequiredService<SessionStore>().EndAsync(userId, sessionId, reason, userId);
    }

    public async Task<Guid> StartAsync(Guid userId, HttpContext http)
    {
        var session = new UserSession(userId, Device(http.Request.Headers.UserAgent.ToString()), http.Connection.RemoteIpAddress?.ToString(), time.GetUtcNow());
        db.UserSessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    /// <summary>The password (and second factor) were given again in this session, if it is still active.</summary>
    public async Task<bool> ConfirmAsync(Guid sessionId, Guid userId)
    {
        var now = time.GetUtcNow();
        var idleSince = now - UserSession.IdleTimeout;
        return await db.UserSessions
            .Where(s => s.Id == sessionId && s.UserId == userId && s.EndedAt == null && s.LastSeenAt >= idleSince)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConfirmedAt, now).SetProperty(x => x.LastSeenAt, now)) == 1;
    }

    /// <summary>What a request needs of the session named by its cookie, read with the user in one round trip.</summary>
    public sealed record State(DateTimeOffset? EndedAt, DateTimeOffset LastSeenAt, DateTimeOffset ConfirmedAt);

    /// <summary>
    /// The session named by the cookie, if it is still active (<paramref name="session"/>: its state as read, null when
    /// there is none): marks it seen (at most once a minute) and returns when the password was last given. An idle
    /// session is ended here, so it also leaves "Your sessions".
    /// </summary>
    public async Task<DateTimeOffset?> CheckAsync(Guid userId, Guid? sessionId, State? session)
    {
        if (sessionId is not { } id)
        {
            return null; // a cookie issued before sessions were held on the server
        }

        var now = time.GetUtcNow();
        if (session is null || session.EndedAt is not null)
        {
            return null;
        }

        if (now - session.LastSeenAt > UserSession.IdleTimeout)
        {
            await EndAsync(userId, id, SessionEndReasons.TimedOut, null);
            return null;
        }

        if (now - session.LastSeenAt >= SeenResolution)
        {
            await db.UserSessions.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now));
        }

        return session.ConfirmedAt;
    }

    public async Task<IReadOnlyList<UserSession>> ActiveAsync(Guid userId)
    {
        var idleSince = time.GetUtcNow() - UserSession.IdleTimeout;
        return await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.EndedAt == null && s.LastSeenAt >= idleSince)
            .OrderByDescending(s => s.LastSeenAt).ToListAsync();
    }

    /// <summary>Ends one session of the user (a session of someone else is never found); audited.</summary>
    public async Task<bool> EndAsync(Guid userId, Guid sessionId, string reason, Guid? endedBy)
    {
        var ended = await EndWhereAsync(db.UserSessions.Where(s => s.Id == sessionId && s.UserId == userId), reason, endedBy);
        if (ended > 0)
        {
            await audit.SecurityAsync(AuditActions.SessionEnded, tenant.TrustId, userId, reason);
        }

        return ended > 0;
    }

    /// <summary>Ends every active session of the user (but <paramref name="except"/>), as an administrator's action or the person's own; audited.</summary>
    public async Task<int> EndAllAsync(Guid userId, string reason, Guid? endedBy, Guid? except = null)
    {
        var ended = await EndWhereAsync(db.UserSessions.Where(s => s.UserId == userId && s.Id != except), reason, endedBy);
        if (ended > 0)
        {
            await audit.SecurityAsync(AuditActions.SessionEnded, tenant.TrustId, userId, $"{reason} ×{ended}");
        }

        return ended;
    }

    private Task<int> EndWhereAsync(IQueryable<UserSession> sessions, string reason, Guid? endedBy)
    {
        var now = time.GetUtcNow();
        return sessions.Where(s => s.EndedAt == null).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.EndedAt, now)
            .SetProperty(x => x.EndedReason, reason)
            .SetProperty(x => x.EndedBy, endedBy));
    }

    /// <summary>"Chrome on Windows" from a user-agent string: enough for a person to recognise a session as theirs.</summary>
    public static string Device(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown browser";
        }

        bool Has(string s) => userAgent.Contains(s, StringComparison.OrdinalIgnoreCase);
        var browser = Has("Edg/") ? "Edge" : Has("Firefox/") ? "Firefox" : Has("OPR/") ? "Opera" : Has("Chrome/") || Has("Chromium/") ? "Chrome"
            : Has("Safari/") ? "Safari" : "Another browser";
        var system = Has("iPhone") ? "iPhone" : Has("iPad") ? "iPad" : Has("Android") ? "Android" : Has("Windows") ? "Windows"
            : Has("Mac OS X") || Has("Macintosh") ? "Mac" : Has("CrOS") ? "Chromebook" : Has("Linux") ? "Linux" : "another system";
        return $"{browser} on {system}";
    }
}

/// <summary>What the shared sessions table shows: the sessions, which is this one, and whether each can be ended there.</summary>
public sealed record SessionsTable(IReadOnlyList<UserSession> Sessions, Guid? Current, bool EndEach);
