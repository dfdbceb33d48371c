using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 13, "The trust dashboard": the trust lead's per-school counts, a number opened to its list and that list filtered
/// and downloaded, the charts with their tables; at desktop and phone widths, axe clean; and a head seeing only their school.
/// </summary>
public sealed class DashboardPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Trust_lead_opens_a_number_to_its_list_filters_it_and_downloads_it()
    {
        var lead = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(lead, $"trustlead@northfield.{DemoSeeder.EmailDomain}");
        await lead.GotoAsync("/");
        await BrowserFixture.Menu(lead, "Trust dashboard").ClickAsync();
        await Assertions.Expect(lead.Locator("h1")).ToHaveTextAsync("Trust dashboard");
        await Assertions.Expect(lead.Locator("#cases tr[data-school='All schools']")).ToBeVisibleAsync();
        await Assertions.Expect(lead.Locator("svg#trend-chart")).ToBeVisibleAsync();
        await Assertions.Expect(lead.Locator("#on-time-table")).ToBeVisibleAsync();
        await browser.AssertAccessibleAsync(lead, "e0-dashboard-trust-lead");

        // The number of running AP placements at Ashby Lane opens the list behind it.
        var cell = lead.Locator("#cases tr[data-school^='Ashby Lane'] a").First;
        var number = (await cell.InnerTextAsync()).Split(' ', '—')[0].Trim();
        await cell.ClickAsync();
        await Assertions.Expect(lead.Locator("h1")).ToBeVisibleAsync();
        await Assertions.Expect(lead.Locator("#list tbody tr")).ToHaveCountAsync(int.Parse(number, System.Globalization.CultureInfo.InvariantCulture));
        await browser.AssertAccessibleAsync(lead, "e1-dashboard-list");
        var download = await lead.RunAndWaitForDownloadAsync(() => lead.GetByRole(AriaRole.Link, new() { Name = "Download as CSV" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);

        // Filtered to pupils with an EHCP: the caption says so.
        await lead.Locator("#group").SelectOptionAsync("Ehcp");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(lead.Locator(".govuk-caption-l")).ToContainTextAsync("EHCP");

        await lead.SetViewportSizeAsync(390, 844);
        await lead.GotoAsync("/Dashboard");
        await browser.AssertAccessibleAsync(lead, "e2-dashboard-trust-lead-phone");

        var head = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(head, $"head@ashby.{DemoSeeder.EmailDomain}");
        await head.GotoAsync("/Dashboard");
        await Assertions.Expect(head.Locator("h1")).ToHaveTextAsync("Dashboard");
        await Assertions.Expect(head.Locator("#cases tbody tr")).ToHaveCountAsync(1);
        await browser.AssertAccessibleAsync(head, "e3-dashboard-head");
    }

    [Fact]
    public async Task Governor_reads_the_termly_report_and_downloads_it_as_a_PDF()
    {
        var governor = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(governor, $"governor@castlehill.{DemoSeeder.EmailDomain}");
        await governor.GotoAsync("/");
        await BrowserFixture.Menu(governor, "Governors' report").ClickAsync();
        await Assertions.Expect(governor.Locator("h1")).ToContainTextAsync("Castle Hill Academy: arrangements and attendance");
        await Assertions.Expect(governor.Locator("#report-kinds")).ToBeVisibleAsync();
        await browser.AssertAccessibleAsync(governor, "e4-governors-report");
        await browser.SavePdfAsync(governor, "Download the report as a PDF", "e5-governors-report");
        await governor.SetViewportSizeAsync(390, 844);
        await governor.ReloadAsync();
        await browser.AssertAccessibleAsync(governor, "e6-governors-report-phone");
    }
}
