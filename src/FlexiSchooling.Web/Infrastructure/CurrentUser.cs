using System.Security.Claims;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Domain.Trusts;
using FlexiSchooling.Web.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

public sealed record SchoolSummary(Guid Id, string Name);

/// <summary>
/// The signed-in user for this request, loaded once per request from the database (not from the
/// cookie), so removing a role or disabling an account takes effect on the user's next request.
/// </summary>
public sealed class CurrentUser
{
    public Guid UserId { get; private set; }

    public Guid TrustId { get; private set; }

    public string DisplayName { get; private set; } = "";

    public string TrustName { get; private set; } = "";

    public IReadOnlyList<RoleAssignment> Assignments { get; private set; } = [];

    /// <summary>The schools the user holds any role at (all the trust's schools for a trust-wide role).</summary>
    public IReadOnlyList<SchoolSummary> Schools { get; private set; } = [];

    public SchoolSummary? ActiveSchool { get; private set; }

    public bool IsAuthenticated => UserId != Guid.Empty;

    /// <summary>The server-side session this request belongs to (issue 14, item 1).</summary>
    public Guid SessionId { get; private set; }

    /// <summary>When the password (and second factor) were last given in this session: sign-in or a step-up.</summary>
    public DateTimeOffset ConfirmedAt { get; private set; }

    public bool HasTrustWideRole => Assignments.Any(a => a.SchoolId is null);

    public bool Holds(StaffRole role) => Assignments.Any(a => a.Role == role);

    public IEnumerable<StaffRole> RolesAt(Guid schoolId) =>
        Assignments.Where(a => a.SchoolId == schoolId || a.SchoolId is null).Select(a => a.Role).Distinct();

    /// <summary>The single place a permission is decided for a school (the authorization handler calls it).</summary>
    public bool Can(Permission permission, Guid schoolId) => RolesAt(schoolId).Any(r => RolePermissions.Grants(r, permission));

    /// <summary>A trust-wide role grants it (the trust's own pages: administration, the audit trail, subject access).</summary>
    public bool CanTrustWide(Permission permission) => Assignments.Any(a => a.SchoolId is null && RolePermissions.Grants(a.Role, permission));

    public bool CanAnywhere(Permission permission) => Assignments.Any(a => RolePermissions.Grants(a.Role, permission));

    public IEnumerable<Guid> SchoolsWhere(Permission permission) => Schools.Select(s => s.Id).Where(id => Can(permission, id));

    /// <summary>Teachers take their own groups' registers; attendance officers and heads any group of the school.</summary>
    public bool CanTakeRegister(Domain.Pupils.RegistrationGroup group) =>
        Can(Permission.TakeAnyRegister, group.SchoolId) || (Can(Permission.TakeRegister, group.SchoolId) && group.TutorUserId == UserId);

    public string RoleLabel => ActiveSchool is { } s
        ? string.Join(", ", RolesAt(s.Id).Select(RolePermissions.Label))
        : string.Join(", ", Assignments.Select(a => RolePermissions.Label(a.Role)).Distinct());

    internal void Load(AppUser user, Guid sessionId, DateTimeOffset confirmedAt, string trustName, IReadOnlyList<RoleAssignment> assignments, IReadOnlyList<SchoolSummary> schools, Guid? preferredSchool)
    {
        SessionId = sessionId;
        ConfirmedAt = confirmedAt;
        UserId = user.Id;
        TrustId = user.TrustId;
        DisplayName = user.DisplayName;
        TrustName = trustName;
        Assignments = assignments;
        Schools = schools;
        ActiveSchool = schools.FirstOrDefault(s => s.Id == preferredSchool) ?? schools.FirstOrDefault();
    }
}

/// <summary>
/// Fills the tenant context once per request from the signed-in user: the trust from the cookie's
/// claim, then the user's row and role assignments (under RLS for that trust). A disabled or
/// deleted account is signed out here. Before sign-in completes (the two-factor step) only the
/// trust is set, found by a security-definer lookup.
/// </summary>
public sealed class CurrentUserMiddleware(RequestDelegate next)
{
    public const string TrustClaim = "trust_id";
    public const string SchoolCookie = "__Host-flexi-school";

