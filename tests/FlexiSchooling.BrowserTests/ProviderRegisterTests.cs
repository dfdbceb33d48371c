using System.Text.RegularExpressions;
using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 12, "Providers", in the browser: the AP leader adds a provider, records its checks (one found wanting, then
/// re-checked), and sees it open for placements; the register at phone width. Axe clean, screenshots kept.
/// </summary>
public sealed class ProviderRegisterTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_ap_leader_adds_a_provider_checks_it_and_sees_it_open_for_placements()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"apleader@castlehill.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Providers").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Alternative providers");
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("Peak Outdoor Learning") })).ToContainTextAsync("Closed");
        await browser.AssertAccessibleAsync(page, "70-providers-register");

        await page.GetByRole(AriaRole.Link, new() { Name = "Add a provider" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Castle Motor Skills");
        await page.GetByLabel("Address").FillAsync("Unit 4, Station Yard\nHinckley LE10 1AA");
        await page.GetByLabel("Contact").FillAsync("Ravi Shah");
        await page.GetByRole(AriaRole.Radio, new() { Name = "Registered independent school" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save provider" }).ClickAsync();
        // The URN a registered school has was left out: said at the field, nothing typed lost.
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Enter the URN");
        Assert.Equal("Ravi Shah", await page.GetByLabel("Contact").InputValueAsync());
        await browser.AssertAccessibleAsync(page, "71-provider-add-error");
        await page.GetByLabel("URN (optional unless a registered independent school)").FillAsync("151234");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save provider" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Castle Motor Skills added");
        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToContainTextAsync("Checks not yet made");

        var today = Domain.Common.LondonClock.Today(TimeProvider.System).ToString("yyyy-MM-dd");
        foreach (var item in Domain.AlternativeProvision.ProviderCheckItems.All)
        {
            await page.Locator("#Check_Item").SelectOptionAsync(item.Key);
            var wanting = item.Key == "insurance";
            await page.GetByLabel(wanting ? "Not satisfactory: no new placement until it is" : "Satisfactory", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("Evidence seen").FillAsync(wanting ? "Public liability certificate expired in October" : $"Seen on the visit: {item.Label}");
            await page.GetByLabel("Checked on").FillAsync(today);
            await page.GetByRole(AriaRole.Button, new() { Name = "Record check" }).ClickAsync();
            await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync($"{item.Label} recorded");
        }

        await Assertions.Expect(page.Locator(".govuk-warning-text")).ToContainTextAsync("Checks found unsatisfactory: Insurance and compliance certificates");
        await page.Locator("#Check_Item").SelectOptionAsync("insurance");
        await page.GetByLabel("Satisfactory", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Evidence seen").FillAsync("Renewed certificate seen, valid to October 2027");
        await page.GetByLabel("Checked on").FillAsync(today);
        await page.GetByRole(AriaRole.Button, new() { Name = "Record check" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-inset-text")).ToContainTextAsync("May take new placements");
        await browser.AssertAccessibleAsync(page, "72-provider-checked");

        // On a phone the navigation folds behind its menu button (issue 13, "Mobile").
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(BrowserFixture.Menu(page, "Providers")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        await BrowserFixture.Menu(page, "Providers").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row, new() { NameRegex = new Regex("Castle Motor Skills") })).ToContainTextAsync("Open");
        await browser.AssertAccessibleAsync(page, "73-providers-register-phone");
        await page.GetByRole(AriaRole.Link, new() { Name = "Peak Outdoor Learning" }).ClickAsync();
        await browser.AssertAccessibleAsync(page, "74-provider-overdue-phone");
    }
}
