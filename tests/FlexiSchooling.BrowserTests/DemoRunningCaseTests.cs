using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>The server as scripts/run starts it: an empty database, migrated and seeded with the demo at start-up.</summary>
public sealed class DemoRunFixture : BrowserFixture
{
    protected override Task<string> CreateDatabaseAsync() => TestDatabase.CreateEmptyAsync();

    protected override IReadOnlyList<string> StartUpArguments => ["--migrate", "--seed-demo"];
}

/// <summary>
/// Issue 4 in the demo as people first see it: the running flexi-schooling case at Ashby Lane (DDAT) — its
/// figures, documents and reviews, its home sessions as C on the pupil's attendance page, and the formal review
/// raised below 97% waiting for the trust lead's agreement (000 §7). Screenshots and axe-core on each page.
/// </summary>
public sealed class DemoRunningCaseTests(DemoRunFixture browser) : IClassFixture<DemoRunFixture>
{
    [Fact]
    public async Task The_demo_shows_a_running_case_its_home_sessions_as_C_and_the_formal_review_for_the_trust_lead()
    {
        var pupil = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database),
            "SELECT coalesce(p.preferred_forename, p.legal_forename) || ' ' || p.legal_surname FROM pupils p JOIN arrangements a ON a.pupil_id = p.id WHERE a.started_on IS NOT NULL AND a.kind = 'FlexiSchooling'");
        var listed = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database),
            "SELECT p.legal_surname || ', ' || coalesce(p.preferred_forename, p.legal_forename) FROM pupils p JOIN arrangements a ON a.pupil_id = p.id WHERE a.started_on IS NOT NULL AND a.kind = 'FlexiSchooling'");
        var pupilId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), "SELECT pupil_id FROM arrangements WHERE started_on IS NOT NULL AND kind = 'FlexiSchooling'");

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"head@ashby.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Cases").ClickAsync();
        await Assertions.Expect(page.Locator("#cases")).ToContainTextAsync(listed);
        await browser.AssertAccessibleAsync(page, "80-demo-flexi-cases");

        await page.Locator("#cases").GetByRole(AriaRole.Link, new() { Name = listed }).First.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(pupil);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("At the agreed school sessions");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Notification letter");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Deputy CEO");
        await browser.AssertAccessibleAsync(page, "81-demo-running-case");

        await page.GotoAsync($"/Pupils/{pupilId}/Attendance");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("C");
        await browser.AssertAccessibleAsync(page, "82-demo-running-case-attendance");

        var lead = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(lead, $"trustlead@northfield.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(lead, "Cases").ClickAsync();
        await Assertions.Expect(lead.Locator("main")).ToContainTextAsync(listed);
        await Assertions.Expect(lead.Locator("#actions")).ToContainTextAsync("Review overdue: waiting for the school to hold it");
        await browser.AssertAccessibleAsync(lead, "83-demo-trust-lead-actions");

        // The demo's part-time timetable at Castle Hill (issue 11): in its eleventh week, its latest fortnightly review
        // overdue on the head's actions, C2 in the register, its plan and review records kept as PDFs.
        var head = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(head, $"head@castlehill.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(head, "Cases").ClickAsync();
        await Assertions.Expect(head.Locator("#actions")).ToContainTextAsync("Hold the review");
        await head.GetByRole(AriaRole.Link, new() { Name = "Part-time timetables", Exact = true }).ClickAsync();
        await browser.AssertAccessibleAsync(head, "84-demo-part-time-actions");
        await head.Locator("#cases").GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(head.Locator("h1")).ToContainTextAsync("Part-time timetable:");
        await Assertions.Expect(head.Locator("#review-list")).ToContainTextAsync("Overdue");
        await browser.AssertAccessibleAsync(head, "85-demo-part-time-case");
        await browser.SavePdfAsync(head, "Part-time timetable and parental agreement", "86-demo-part-time-plan");
        await browser.SavePdfAsync(head, "Review record", "87-demo-part-time-review-record");
    }
}
