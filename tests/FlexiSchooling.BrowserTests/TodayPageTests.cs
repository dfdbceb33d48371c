using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>Issue 13, "Today": the home page's list of what is due and waiting, for the AP leader, the trust lead and the attendance officer, at desktop and phone widths; axe clean.</summary>
public sealed class TodayPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Today_shows_the_ap_leader_their_overdue_visit_and_the_trust_lead_what_waits_on_schools()
    {
        var ap = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(ap, $"apleader@ashby.{DemoSeeder.EmailDomain}");
        await ap.GotoAsync("/");
        await Assertions.Expect(ap.Locator("#overdue")).ToContainTextAsync("Visit the provider and record the QA visit");
        await browser.AssertAccessibleAsync(ap, "d0-today-ap-leader");
        var visits = await ap.Locator("#overdue").GetByRole(AriaRole.Link).First.GetAttributeAsync("href");
        await ap.Locator("#overdue").GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(ap.Locator("h1")).ToContainTextAsync("QA visits to Riverside Skills Centre");
        await ap.SetViewportSizeAsync(390, 844);
        await ap.GotoAsync("/");
        await browser.AssertAccessibleAsync(ap, "d1-today-ap-leader-phone");

        var lead = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(lead, $"trustlead@northfield.{DemoSeeder.EmailDomain}");
        await lead.GotoAsync("/");
        await Assertions.Expect(lead.Locator("#waiting")).ToContainTextAsync("Waiting on Ashby Lane");
        await browser.AssertAccessibleAsync(lead, "d2-today-trust-lead");

        // The attendance officer's day: the registers not yet taken and the follow-up list.
        var officer = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(officer, $"attendance@ashby.{DemoSeeder.EmailDomain}");
        await officer.GotoAsync("/");
        await Assertions.Expect(officer.Locator("#today")).ToBeVisibleAsync();
        await browser.AssertAccessibleAsync(officer, "d3-today-attendance-officer");

        // The school day before's registers left incomplete (003 §7; the template's marks end on 20 November 2026, before any
        // day these tests run): overdue, read at a phone's width too, and leading to that session's registers.
        // In the afternoon this morning's registers are overdue as well (RegisterRules.EarlierSessionsToComplete): the first link
        // is the earliest session's, whatever the hour the tests run.
        var incomplete = officer.Locator("#overdue").GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Complete the morning registers? of") }).First;
        await Assertions.Expect(incomplete).ToBeVisibleAsync();
        await officer.SetViewportSizeAsync(390, 844);
        Assert.True(await officer.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);
        await browser.AssertAccessibleAsync(officer, "d3m-today-attendance-officer-phone");
        await officer.SetViewportSizeAsync(1280, 900);
        await incomplete.ClickAsync();
        await Assertions.Expect(officer.Locator("h1")).ToHaveTextAsync("Registers");
        await Assertions.Expect(officer.Locator("table caption")).ToContainTextAsync(", AM");
        await browser.AssertAccessibleAsync(officer, "d3c-registers-left-incomplete");

        // The provider's daily reports on the placed pupil's case (002 §4.4), where the officer records the call: a report
        // with nothing chosen is refused at its fields, the day and time kept.
        await officer.GotoAsync(visits!.Replace("/Visits", "", StringComparison.Ordinal));
        await officer.GetByRole(AriaRole.Link, new() { Name = "Daily reports from the provider" }).ClickAsync();
        await Assertions.Expect(officer.Locator("h1")).ToHaveTextAsync("Daily reports from Riverside Skills Centre");
        await Assertions.Expect(officer.Locator("#report-today")).ToBeVisibleAsync();
        var day = await officer.GetByLabel("Day the report is about").InputValueAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Record the report" }).ClickAsync();
        await Assertions.Expect(officer.Locator(".govuk-error-summary")).ToContainTextAsync("Choose what the provider reported");
        await Assertions.Expect(officer.Locator(".govuk-error-summary")).ToContainTextAsync("Choose how the report came in");
        Assert.Equal(day, await officer.GetByLabel("Day the report is about").InputValueAsync());
        await browser.AssertAccessibleAsync(officer, "d3a-provider-reports-refused");
        await officer.SetViewportSizeAsync(390, 844);
        Assert.True(await officer.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);
        await browser.AssertAccessibleAsync(officer, "d3b-provider-reports-phone");
    }

    [Fact]
    public async Task Today_for_the_head_the_dsl_a_teacher_and_a_governor_at_both_widths()
    {
        foreach (var (role, school, shot) in new[] { ("head", "ashby", "d4-today-head"), ("dsl", "ashby", "d5-today-dsl"), ("teacher", "ashby", "d6-today-teacher"), ("governor", "castlehill", "d7-today-governor") })
        {
            var page = await browser.NewPageAsync();
            await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"{role}@{school}.{DemoSeeder.EmailDomain}");
            await page.GotoAsync("/");
            await Assertions.Expect(page.Locator("#today")).ToBeVisibleAsync();
            await browser.AssertAccessibleAsync(page, shot);
            await page.SetViewportSizeAsync(390, 844);
            await page.ReloadAsync();
            await browser.AssertAccessibleAsync(page, shot + "-phone");
        }
    }
}
