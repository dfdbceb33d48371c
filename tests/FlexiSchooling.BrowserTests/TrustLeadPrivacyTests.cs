using System.IO.Compression;
using System.Text.RegularExpressions;
using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 14, "Subject access" and "Retention", in the browser as people would do them: the trust lead from the pupil's
/// page to the request completed; the trust administrator from a legal hold to a confirmed retention run.
/// </summary>
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

    [Fact]
    public async Task The_trust_lead_finds_in_the_audit_trail_whose_attendance_figures_the_night_counted_again()
    {
        // ADR 0057: a mark changed by hand in the database leaves the pupil's figures wrong until the night's check counts
        // them again; the dashboards' figures then change with nobody signed in, and the audit trail says so, under the
        // pupil, as the application's own change. St Aidan's: Northfield's trust lead is the other test's, whose
        // two-factor sign-in is set up by then.
        var pupil = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), """
            UPDATE attendance_marks SET code = 'O', category = 'Unauthorised'
             WHERE id = (SELECT m.id FROM attendance_marks m JOIN schools s ON s.id = m.school_id WHERE s.name LIKE 'Millbrook%' AND m.category = 'Present' ORDER BY m.date DESC, m.id LIMIT 1)
            RETURNING pupil_id
            """);
        var name = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database), $"SELECT coalesce(preferred_forename, legal_forename) || ' ' || legal_surname FROM pupils WHERE id = '{pupil}'");
        await using (var services = TestDatabase.Services(browser.Database))
        {
            var night = FlexiSchooling.Domain.Common.LondonClock.AtLondon(TestDatabase.AutumnDay, new TimeOnly(2, 0));
            var found = await FlexiSchooling.Web.Infrastructure.AttendanceSummaryCheckJob.RepairEveryTrustAsync(services.GetRequiredService<FlexiSchooling.Data.SystemDb>(), night, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
            Assert.Equal(1, found.Pupils);
        }

        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"trustlead@staidans.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Audit trail").ClickAsync();
        await page.GetByLabel("Action").SelectOptionAsync(new SelectOptionValue { Value = "attendance-recounted" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var row = page.Locator("tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("FlexiSchooling itself");
        await Assertions.Expect(row).ToContainTextAsync("attendance-recounted");
        await Assertions.Expect(row.GetByRole(AriaRole.Link, new() { Name = name })).ToHaveAttributeAsync("href", $"/Pupils/{pupil}");
        await browser.AssertAccessibleAsync(page, "120-audit-attendance-recounted");
        await page.SetViewportSizeAsync(390, 844);
        await browser.AssertAccessibleAsync(page, "120-audit-attendance-recounted-phone");
    }

    [Fact]
    public async Task The_trust_administrator_places_a_legal_hold_and_confirms_a_retention_run()
    {
        // Register entries from 2015 for two pupils: one under a legal hold, one not.
        var pupils = await TestDatabase.ScalarAsync<string[]>(TestDatabase.Super(browser.Database),
            "SELECT array_agg(upn ORDER BY upn) FROM (SELECT p.upn FROM pupils p JOIN schools s ON s.id = p.school_id WHERE s.name LIKE 'Brookside%' ORDER BY p.upn LIMIT 2) x");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(browser.Database), $"""
            INSERT INTO attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, expected_in_school, recorded_at)
            SELECT gen_random_uuid(), trust_id, school_id, id, '2015-03-02', 'AM', '/', 'Present', true, '2015-03-02' FROM pupils WHERE upn IN ('{pupils[0]}', '{pupils[1]}')
            """);
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"trustadmin@northfield.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Retention").ClickAsync();
        await page.GetByLabel("Place a hold: the pupil's UPN").FillAsync(pupils[0]);
        await page.GetByLabel("Why the records must be kept").FillAsync("Insurance claim about a 2015 accident");
        await page.GetByRole(AriaRole.Button, new() { Name = "Place the hold" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Report again now" }).ClickAsync();
        await Assertions.Expect(page.Locator("#due")).ToContainTextAsync("Attendance marks (register entries)");
        await Assertions.Expect(page.Locator("#due tr", new() { HasText = "Attendance marks (register entries)" })).ToContainTextAsync("1");
        await browser.AssertAccessibleAsync(page, "67-retention-report");
        await page.GetByLabel("I have checked this report and the legal holds").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove what is due" }).ClickAsync();
        await Assertions.Expect(page.Locator("#runs ~ .app-risk-row").First).ToContainTextAsync("Completed");
        await browser.AssertAccessibleAsync(page, "68-retention-run");
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(browser.Database), "SELECT count(*) FROM attendance_marks WHERE date = '2015-03-02'"));
    }
}
