using System.Net;
using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>
/// Issue 14, items 1 and 2: sessions end on the server, and exports and access changes ask for the password again. Each test copies a signed-in browser's cookies into a second client —
/// the attacker's, or the person's other device — and proves the copy gets the sign-in page once the session is ended.
/// </summary>
public sealed class SessionTests : IAsyncLifetime
{
    private string _db = "";
    private DemoRecords _records = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _records = new DemoRecords(_db);
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    private static readonly Uri Site = new("https://localhost");

    private static CookieContainer Copy(CookieContainer from)
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in from.GetCookies(Site))
        {
            copy.Add(Site, new Cookie(cookie.Name, cookie.Value, cookie.Path));
        }

        return copy;
    }

    private static void AssertSignInPage(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_captured_before_sign_out_gets_the_sign_in_page_and_its_posts_are_refused()
    {
        using var factory = new FlexiFactory(_db);
        var cookies = new CookieContainer();
        var teacher = await factory.SignInAsync(FlexiFactory.Email("teacher", "brookside"), cookies: cookies);
        var pupil = await _records.PupilAtAsync("Brookside");
        var form = await (await teacher.GetAsync("/Account/Sessions")).HtmlAsync();
        var stolen = Copy(cookies);
        Assert.Equal(HttpStatusCode.OK, (await factory.NewClient(Copy(stolen)).GetAsync($"/Pupils/{pupil}")).StatusCode);

        await teacher.PostFormAsync("/Account/Sessions", "/Account/Logout");

        AssertSignInPage(await factory.NewClient(Copy(stolen)).GetAsync($"/Pupils/{pupil}"));
        // A valid form, token and all, posted with the captured cookie after the sign-out: refused before it reaches the page.
        var post = await factory.NewClient(Copy(stolen)).PostAsync("/Account/Sessions?handler=EndOthers", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", HttpClientForms.AntiforgeryToken(form))]));
        AssertSignInPage(post);
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db),
            $"SELECT count(*) FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = '{FlexiFactory.Email("teacher", "brookside")}' AND s.ended_reason = 'signed-out'"));
    }

    [Fact]
    public async Task A_person_sees_their_sessions_and_ends_one_or_all_of_them_but_never_someone_elses()
    {
        using var factory = new FlexiFactory(_db);
        var email = FlexiFactory.Email("head", "brookside");
        var laptop = await factory.SignInAsync(email);
        var phone = await factory.SignInAsync(email);
        var tablet = await factory.SignInAsync(email);
        var other = await factory.SignInAsync(FlexiFactory.Email("teacher", "brookside"));

        var page = await (await laptop.GetAsync("/Account/Sessions")).HtmlAsync();
        Assert.Contains("Signed in on 3 devices", page, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(page, "This session"));
        var sessions = Regex.Matches(page, "data-session=\"([0-9a-f-]+)\"").Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        var phoneSession = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db),
            $"SELECT id FROM user_sessions WHERE id IN ('{string.Join("','", sessions)}') ORDER BY started_at OFFSET 1 LIMIT 1");

        // Someone else's session id is never found: the teacher stays signed in.
        var teacherSession = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db),
            $"SELECT s.id FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = '{FlexiFactory.Email("teacher", "brookside")}'");
        await laptop.PostFormAsync("/Account/Sessions", "/Account/Sessions?handler=End", ("sessionId", teacherSession.ToString()));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/")).StatusCode);

        await laptop.PostFormAsync("/Account/Sessions", "/Account/Sessions?handler=End", ("sessionId", phoneSession.ToString()));
        AssertSignInPage(await phone.GetAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await tablet.GetAsync("/")).StatusCode);
        Assert.Contains("Signed in on 2 devices", await (await laptop.GetAsync("/Account/Sessions")).HtmlAsync(), StringComparison.Ordinal);

        await laptop.PostFormAsync("/Account/Sessions", "/Account/Sessions?handler=EndOthers");
        AssertSignInPage(await tablet.GetAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/")).StatusCode);

        var everywhere = await laptop.PostFormAsync("/Account/Sessions", "/Account/Sessions?handler=EndAll");
        Assert.Equal("/Account/Logout", everywhere.Headers.Location?.OriginalString);
        AssertSignInPage(await laptop.GetAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Removing_a_role_disabling_the_account_or_an_administrator_ending_sessions_ends_them_on_the_server()
    {
        using var factory = new FlexiFactory(_db);
        var admin = await factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));

        // Removing a role: the person's copied cookie gets the sign-in page on its next request.
        var teacherEmail = FlexiFactory.Email("teacher", "brookside");
        var teacherId = await _records.UserAsync(teacherEmail);
        var cookies = new CookieContainer();
        await factory.SignInAsync(teacherEmail, cookies: cookies);
        var captured = factory.NewClient(Copy(cookies));
        Assert.Contains("Signed in on 1 device", await (await admin.GetAsync($"/Admin/Users/Edit/{teacherId}")).HtmlAsync(), StringComparison.Ordinal);
        var assignment = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT id FROM role_assignments WHERE user_id = '{teacherId}'");
        await admin.PostFormAsync($"/Admin/Users/Edit/{teacherId}", $"/Admin/Users/Edit/{teacherId}?handler=RemoveRole", ("assignmentId", assignment.ToString()));
        AssertSignInPage(await captured.GetAsync("/"));
        Assert.Contains("Not signed in anywhere", await (await admin.GetAsync($"/Admin/Users/Edit/{teacherId}")).HtmlAsync(), StringComparison.Ordinal);

        // An administrator ends every session of a person who left a computer signed in.
        var officerEmail = FlexiFactory.Email("attendance", "brookside");
        var officerId = await _records.UserAsync(officerEmail);
        var first = await factory.SignInAsync(officerEmail);
        var second = await factory.SignInAsync(officerEmail);
        await admin.PostFormAsync($"/Admin/Users/Edit/{officerId}", $"/Admin/Users/Edit/{officerId}?handler=EndSessions");
        AssertSignInPage(await first.GetAsync("/"));
        AssertSignInPage(await second.GetAsync("/"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);

        // Disabling the account.
        var dslEmail = FlexiFactory.Email("dsl", "brookside");
        var dslId = await _records.UserAsync(dslEmail);
        cookies = new CookieContainer();
        await factory.SignInAsync(dslEmail, cookies: cookies);
        captured = factory.NewClient(Copy(cookies));
        await admin.PostFormAsync($"/Admin/Users/Edit/{dslId}", $"/Admin/Users/Edit/{dslId}?handler=Disable");
        Assert.Equal("account-disabled", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT ended_reason FROM user_sessions WHERE user_id = '{dslId}'"));
        AssertSignInPage(await captured.GetAsync("/"));
    }

    [Fact]
    public async Task A_session_idle_for_thirty_minutes_leaves_your_sessions()
    {
        var clock = new AdjustableTime(DateTimeOffset.UtcNow);
        using var factory = new FlexiFactory(_db) { ConfigureServices = services => services.AddSingleton<TimeProvider>(clock) };
        var email = FlexiFactory.Email("teacher", "ashby");
        var used = await factory.SignInAsync(email);
        await factory.SignInAsync(email); // then left alone
        Assert.Contains("Signed in on 2 devices", await (await used.GetAsync("/Account/Sessions")).HtmlAsync(), StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await used.GetAsync("/")).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Contains("Signed in on 1 device", await (await used.GetAsync("/Account/Sessions")).HtmlAsync(), StringComparison.Ordinal);
    }

    /// <summary>Makes the person's sessions as if the password was last given ten minutes ago (the sign-in itself).</summary>
    private Task PasswordGivenTenMinutesAgoAsync(string email) => TestDatabase.ExecuteAsync(TestDatabase.Super(_db),
        $"UPDATE user_sessions s SET confirmed_at = now() - interval '10 minutes' FROM users u WHERE u.id = s.user_id AND u.email = '{email}'");

    private Task<long> AuditedAsync(string email, string action) => TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db),
        $"SELECT count(*) FROM audit_events a JOIN users u ON u.id = a.user_id WHERE u.email = '{email}' AND a.action = '{action}'");

    [Fact]
    public async Task An_export_asks_for_the_password_again_when_it_was_not_given_in_the_last_five_minutes()
    {
        using var factory = new FlexiFactory(_db);
        var email = FlexiFactory.Email("attendance", "brookside");
        var officer = await factory.SignInAsync(email);
        var fresh = await officer.GetAsync("/Attendance/Export?what=summary");
        Assert.Equal("text/csv", fresh.Content.Headers.ContentType?.MediaType);

        await PasswordGivenTenMinutesAgoAsync(email);
        var asked = await officer.GetAsync("/Attendance/Export?what=summary");
        Assert.Equal("/Account/Confirm?returnUrl=%2FAttendance%2FExport%3Fwhat%3Dsummary", asked.Headers.Location?.OriginalString);
        var wrong = await officer.PostFormAsync(asked.Headers.Location!.OriginalString, asked.Headers.Location!.OriginalString, ("Input.Password", "not my password at all"));
        Assert.Contains("Your password is not correct", await wrong.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await officer.GetAsync("/Attendance/Export?what=summary")).StatusCode);

        var right = await officer.PostFormAsync(asked.Headers.Location!.OriginalString, asked.Headers.Location!.OriginalString, ("Input.Password", Web.Seeding.DemoSeeder.DemoPassword));
        Assert.Equal("/Attendance/Export?what=summary", right.Headers.Location?.OriginalString);
        Assert.Equal("text/csv", (await officer.GetAsync("/Attendance/Export?what=summary")).Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, await AuditedAsync(email, "re-authenticated"));
    }

    [Fact]
    public async Task Changing_a_role_asks_for_the_password_again_and_keeps_the_change_to_make_afterwards()
    {
        using var factory = new FlexiFactory(_db);
        var email = FlexiFactory.Email("trustadmin", "northfield");
        var admin = await factory.SignInAsync(email);
        var teacherId = await _records.UserAsync(FlexiFactory.Email("teacher", "brookside"));
        var brookside = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT id FROM schools WHERE name LIKE 'Brookside%'");
        await PasswordGivenTenMinutesAgoAsync(email);

        var page = $"/Admin/Users/Edit/{teacherId}";
        var asked = await admin.PostFormAsync(page, $"{page}?handler=AddRole", ("Input.Role", "Senco"), ("Input.SchoolId", brookside.ToString()));
        Assert.StartsWith("/Account/Confirm?returnUrl=", asked.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM role_assignments WHERE user_id = '{teacherId}' AND role = 'Senco'"));

        var confirmed = await admin.PostFormAsync(asked.Headers.Location!.OriginalString, asked.Headers.Location!.OriginalString, ("Input.Password", Web.Seeding.DemoSeeder.DemoPassword));
        var html = await confirmed.HtmlAsync();
        var form = Regex.Match(html, "<form method=\"post\" action=\"([^\"]+)\" id=\"replay\">(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, "the change is offered back once confirmed");
        Assert.Equal($"{page}?handler=AddRole", form.Groups[1].Value);
        var fields = Regex.Matches(form.Groups[2].Value, "name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"").Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Contains(new KeyValuePair<string, string>("Input.Role", "Senco"), fields);
        var made = await admin.PostAsync(form.Groups[1].Value, new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM role_assignments WHERE user_id = '{teacherId}' AND role = 'Senco' AND school_id = '{brookside}'"));
    }

    [Fact]
    public async Task With_two_factor_on_the_confirmation_asks_for_the_code_as_well_as_the_password()
    {
        using var factory = new FlexiFactory(_db, requireTwoFactor: true);
        var email = FlexiFactory.Email("head", "ashby");
        var head = await factory.SignInAsync(email);
        var key = Regex.Match(await (await head.GetAsync("/Account/SetupAuthenticator")).HtmlAsync(), "id=\"authenticator-key\">([a-z0-9 ]+)<").Groups[1].Value;
        await head.PostFormAsync("/Account/SetupAuthenticator", ("Input.Code", Totp.Code(key)));
        await PasswordGivenTenMinutesAgoAsync(email);

        var asked = (await head.GetAsync("/Attendance/Export")).Headers.Location!.OriginalString;
        Assert.StartsWith("/Account/Confirm", asked, StringComparison.Ordinal);
        var passwordOnly = await head.PostFormAsync(asked, asked, ("Input.Password", Web.Seeding.DemoSeeder.DemoPassword));
        Assert.Contains("Enter the code from your authenticator app", await passwordOnly.HtmlAsync(), StringComparison.Ordinal);
        var both = await head.PostFormAsync(asked, asked, ("Input.Password", Web.Seeding.DemoSeeder.DemoPassword), ("Input.Code", Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30))));
        Assert.Equal("/Attendance/Export", both.Headers.Location?.OriginalString);
        Assert.Equal("text/csv", (await head.GetAsync("/Attendance/Export")).Content.Headers.ContentType?.MediaType);
    }
}
