using System.IO.Compression;
using System.Text.RegularExpressions;
using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>Issue 14, "Subject access", in the browser as the trust lead would do it: from the pupil's page to the request completed.</summary>
public sealed class TrustLeadPrivacyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_trust_lead_records_a_subject_access_request_produces_its_export_and_completes_it()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"trustlead@northfield.{DemoSeeder.EmailDomain}");
        var pupil = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database),
            "SELECT a.pupil_id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE 'Ashby%' ORDER BY a.created_at LIMIT 1");
        await page.GotoAsync($"/Pupils/{pupil}");
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Record a subject access request") }).ClickAsync();

        // A mistake first: nothing typed is lost.
        await page.GetByLabel("Name of the person who made the request").FillAsync("Paul Davis");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the request" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Choose who made the request");
        Assert.Equal("Paul Davis", await page.GetByLabel("Name of the person who made the request").InputValueAsync());
        await browser.AssertAccessibleAsync(page, "64-subject-access-new-error");
        await page.GetByLabel("Who made the request", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Value = "Parent" });
        await page.GetByLabel("Notes (optional)").FillAsync("Emailed to the school office; identity checked against the contact record.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the request" }).ClickAsync();

        await Assertions.Expect(page.Locator("#due-by")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Produce the export" }).ClickAsync();
        // The page looks again by itself until the background service has finished.
        await Assertions.Expect(page.Locator("#download")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await browser.AssertAccessibleAsync(page, "65-subject-access-ready");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download").ClickAsync());
        var path = Path.Combine(browser.Artifacts, "subject-access.zip");
        await download.SaveAsAsync(path);
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.NotNull(zip.GetEntry("index.pdf"));
            Assert.Contains(zip.Entries, e => e.FullName.StartsWith("for-review/", StringComparison.Ordinal));
        }

        await page.GetByLabel("The information about other people has been reviewed").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record as completed" }).ClickAsync();
        await Assertions.Expect(page.Locator("#completed")).ToContainTextAsync("Sent on");
        await BrowserFixture.Menu(page, "Subject access").ClickAsync();
        await Assertions.Expect(page.Locator("#requests")).ToContainTextAsync("Completed");
        await browser.AssertAccessibleAsync(page, "66-subject-access-list");
    }
}