    // Every signed-in request runs this read, so it is compiled once for the process (EF.CompileAsyncQuery, ADR 0034):
    // a request then skips building, parameterising and looking up the query's expression tree, much of Entity
    // Framework's own time on a register page (issue 15). Row-level security and the context's query filters apply to
    // it as to any query (the filters read the request's context when it runs). The school scope is not set yet (the
    // schools are what sets it), so it is the one filter left out: the trust's filter and RLS still hold every part.
    private static readonly Func<AppDbContext, Guid, Guid?, Guid, Task<SignedInRow?>> FindSignedIn = EF.CompileAsyncQuery(
        (AppDbContext db, Guid userId, Guid? sessionId, Guid trustId) => db.Users.AsNoTracking().IgnoreQueryFilters(AppDbContext.SchoolScopeOnly).Where(u => u.Id == userId).Select(u => new SignedInRow(
            u,
            // Written here against u, not called from SessionStore: a method call in the projection that does not read u
            // would be run by EF Core on its own, before the query.
            db.UserSessions.Where(s => s.Id == sessionId && s.UserId == u.Id).Select(s => new SessionStore.State(s.EndedAt, s.LastSeenAt, s.ConfirmedAt)).FirstOrDefault(),
            db.Trusts.Where(t => t.Id == trustId).Select(t => t.Name).FirstOrDefault(),
            db.RoleAssignments.Where(a => a.UserId == userId).ToList(),
            // The schools the roles reach: every school of the trust for a trust-wide role, else the roles' own.
            db.Schools.Where(s => db.RoleAssignments.Any(a => a.UserId == userId && (a.SchoolId == null || a.SchoolId == s.Id)))
                .OrderBy(s => s.Name).Select(s => new SchoolSummary(s.Id, s.Name)).ToList())).SingleOrDefault());

    private sealed record SignedInRow(AppUser User, SessionStore.State? Session, string? TrustName, List<RoleAssignment> Assignments, List<SchoolSummary> Schools);

    public async Task InvokeAsync(HttpContext http, TenantContext tenant, CurrentUser current)
    {
        var principal = http.User;
        if (principal.Identity?.IsAuthenticated == true
            && Guid.TryParse(principal.FindFirstValue(TrustClaim), out var trustId)
            && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            tenant.SetTrust(trustId, userId);
            // The request's context is asked for here, not for every request: a page for nobody signed in (the sign-in
            // page itself) reads nothing, and no context is made for it.
            var db = http.RequestServices.GetRequiredService<AppDbContext>();
            // One connection for the whole request, opened once instead of on every query; each command carries
            // the trust for its own transaction (TenantSql), so behind PgBouncer nothing stays on it. Closed with the context.
            await db.Database.OpenConnectionAsync(http.RequestAborted);
            // The user, the cookie's session, the trust's name, the user's roles and their schools in one round trip. Every
            // page pays this, so it was five reads, then two (issue 15, the register page's load).
            var sessionId = SessionStore.SessionOf(principal);
            var found = await FindSignedIn(db, userId, sessionId, trustId);
            var user = found?.User;
            var confirmedAt = user is null || user.IsDisabled ? null
                : await http.RequestServices.GetRequiredService<SessionStore>().CheckAsync(userId, sessionId, found!.Session);
            if (user is null || user.IsDisabled || confirmedAt is null)
            {
                // An ended session (signed out, ended from "Your sessions" or by an administrator): the cookie is
                // worth nothing now, wherever it was copied to (issue 14, item 1).
                http.Items[SessionStore.EndReasonItem] = SessionEndReasons.AccountDisabled;
                await http.SignOutAsync(IdentityConstants.ApplicationScheme);
                tenant.Clear();
                http.Response.Redirect("/Account/Login");
                return;
            }

            var assignments = found!.Assignments;
            var trustWide = assignments.Any(a => a.SchoolId is null);
            var schools = found.Schools;
            Guid? preferred = Guid.TryParse(http.Request.Cookies[SchoolCookie], out var p) ? p : null;
            current.Load(user, sessionId!.Value, confirmedAt.Value, found.TrustName ?? "", assignments, schools, preferred);
            tenant.SetUser(trustId, userId, trustWide, schools.Select(s => s.Id), current.RoleLabel, current.ActiveSchool?.Id);
        }
        else
        {
            var twoFactor = await http.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
            if (twoFactor.Succeeded && Guid.TryParse(twoFactor.Principal.FindFirstValue(ClaimTypes.Name), out var pendingUser))
            {
                var trust = await PreSignIn.TrustForUserAsync(http.RequestServices.GetRequiredService<AppDbContext>(), pendingUser);
                if (trust is { } t)
                {
                    tenant.SetTrust(t, pendingUser);
                }
            }
        }

        await next(http);
    }
}

/// <summary>Before sign-in no trust is known; these security-definer lookups answer only "which trust".</summary>
public static class PreSignIn
{
    public static Task<Guid?> TrustForLoginAsync(AppDbContext db, string normalizedEmail) =>
        db.Database.SqlQuery<Guid?>($"SELECT auth_trust_for_login({normalizedEmail}) AS \"Value\"").SingleAsync();

    public static Task<Guid?> TrustForUserAsync(AppDbContext db, Guid userId) =>
        db.Database.SqlQuery<Guid?>($"SELECT auth_trust_for_user({userId}) AS \"Value\"").SingleAsync();

    public static Task<Guid?> TrustForInvitationAsync(AppDbContext db, string tokenHash) =>
        db.Database.SqlQuery<Guid?>($"SELECT auth_trust_for_invitation({tokenHash}) AS \"Value\"").SingleAsync();

    public static Task<Guid?> TrustForSignatureLinkAsync(AppDbContext db, string tokenHash) =>
        db.Database.SqlQuery<Guid?>($"SELECT auth_trust_for_signature_link({tokenHash}) AS \"Value\"").SingleAsync();
}
