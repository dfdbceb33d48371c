using System.Net;
using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>
/// Issue 14, item 1: sessions end on the server. Each test copies a signed-in browser's cookies into a second client —
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

    public Task DisposeAsync() => Task.CompletedTask;

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
}
