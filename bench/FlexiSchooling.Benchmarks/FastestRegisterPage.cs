using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Identity;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace FlexiSchooling.Benchmarks;

/// <summary>
/// The register page's second reference (issue 15, docs/performance.md): the fastest honest way known here to answer
/// the same GET with the same page — not the query alone but everything a page for a signed-in user must do, each part
/// done the cheapest way this stack offers. Hosted in this process on a test server like the application, it
/// <list type="bullet">
/// <item>reads the application's own sign-in cookie (the same scheme, name and data protection keys, so the same
/// decryption of the same ticket) and the application's antiforgery cookie, and makes the form's antiforgery token and
/// a fresh submission key as the page does;</item>
/// <item>sends one prepared batch as the application's database role, under row-level security: the trust set for that
/// batch's transaction, then the user, the cookie's session, the group with its school and the user's roles there in
/// one statement (the account not disabled, the session neither ended nor idle, a role that may take this register and
/// whether it may change a locked one), then the register's rows by the benchmark's hand-written query; and marks the
/// session seen when a minute has passed, as the application does;</item>
/// <item>writes the rows' HTML by hand with the encoder Razor uses, between the layout the application's page has for
/// that register (its group's, school's and user's names and the date, the register's times; taken once from the
/// application's page for each register the benchmark opens, as cached reference data).</item>
/// </list>
/// It leaves out nothing that changes what the page shows or who may see it; what it does without is the application's
/// own machinery (request logging, security headers, Entity Framework, Razor, MVC, the security stamp's check once a
/// minute). Its whole page is compared with the application's, whitespace aside, for every register before it is timed.
/// </summary>
public sealed class FastestRegisterPage : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<(Guid Group, DateOnly Day), Layout> _layouts = [];

    /// <summary>The application's page for one register cut where its per-request values go.</summary>
    private sealed record Layout(string Head, string AfterKey, string AfterRows, string AfterToken);

    private FastestRegisterPage(WebApplication app) => _app = app;

    public static async Task<FastestRegisterPage> StartAsync(string appConnectionString, IDataProtectionProvider keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(keys);
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddCookie(IdentityConstants.ApplicationScheme, o =>
        {
            o.Cookie.Name = "__Host-flexi";
            o.DataProtectionProvider = keys;
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "__Host-flexi-af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddSingleton(NpgsqlDataSource.Create(ConnectionPool.AsUsed(appConnectionString)));
        var app = builder.Build();
        var page = new FastestRegisterPage(app);
        app.UseAuthentication();
        app.MapGet("/Attendance/Register/{groupId:guid}", page.AnswerAsync);
        await app.StartAsync();
        return page;
    }

    /// <summary>A client of the reference carrying a client of the application's cookies.</summary>
    public HttpClient Client(string cookieHeader)
    {
        var client = _app.GetTestServer().CreateClient();
        client.BaseAddress = new Uri("https://localhost");
        client.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        return client;
    }

    /// <summary>Keeps the application's page for a register as the reference's layout for it.</summary>
    public void Learn(Guid group, DateOnly day, string page)
    {
        var key = Cut(page, "name=\"SubmissionKey\" value=\"", "\"", 0);
        var rows = Cut(page, "<tbody class=\"govuk-table__body\">", "</tbody>", key.End);
        var token = Cut(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"", "\"", rows.End);
        _layouts[(group, day)] = new Layout(page[..key.Start], page[key.End..rows.Start], page[rows.End..token.Start], page[token.End..]);
    }

    private static (int Start, int End) Cut(string page, string before, string after, int from)
    {
        var at = page.IndexOf(before, from, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new InvalidOperationException($"The application's register page has no {before}");
        }

        var start = at + before.Length;
        return (start, page.IndexOf(after, start, StringComparison.Ordinal));
    }

    /// <summary>The two pages alike, but for each one's own submission key and antiforgery token, and whitespace.</summary>
    public static string Comparable(string page) => Regex.Replace(
        Regex.Replace(Regex.Replace(page, "(name=\"(?:SubmissionKey|__RequestVerificationToken)\"[^>]*value=\")[^\"]*", "$1"), @">\s+<", "><"),
        @"\s+", " ");

    private static readonly string[] AnyRegister = RolesFor(Permission.TakeAnyRegister);
    private static readonly string[] OwnRegister = RolesFor(Permission.TakeRegister);
    private static readonly string[] LockedMarks = RolesFor(Permission.AmendLockedMarks);

    private static string[] RolesFor(Permission permission) => [.. Enum.GetValues<StaffRole>().Where(r => RolePermissions.Grants(r, permission)).Select(r => r.ToString())];

    private const string Who = """
        SELECT u.is_disabled, s.ended_at IS NOT NULL OR s.last_seen_at < now() - $8, sc.attendance_sub_reasons,
               EXISTS (SELECT 1 FROM role_assignments a WHERE a.trust_id = $1 AND a.user_id = u.id AND (a.school_id IS NULL OR a.school_id = g.school_id)
                          AND (a.role = ANY($5) OR (a.role = ANY($6) AND g.tutor_user_id = u.id))),
               EXISTS (SELECT 1 FROM role_assignments a WHERE a.trust_id = $1 AND a.user_id = u.id AND (a.school_id IS NULL OR a.school_id = g.school_id)
                          AND a.role = ANY($7)),
               s.last_seen_at < now() - $9
          FROM users u
          JOIN user_sessions s ON s.id = $3 AND s.user_id = u.id AND s.trust_id = $1
          JOIN registration_groups g ON g.trust_id = $1 AND g.id = $4
          JOIN schools sc ON sc.trust_id = $1 AND sc.id = g.school_id
         WHERE u.id = $2 AND u.trust_id = $1
        """;

    /// <summary>
    /// The register's rows by the fastest hand-written query known here, shared by the page load's two references (the
    /// query alone, and this page): the group's pupils on roll that day by the group's index, each with the session's mark
    /// by the (trust, pupil, date, session) key and the expected mark covering the day by a lateral probe, each read naming
    /// the trust (ADR 0032). Parameters: the trust, the group, the day, the session, the session's bit, the weekday's bit.
    /// </summary>
    public const string RowsSql = """
        SELECT p.id, p.legal_surname, coalesce(p.preferred_forename, p.legal_forename), m.code, m.minutes_late, m.comment, m.sub_reason, m.recorded_at, m.xmin,
               e.code, e.source
          FROM pupils p
          LEFT JOIN attendance_marks m ON m.trust_id = p.trust_id AND m.pupil_id = p.id AND m.date = $3 AND m.session = $4
          LEFT JOIN LATERAL (SELECT x.code, x.source FROM expected_marks x
                              WHERE x.trust_id = p.trust_id AND x.pupil_id = p.id AND x."from" <= $3 AND x."to" >= $3 AND x.withdrawn_at IS NULL
                                AND (x.sessions & $5) <> 0 AND (x.weekdays = 0 OR (x.weekdays & $6) <> 0) LIMIT 1) e ON true
         WHERE p.trust_id = $1 AND p.registration_group_id = $2 AND p.admission_date <= $3 AND (p.leaving_date IS NULL OR p.leaving_date >= $3)
         ORDER BY p.legal_surname, p.legal_forename
        """;

    /// <summary><see cref="RowsSql"/> for one register, its six parameters given.</summary>
    public static NpgsqlBatchCommand RowsCommand(Guid trust, Guid groupId, DateOnly date, Session session) => new(RowsSql)
    {
        Parameters =
        {
            new() { Value = trust }, new() { Value = groupId }, new() { Value = date }, new() { Value = session.ToString() },
            new() { Value = session == Session.AM ? 1 : 2 }, new() { Value = 1 << (int)date.DayOfWeek },
        },
    };

    private sealed record Row(Guid Id, string Name, string? Code, int? MinutesLate, string? Comment, uint Version, string? ExpectedCode, string? ExpectedSource);

    private async Task AnswerAsync(HttpContext http, Guid groupId)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated != true
            || !Guid.TryParse(user.FindFirst(CurrentUserMiddleware.TrustClaim)?.Value, out var trust)
            || !Guid.TryParse(user.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var userId)
            || !Guid.TryParse(user.FindFirst(SessionStore.SessionClaim)?.Value, out var sessionId)
            || !DateOnly.TryParseExact(http.Request.Query["date"], "yyyy-MM-dd", out var date)
            || !Enum.TryParse<Session>(http.Request.Query["session"], out var session)
            || !_layouts.TryGetValue((groupId, date), out var layout))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var data = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await data.OpenConnectionAsync(http.RequestAborted);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("SELECT set_config('app.trust_id', $1, true)") { Parameters = { new() { Value = trust.ToString("D") } } },
                new(Who)
                {
                    Parameters =
                    {
                        new() { Value = trust }, new() { Value = userId }, new() { Value = sessionId }, new() { Value = groupId },
                        new() { Value = AnyRegister }, new() { Value = OwnRegister }, new() { Value = LockedMarks },
                        new() { Value = UserSession.IdleTimeout }, new() { Value = SessionStore.SeenResolution },
                    },
                },
                RowsCommand(trust, groupId, date, session),
            },
        };
        bool mayTake, mayAmend, seenLongAgo;
        var rows = new List<Row>(32);
        await using (var reader = await batch.ExecuteReaderAsync(http.RequestAborted))
        {
            await reader.NextResultAsync(); // the trust's setting
            if (!await reader.ReadAsync() || reader.GetBoolean(0) || reader.GetBoolean(1) || reader.GetString(2).Length > 0)
            {
                // A disabled account, an ended session, no such group (or another trust's: row-level security hides it), or a
                // school that keeps reasons behind codes (which the benchmark's schools do not, and these rows do not write).
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            mayTake = reader.GetBoolean(3);
            mayAmend = reader.GetBoolean(4);
            seenLongAgo = reader.GetBoolean(5);
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(new Row(
                    reader.GetGuid(0), $"{reader.GetString(1)}, {reader.GetString(2)}", reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(8) ? 0 : reader.GetFieldValue<uint>(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
            }
        }

        if (!mayTake)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (seenLongAgo)
        {
            // The session marked seen, at most once a minute, as the application does (SessionStore.CheckAsync).
            await using var seen = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new("SELECT set_config('app.trust_id', $1, true)") { Parameters = { new() { Value = trust.ToString("D") } } },
                    new("UPDATE user_sessions SET last_seen_at = now() WHERE id = $1") { Parameters = { new() { Value = sessionId } } },
                },
            };
            await seen.ExecuteNonQueryAsync(http.RequestAborted);
        }

        var today = LondonClock.Today(TimeProvider.System);
        var locked = AttendanceMark.IsLocked(date, today);
        var canSave = !locked || mayAmend;
        var asksReasons = locked || rows.Any(r => r.Code is not null);
        var present = string.Equals(http.Request.Query["present"], "all", StringComparison.Ordinal);
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var html = new StringBuilder(layout.Head.Length + layout.AfterKey.Length + layout.AfterRows.Length + layout.AfterToken.Length + rows.Count * 2200);
        html.Append(layout.Head).Append(Guid.NewGuid().ToString("D")).Append(layout.AfterKey);
        for (var i = 0; i < rows.Count; i++)
        {
            WriteRow(html, i, rows[i], session, present, canSave, locked, asksReasons);
        }

        html.Append(layout.AfterRows).Append(tokens.RequestToken).Append(layout.AfterToken);
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(html.ToString(), http.RequestAborted);
    }

    // Register.cshtml's row for a register with no errors and no conflict, at a school with no reasons behind codes.
    private static void WriteRow(StringBuilder html, int i, Row row, Session session, bool present, bool canSave, bool locked, bool asksReasons)
    {
        var encode = HtmlEncoder.Default;
        var code = row.Code ?? row.ExpectedCode ?? "";
        if (present && string.IsNullOrWhiteSpace(code))
        {
            code = AttendanceCodeSet.Present(session);
        }

        var name = encode.Encode(row.Name);
        var readOnly = canSave ? "" : "readonly";
        html.Append("<tr class=\"govuk-table__row\"><th scope=\"row\" class=\"govuk-table__header govuk-!-font-weight-regular\">")
            .Append("<input type=\"hidden\" name=\"Rows[").Append(i).Append("].PupilId\" value=\"").Append(row.Id.ToString("D")).Append("\">")
            .Append("<input type=\"hidden\" name=\"Rows[").Append(i).Append("].Version\" value=\"").Append(row.Version).Append("\">")
            .Append("<label for=\"Rows_").Append(i).Append("__Code\">").Append(name).Append("</label>");
        if (row.ExpectedCode is not null)
        {
            html.Append("<span class=\"govuk-hint govuk-!-margin-bottom-0\">Expected: ").Append(encode.Encode($"{row.ExpectedCode} ({row.ExpectedSource})")).Append("</span>");
        }

        html.Append("</th><td class=\"govuk-table__cell app-register__pair\"><span class=\"app-register__label\" aria-hidden=\"true\">Mark</span>")
            .Append("<input class=\"govuk-input govuk-input--width-3 app-mono\" id=\"Rows_").Append(i).Append("__Code\" name=\"Rows[").Append(i)
            .Append("].Code\" value=\"").Append(encode.Encode(code)).Append("\" maxlength=\"3\" autocomplete=\"off\" spellcheck=\"false\" data-register-code ")
            .Append(readOnly).Append(" >")
            .Append("</td><td class=\"govuk-table__cell app-register__pair\"><label class=\"app-register__label\" for=\"Rows_").Append(i)
            .Append("__MinutesLate\">Minutes late<span class=\"govuk-visually-hidden\"> for ").Append(name).Append("</span></label>")
            .Append("<input class=\"govuk-input govuk-input--width-3\" id=\"Rows_").Append(i).Append("__MinutesLate\" name=\"Rows[").Append(i).Append("].MinutesLate\"");
        if (row.Code is not null && row.MinutesLate is { } minutes)
        {
            html.Append(" value=\"").Append(minutes).Append('"');
        }

        html.Append(" inputmode=\"numeric\" autocomplete=\"off\" ").Append(readOnly).Append(" >")
            .Append("</td><td class=\"govuk-table__cell\"><label class=\"app-register__label\" for=\"Rows_").Append(i)
            .Append("__Comment\">Comment<span class=\"govuk-visually-hidden\"> for ").Append(name).Append("</span></label>")
            .Append("<input class=\"govuk-input govuk-input--width-20\" id=\"Rows_").Append(i).Append("__Comment\" name=\"Rows[").Append(i).Append("].Comment\"");
        if (row.Code is not null && row.Comment is { } comment)
        {
            html.Append(" value=\"").Append(encode.Encode(comment)).Append('"');
        }

        html.Append(" maxlength=\"200\" autocomplete=\"off\" ").Append(readOnly).Append("></td>");
        if (asksReasons && !locked && row.Code is null)
        {
            html.Append("<td class=\"govuk-table__cell app-register__none\"></td>");
        }
        else if (asksReasons)
        {
            html.Append("<td class=\"govuk-table__cell\"><label class=\"app-register__label\" for=\"Rows_").Append(i)
                .Append("__Reason\">Reason for change<span class=\"govuk-visually-hidden\"> to ").Append(name).Append("'s mark</span></label>")
                .Append("<input class=\"govuk-input govuk-input--width-20\" id=\"Rows_").Append(i).Append("__Reason\" name=\"Rows[").Append(i)
                .Append("].Reason\" maxlength=\"500\" autocomplete=\"off\" ").Append(readOnly).Append(" ></td>");
        }

        html.Append("</tr>");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
