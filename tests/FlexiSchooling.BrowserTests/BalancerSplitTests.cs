using System.Diagnostics;
using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 15, past one machine: the two balancers of ADR 0051 unable to hear each other while both serve — first the
/// network between them (a split), then the holder's keepalived killed outright. VRRP cannot prevent either: the one that
/// hears nothing takes the virtual address, and both hold it. Nothing a person is doing lives in a balancer, so work
/// goes on through either; once they hear each other again, the shipped files leave the address with one of them and
/// browsers follow it.
/// </summary>
[Collection(StandbyFixture.Collection)]
public sealed class BalancerSplitTests(StandbyFixture browser, ITestOutputHelper output) : IClassFixture<StandbyFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    [StandbyFact]
    public async Task Attendance_officer_works_on_while_the_balancers_cannot_hear_each_other_and_one_keeps_the_address_once_they_can()
    {
        var page = await browser.NewPageAsync();
        var served = StandbyFixture.Watch(page);

        await StandbyFixture.OpenRegisterAsOfficerAsync(page);
        var register = page.Url;
        var codes = page.Locator("[data-register-code]");
        var saved = page.Locator(".govuk-notification-banner--success");

        // The split: b, the standby, hears no more of a and takes the address too (after three missed advertisements);
        // a, hearing nothing of b, keeps it. Both machines hold it and both balancers serve.
        var split = browser.BalancersOutput.Length;
        var pagesBefore = served.Pages.Count;
        await browser.SplitAsync();
        await Eventually.WaitAsync(() => Task.FromResult(browser.Entered("b", "MASTER", split)), Within);
        Assert.True(browser.Entered("b", "MASTER", split), browser.BalancersOutput);
        Assert.True(await browser.HoldsAddressAsync("a"));
        Assert.True(await browser.HoldsAddressAsync("b"));
        Assert.Equal("a", await browser.AnswersAtOwnAddressAsync("a"));
        Assert.Equal("b", await browser.AnswersAtOwnAddressAsync("b"));

        // The officer takes the register, through whichever balancer the network sends each page to: the sign-in and
        // the register's form are the instance's, not a balancer's. While both hold the address each announces it every
        // few seconds (garp_master_refresh), and the network's next packets go to whichever announced last, so a
        // connection made through the other is reset half-way: in one CI run the register's answer came from b and a's
        // announcement in the same second lost it, the browser showing its own error page. A person then opens the
        // register again and takes it again (a save already made is saved again unchanged); so does the test, at most
        // four times, failing on anything but the network's error page.
        var lost = new List<string>();
        for (var attempt = 1; ; attempt++)
        {
            string? failed;
            try
            {
                failed = await TakeTheRegisterAsync();
            }
            catch (PlaywrightException e) when (e.Message.Contains("net::ERR_", StringComparison.Ordinal))
            {
                failed = e.Message.Split('\n')[0];
            }

            if (failed is null)
            {
                break;
            }

            lost.Add($"attempt {attempt}: {failed}");
            Assert.True(attempt < 4, $"The register could not be taken through the split: {string.Join("; ", lost)}");
        }

        output.WriteLine($"During the split the officer's pages came through {string.Join(", ", served.Pages.Skip(pagesBefore))}; lost to the network: {(lost.Count == 0 ? "none" : string.Join("; ", lost))}");

        // Null once saved; else the step at which the browser showed its own error page.
        async Task<string?> TakeTheRegisterAsync()
        {
            bool ErrorPage() => page.Url.StartsWith("chrome-error://", StringComparison.Ordinal);
            await page.GotoAsync(register);
            if (ErrorPage())
            {
                return "the register did not open";
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Mark everyone not yet marked as present" }).ClickAsync();
            if (ErrorPage())
            {
                return "marking everyone present";
            }

            try
            {
                await Assertions.Expect(codes.Last).ToHaveValueAsync("/");
            }
            catch (PlaywrightException)
            {
                // The form's post went to the balancer the browser's network no longer reaches and no answer came: the page
                // was never redrawn, as a request lost in the split leaves it (seen twice in full CI runs, the forty-seventh
                // and forty-eighth sessions). A person presses reload; the next attempt does. A redrawn register without
                // the marks fails the test as before.
                if (await codes.CountAsync() == 0)
                {
                    return "marking everyone present: no page came back within 15 s";
                }

                throw;
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Save register" }).ClickAsync();
            if (ErrorPage())
            {
                return "saving the register";
            }

            await Assertions.Expect(saved).ToContainTextAsync("Register saved");
            return null;
        }

        // The split mended, in the order that leaves the network most behind: b hears a first and, hearing the higher
        // priority, gives the address up at once, before a has heard anything from b. a, hearing only silence, has no
        // reason to announce itself as it did when it took the address; the browser's network last heard b. a's
        // announcements every few seconds (garp_master_refresh) bring the browser's next pages to it.
        var healed = browser.BalancersOutput.Length;
        var watch = Stopwatch.StartNew();
        await browser.HealAsync("b");
        await Eventually.WaitAsync(async () => !await browser.HoldsAddressAsync("b"), Within);
        var single = watch.Elapsed;
        Assert.False(await browser.HoldsAddressAsync("b"), browser.BalancersOutput);
        Assert.True(browser.Entered("b", "BACKUP", healed), browser.BalancersOutput);
        await browser.HealAsync("a");
        Assert.True(await browser.HoldsAddressAsync("a"));
        var reached = await browser.WaitUntilActiveAsync("a", Within);
        output.WriteLine($"Healed: b gave the address up after {single.TotalSeconds:F1} s; a answered the address {reached.TotalSeconds:F1} s after that");
        Assert.False(browser.Entered("a", "BACKUP", healed), browser.BalancersOutput);

        await page.GotoAsync(register);
        await Assertions.Expect(codes.Last).ToHaveValueAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save register" }).ClickAsync();
        await Assertions.Expect(saved).ToContainTextAsync("Register saved");
        Assert.Equal("a", served.Last);

        // keepalived on a dies outright, its HAProxy running on: nothing takes the address off a, and b, hearing nothing,
        // takes it too — a split of another kind. b announces it and the officer's pages come through b.
        var killed = browser.BalancersOutput.Length;
        await browser.KillKeepalivedAsync("a");
        var taken = await browser.WaitUntilActiveAsync("b", Within);
        output.WriteLine($"a's keepalived killed: b answered the address after {taken.TotalSeconds:F1} s");
        Assert.True(await browser.HoldsAddressAsync("a"));
        await page.GotoAsync(register);
        await Assertions.Expect(codes.Last).ToHaveValueAsync("/");
        Assert.Equal("b", served.Last);

        // a's keepalived started again, as its service restarts it (deploy/keepalived-restart.conf): it takes the address
        // it left behind off a, stands by, and leaves the address with b (nopreempt).
        browser.RestartKeepalived("a");
        await Eventually.WaitAsync(async () => browser.Entered("a", "BACKUP", killed) && !await browser.HoldsAddressAsync("a"), Within);
        Assert.True(browser.Entered("a", "BACKUP", killed), browser.BalancersOutput);
        Assert.False(await browser.HoldsAddressAsync("a"), browser.BalancersOutput);
        var watched = Stopwatch.StartNew();
        while (watched.Elapsed < TimeSpan.FromSeconds(5))
        {
            Assert.Equal("b", await browser.ActiveAsync());
            await Task.Delay(250);
        }

        await page.GotoAsync(register);
        await Assertions.Expect(codes.Last).ToHaveValueAsync("/");
        Assert.Equal("b", served.Last);
        Assert.All(served.Pages, by => Assert.NotEqual("none", by));
    }
}
