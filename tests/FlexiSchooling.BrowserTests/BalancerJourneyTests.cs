using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 15, past one machine: an attendance officer's morning through the load balancer (deploy/haproxy.cfg, ADR 0049)
/// in front of two instances, each its own process — each step sent on purpose to the instance the last one did not
/// reach, one instance stopped at once while a form from it is on the screen, then its machine replaced and the other
/// stopped as a deploy stops it. The browser sends its own X-Forwarded-For and X-Forwarded-Proto throughout, as anyone
/// can; they must change nothing.
/// </summary>
public sealed class BalancerJourneyTests(BalancedFixture browser) : IClassFixture<BalancedFixture>
{
    [Fact]
    public async Task Attendance_officer_signs_in_and_saves_a_register_across_two_instances_and_on_when_one_stops()
    {
        var page = await browser.NewPageAsync();
        var served = new List<(string Path, string By)>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document")
            {
                lock (served)
                {
                    served.Add((new Uri(response.Url).AbsolutePath, response.Headers.TryGetValue(BalancedFixture.ServedByHeader, out var by) ? by : "none"));
                }
            }
        };
        string LastServedBy()
        {
            lock (served)
            {
                return served[^1].By;
            }
        }

        Task On(string instance) => page.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string>
        {
            [BalancedFixture.InstanceHeader] = instance,
            ["X-Forwarded-For"] = "203.0.113.9",
            ["X-Forwarded-Proto"] = "http",
        });

        // A page that needs a signed-in user sends the browser to sign in. The sign-in form is served over https only (its
        // antiforgery cookie is Secure): the instance, sent plain http by the balancer, knows the browser's https from the
        // balancer's X-Forwarded-Proto alone (with the balancer's address left out of Hosting:KnownProxies, this page
        // failed), and the browser's own "http" changes nothing.
        await On("a");
        await page.GotoAsync("/Attendance");
        Assert.StartsWith(browser.BaseUrl + "/Account/Login", page.Url, StringComparison.Ordinal);
        Assert.Equal("a", LastServedBy());

        // The sign-in form from a, posted to b; the two-factor set-up from b, posted to a: one data-protection key ring.
        await page.GetByLabel("Email address").FillAsync($"attendance@ashby.{DemoSeeder.EmailDomain}");
        await page.GetByLabel("Password").FillAsync(DemoSeeder.DemoPassword);
        await On("b");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var key = await page.Locator("#authenticator-key").InnerTextAsync();
        Assert.Equal("b", LastServedBy());
        await page.GetByLabel("Code from your app").FillAsync(FlexiSchooling.IntegrationTests.Infrastructure.Totp.Code(key));
        await On("a");
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Continue" })).ToBeVisibleAsync();
        Assert.Equal("a", LastServedBy());
        await On("b");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await BrowserFixture.Menu(page, "Registers").ClickAsync();
        await Assertions.Expect(page.Locator("table caption")).ToContainTextAsync("Tuesday 1 December 2026, AM");
        Assert.Equal("b", LastServedBy());

        // Today's register opened on a, everyone not yet marked marked present on b (a form of a's)...
        await On("a");
        await page.GetByRole(AriaRole.Link, new() { Name = "Year 3 A", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Year 3 A");
        Assert.Equal("a", LastServedBy());
        await On("b");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark everyone not yet marked as present" }).ClickAsync();
        var codes = page.Locator("[data-register-code]");
        await Assertions.Expect(codes.Last).ToHaveValueAsync("/");
        Assert.Equal("b", LastServedBy());

        // ...then b stops at once, as a machine fails, with its form on the screen. Saved all the same, once, by a: the
        // balancer found b refusing the connection, so the request never reached it, and sent it to a.
        await browser.Instance("b").KillAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save register" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Register saved");
        Assert.Equal("a", LastServedBy());
        var count = await codes.CountAsync();
        var register = page.Url;
        async Task AllMarkedAsync()
        {
            for (var i = 0; i < count; i++)
            {
                await Assertions.Expect(codes.Nth(i)).Not.ToHaveValueAsync("");
            }
        }

        await page.ReloadAsync();
        await AllMarkedAsync();

        await browser.ScreenshotAsync(page, "95-balancer-register-saved-with-one-instance-stopped");

        // The session was recorded with the address the balancer saw (the browser's, 127.0.0.1): not the balancer's own
        // (127.0.0.2) and not what the browser claimed.
        await page.GotoAsync("/Account/Sessions");
        var sessions = page.Locator("#sessions");
        await Assertions.Expect(sessions).ToContainTextAsync("(127.0.0.1)");
        await Assertions.Expect(sessions).Not.ToContainTextAsync("127.0.0.2");
        await Assertions.Expect(sessions).Not.ToContainTextAsync("203.0.113.9");
        Assert.Equal("a", LastServedBy());
        await browser.AssertAccessibleAsync(page, "96-balancer-sessions");

        // b's machine replaced — a new process on its address, with an empty data folder — while the person works on: the
        // balancer takes it back once its checks pass, and it reads their cookie and shows the register a saved, with keys
        // it has only from the database (ADR 0050).
        await browser.ReplaceAsync("b");
        await On("b");
        await page.GotoAsync(register);
        await AllMarkedAsync();
        Assert.Equal("b", LastServedBy());

        // Then a is stopped as a deploy stops an instance (SIGTERM): what asks for it is served by b.
        await browser.Instance("a").StopAsync();
        await On("a");
        await page.GotoAsync("/Account/Sessions");
        await Assertions.Expect(sessions).ToContainTextAsync("(127.0.0.1)");
        Assert.Equal("b", LastServedBy());

        lock (served)
        {
            Assert.All(served, s => Assert.NotEqual("none", s.By));
        }

        Assert.True(browser.Instance("b").Running, browser.ServerOutput);
    }
}
