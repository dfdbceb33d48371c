using System.Diagnostics;
using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 4, first part of the journey: a headteacher records a parent's written request with its letter,
/// the meeting, and the decision; the decision letter is produced as PDF and kept with the case. Every
/// page is screenshotted and clean under axe-core; the letter is rendered to PNG for looking at.
/// </summary>
public sealed class FlexiRequestToDecisionTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private Task AccessibleAsync(IPage page, string screenshot) => browser.AssertAccessibleAsync(page, screenshot);

    [Fact]
    public async Task Head_records_a_request_holds_the_meeting_decides_and_gets_the_letter()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"head@brookside.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Flexi-schooling").ClickAsync();
        await Assertions.Expect(page.Locator("#cases")).ToContainTextAsync("Headteacher to decide by");
        await AccessibleAsync(page, "50-flexi-cases");

        await page.GetByRole(AriaRole.Button, new() { Name = "Record a request" }).ClickAsync();
        var pupil = page.GetByLabel("Pupil", new() { Exact = true });
        var options = await pupil.Locator("option").AllInnerTextsAsync();
        await pupil.SelectOptionAsync(new SelectOptionValue { Label = options[^1] });
        await page.GetByLabel("Name of the person asking").FillAsync("Amira Khan");
        await page.GetByLabel("Their relationship to the child").FillAsync("Mother");
        await page.GetByLabel("What they ask for (optional)").FillAsync("Fridays at home for forest school and music.");

        // Without the letter and the parental-responsibility check, the form says so and keeps what was typed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the request" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("parental responsibility");
        await Assertions.Expect(page.GetByLabel("Name of the person asking")).ToHaveValueAsync("Amira Khan");
        await AccessibleAsync(page, "51-flexi-request-errors");

        await page.GetByLabel("I have checked that this person has parental responsibility for the child").CheckAsync();
        await page.Locator("#Letter").SetInputFilesAsync(new FilePayload
        {
            Name = "letter-from-amira-khan.pdf",
            MimeType = "application/pdf",
            Buffer = DemoFlexi.MinimalPdf(["Dear Mrs Head,", "We would like our daughter to learn at home on Fridays.", "Amira Khan"]),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the request" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Flexi-schooling:");
        await Assertions.Expect(page.Locator("#steps")).ToContainTextAsync("Cannot start yet");
        await AccessibleAsync(page, "52-flexi-case-requested");

        await page.GetByRole(AriaRole.Link, new() { Name = "Meeting with the parent" }).ClickAsync();
        await page.GetByLabel("Who attended").FillAsync("Amira Khan (mother), headteacher, class teacher");
        await page.GetByLabel("Notes of the meeting").FillAsync("Fridays at home: forest school, music and reading.\nWork shared with the class teacher weekly.");
        await AccessibleAsync(page, "53-flexi-meeting");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the meeting" }).ClickAsync();
        await Assertions.Expect(page.Locator("#steps")).ToContainTextAsync("Due by");

        await page.GetByRole(AriaRole.Link, new() { Name = "Headteacher's decision and letter" }).ClickAsync();
        for (var i = 0; i < 5; i++)
        {
            await page.Locator($"#Input_Criteria_{i}__Met").CheckAsync();
            await page.Locator($"#Input_Criteria_{i}__Note").FillAsync("Satisfied after the meeting and the parent's written plan.");
        }

        await page.GetByLabel("Yes, agree in principle").CheckAsync();
        await AccessibleAsync(page, "54-flexi-decision");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the decision and produce the letter" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Agreed");
        await Assertions.Expect(page.Locator("#documents")).ToContainTextAsync("Decision letter");
        await AccessibleAsync(page, "55-flexi-case-agreed");

        // The letter as sent: downloaded, kept as an artefact and rendered to PNG to look at.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Decision letter" }).ClickAsync());
        var pdf = Path.Combine(browser.Artifacts, "56-flexi-decision-letter.pdf");
        await download.SaveAsAsync(pdf);
        Assert.StartsWith("%PDF-", await File.ReadAllTextAsync(pdf), StringComparison.Ordinal);
        using var render = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", "60", "-singlefile", pdf, Path.Combine(browser.Artifacts, "56-flexi-decision-letter")]))!;
        await render.WaitForExitAsync();
        Assert.Equal(0, render.ExitCode);
    }
}
