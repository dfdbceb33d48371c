using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 4, the journey at a DDAT school (000: formal review below 97%, agreed by the Deputy CEO): a headteacher
/// records a parent's written request with its letter, the meeting and the decision; the agreement; the risk
/// assessment approved by the DSL; the parent's e-signature through the emailed link, the school's signature, the
/// local authority's notification and the start; home sessions as C in the register; a missed school session that
/// takes attendance below 97% and raises a formal review, agreed by the trust lead; the end with notice. Every letter and draft is produced as PDF and kept with
/// the case. Every page is screenshotted and clean under axe-core; the PDFs are rendered to PNG to look at. On
/// 1 December 2026 (<see cref="DecemberFixture"/>), so its start date is a term-time Monday whenever it runs.
/// </summary>
public sealed class FlexiRequestToDecisionTests(DecemberFixture browser) : IClassFixture<DecemberFixture>
{
    private Task AccessibleAsync(IPage page, string screenshot) => browser.AssertAccessibleAsync(page, screenshot);

    [Fact]
    public async Task An_arrangement_agreed_on_paper_is_brought_in_and_marked_as_entered_afterwards()
    {
        // Issue 11: a trust adopting the product enters the cases it agreed on paper, with their original dates.
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"head@brookside.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Cases").ClickAsync();
        await page.Locator("#bring-in summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Bring in a flexi-schooling arrangement" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("It was agreed on paper before the school used FlexiSchooling")).ToBeCheckedAsync();
        var pupil = page.GetByLabel("Pupil", new() { Exact = true });
        var options = await pupil.Locator("option").AllInnerTextsAsync();
        await pupil.SelectOptionAsync(new SelectOptionValue { Label = options[^5] });
        await page.GetByLabel("Date of the letter or email").FillAsync("2026-09-07");
        await page.GetByLabel("Name of the person asking").FillAsync("Hannah Price");
        await page.GetByLabel("Their relationship to the child").FillAsync("Mother");
        await page.GetByLabel("I have checked that this person has parental responsibility for the child").CheckAsync();
        await page.Locator("#Letter").SetInputFilesAsync(new FilePayload
        {
            Name = "request-2026-09-07.pdf",
            MimeType = "application/pdf",
            Buffer = DemoFlexi.MinimalPdf(["Dear Headteacher,", "We ask for Fridays at home from September.", "Hannah Price"]),
        });
        await AccessibleAsync(page, "50a-bring-in-request");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the request" }).ClickAsync();
        await Assertions.Expect(page.Locator("#entered-afterwards")).ToContainTextAsync("brought in by");
        await Assertions.Expect(page.Locator("#paper-records")).ToBeVisibleAsync();
        await AccessibleAsync(page, "50b-brought-in-case");
    }

    [Fact]
    public async Task A_school_whose_authority_takes_half_termly_returns_sees_each_return_sent_or_due()
    {
        // ADR 0019: Norfolk takes half-termly returns, nil returns included.
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"head@stbedes.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Cases").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Half-termly returns to the local authority" }).ClickAsync();
        await Assertions.Expect(page.Locator("h2").First).ToContainTextAsync("Norfolk County Council");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("a nil return");
        await AccessibleAsync(page, "50c-half-termly-returns");
        await page.SetViewportSizeAsync(390, 844);
        await AccessibleAsync(page, "50d-half-termly-returns-phone");
    }

    [Fact]
    public async Task Head_records_a_request_holds_the_meeting_decides_and_gets_the_letter()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"head@ashby.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(page, "Cases").ClickAsync();
        await Assertions.Expect(page.Locator("#cases")).ToContainTextAsync("Headteacher to decide");
        await AccessibleAsync(page, "50-flexi-cases");

        await page.GetByRole(AriaRole.Button, new() { Name = "Record a flexi-schooling request" }).ClickAsync();
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
            Buffer = DemoFlexi.MinimalPdf(["Dear Mrs Head,", "We would like our child to learn at home on Fridays.", "Amira Khan"]),
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
        await Assertions.Expect(page.Locator("#steps")).ToContainTextAsync("The policy sets no deadline"); // 000 sets none

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
        await browser.SavePdfAsync(page, "Decision letter", "56-flexi-decision-letter");

        // The agreement: the sessions in school and every element, produced as a PDF for signing.
        await page.GetByRole(AriaRole.Link, new() { Name = "The agreement" }).ClickAsync();
        foreach (var day in new[] { "Monday", "Tuesday", "Wednesday", "Thursday" })
        {
            await page.Locator($"#Input_InSchool-{day}-AM").CheckAsync();
            await page.Locator($"#Input_InSchool-{day}-PM").CheckAsync();
        }

        await page.GetByLabel("Start date").FillAsync(NextTermMonday().ToString("yyyy-MM-dd"));
        await page.GetByLabel("Why flexi-schooling suits this child").FillAsync("Thrives outdoors; the music teaching is on Fridays.");
        await page.GetByLabel("What the school provides").FillAsync("The full curriculum Monday to Thursday: English, maths, science, humanities, PE.");
        await page.GetByLabel("What the parents provide at home").FillAsync("Forest school, violin lessons and practice, reading and a weekly nature journal.");
        await page.GetByLabel("How far the national curriculum is followed").FillAsync("In full at school; the home day extends science and music.");
        await page.GetByLabel("How learning is assessed").FillAsync("The class teacher's assessments; the nature journal and practice diary brought to each review.");
        await page.GetByLabel("School events and home events").FillAsync("Friday trips and performances are offered; home events on school days are asked for in writing.");
        await AccessibleAsync(page, "57-flexi-agreement");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and produce the agreement" }).ClickAsync();
        await Assertions.Expect(page.Locator("#agreement-status")).ToContainTextAsync("Draft 1");
        await browser.SavePdfAsync(page, "Agreement for signing", "58-flexi-agreement");

        // The risk assessment: the head adapts the template and submits it; the DSL approves it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Risk assessment", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the risk assessment" }).ClickAsync();
        await page.Locator("#Rows_4__Remove").CheckAsync(); // phonics: not a concern for this child
        await page.Locator("#Rows_0__Controls").FillAsync("Parents drive the child to school on Mondays to Thursdays; emergency contacts held.");
        await AccessibleAsync(page, "59-flexi-risk-assessment-draft");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit for approval" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Submitted");
        var caseUrl = page.Url.Replace("/RiskAssessment", "", StringComparison.Ordinal);

        var dsl = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(dsl, $"dsl@ashby.{DemoSeeder.EmailDomain}");
        await dsl.GotoAsync(caseUrl + "/RiskAssessment");
        await AccessibleAsync(dsl, "60-flexi-risk-assessment-to-approve");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Approve the risk assessment" }).ClickAsync();
        await Assertions.Expect(dsl.Locator(".govuk-inset-text")).ToContainTextAsync("review due by");
        await dsl.GotoAsync(caseUrl);
        await Assertions.Expect(dsl.Locator("#risk-status")).ToContainTextAsync("Approved");
        await AccessibleAsync(dsl, "61-flexi-case-risk-approved");
        await browser.SavePdfAsync(dsl, "Approved risk assessment", "62-flexi-risk-assessment");

        // Signatures: the parent by typed name through the emailed one-time link (no account), the school in
        // person; the local authority told by letter; and the start.
        await page.GotoAsync(caseUrl + "/Gates");
        await AccessibleAsync(page, "63-flexi-gates");
        var caseId = caseUrl[(caseUrl.LastIndexOf('/') + 1)..];
        var parentEmail = $"amira.khan.{caseId[..8]}@example.org";
        await page.GetByLabel("Parent's name").FillAsync("Amira Khan");
        await page.GetByLabel("Parent's email address").FillAsync(parentEmail);
        await page.GetByRole(AriaRole.Button, new() { Name = "Email the signing link" }).ClickAsync();
        await Assertions.Expect(page.Locator("#link-sent")).ToContainTextAsync(parentEmail);
        var email = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database), $"SELECT text_body FROM outbox_messages WHERE \"to\" = '{parentEmail}'");
        var link = System.Text.RegularExpressions.Regex.Match(email, @"https?://\S+/Sign\?token=[\w-]+").Value;
        var parent = await browser.NewPageAsync();
        await parent.GotoAsync(new Uri(link).PathAndQuery); // the test server treats loopback as secure, so the emailed link says https
        await Assertions.Expect(parent.Locator("h1")).ToContainTextAsync("Sign the flexi-schooling agreement");
        await parent.GetByLabel("Type your full name to sign").FillAsync("Amira Khan");
        await parent.GetByRole(AriaRole.Button, new() { Name = "Sign the agreement" }).ClickAsync();
        await Assertions.Expect(parent.Locator(".govuk-error-summary")).ToContainTextAsync("Confirm that you have read the agreement");
        await AccessibleAsync(parent, "63a-flexi-parent-signing-link");
        await parent.Locator("#Confirmed").CheckAsync();
        await parent.GetByRole(AriaRole.Button, new() { Name = "Sign the agreement" }).ClickAsync();
        await Assertions.Expect(parent.Locator("#signed")).ToContainTextAsync("Agreement signed");
        await AccessibleAsync(parent, "63b-flexi-parent-signed");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#parent-signed")).ToContainTextAsync("by typed name through the emailed link");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the school's signature" }).ClickAsync();
        // The notification is recorded, with its letter, on the page every kind of arrangement shares; then back here.
        await page.Locator("#record-LocalAuthority").ClickAsync();
        var authority = page.Locator("#party-LocalAuthority");
        await authority.GetByLabel("Who was told").FillAsync("Derbyshire County Council, elective home education team");
        await authority.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#notified-LocalAuthority")).ToContainTextAsync("Derbyshire County Council");
        await AccessibleAsync(page, "64-flexi-gates-met");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the arrangement" }).ClickAsync();
        // Started ahead of its agreed start date, it starts on that date (issue 11), not today.
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync($"Starts on {NextTermMonday():d MMM yyyy}");
        await Assertions.Expect(page.Locator("#review-list")).ToContainTextAsync("To hold");
        await AccessibleAsync(page, "65-flexi-case-running");
        await browser.SavePdfAsync(page, "Notification letter", "65a-flexi-notification-letter");

        // The register shows the home sessions as C. The agreement starts next term, so its start is moved to a
        // past Monday here to open a past register: Friday is a home day.
        var pupilId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), $"SELECT pupil_id FROM arrangements WHERE id = '{caseId}'");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(browser.Database), $"""
            UPDATE arrangements SET started_on = '2026-11-16' WHERE id = '{caseId}';
            UPDATE expected_marks SET "from" = '2026-11-16' WHERE pupil_id = '{pupilId}';
            """);
        var group = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), $"SELECT registration_group_id FROM pupils WHERE id = '{pupilId}'");
        await page.GotoAsync($"/Attendance/Register/{group}?date=2026-11-20&session=AM");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Expected: C (Flexi-schooling (home))");
        await AccessibleAsync(page, "65b-flexi-register-home-session");

        // A formal review raised by low attendance: the head amends a locked Thursday-afternoon mark (the pupil missed
        // an agreed school session) with a reason, which takes attendance at the agreed sessions below 97% (000 §7).
        var pupilName = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database), $"SELECT legal_surname || ', ' || coalesce(preferred_forename, legal_forename) FROM pupils WHERE id = '{pupilId}'");
        await page.GotoAsync($"/Attendance/Register/{group}?date=2026-11-19&session=PM");
        var row = page.Locator("tbody tr").Filter(new() { Has = page.Locator($"input[name$='.PupilId'][value='{pupilId}']") });
        await row.Locator("[data-register-code]").FillAsync("O");
        await row.Locator("input[name$='.Reason']").FillAsync("Did not arrive after lunch; parent not reached");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save register" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-notification-banner--success")).ToContainTextAsync("Register saved");
        await page.GotoAsync(caseUrl);
        await Assertions.Expect(page.Locator("#formal-review")).ToContainTextAsync("below the school's threshold of 97%");
        await Assertions.Expect(page.Locator("#formal-review")).ToContainTextAsync("It waits for the agreement of the Deputy CEO");
        await AccessibleAsync(page, "65c-flexi-formal-review-raised");

        // The trust lead (the Deputy CEO in 000 §7) finds it in their actions and agrees; the school then holds it.
        var lead = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(lead, $"trustlead@northfield.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(lead, "Cases").ClickAsync();
        await lead.Locator("#actions").GetByRole(AriaRole.Link, new() { Name = $"Agree to the formal review (as Deputy CEO) for {pupilName}" }).ClickAsync();
        await Assertions.Expect(lead.Locator("h1")).ToContainTextAsync("Formal review");
        await AccessibleAsync(lead, "65d-flexi-formal-review-to-agree");
        await lead.GetByRole(AriaRole.Button, new() { Name = "Agree to the formal review" }).ClickAsync();
        await Assertions.Expect(lead.Locator("main")).ToContainTextAsync("Agreed by");
        await page.GotoAsync(caseUrl);
        await Assertions.Expect(page.Locator("#formal-review")).ToContainTextAsync("The Deputy CEO agreed to it on");
        await AccessibleAsync(page, "65e-flexi-formal-review-agreed");

        // Ending with the school's notice (000: two weeks), and the termination letter.
        await page.GotoAsync(caseUrl);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Running");
        await page.Locator("main a.govuk-button[href$='/End']").ClickAsync();
        await page.GetByLabel("The reason").FillAsync("Attendance at the agreed school days has fallen below 97% and phonics needs daily teaching in school.");
        await AccessibleAsync(page, "66-flexi-end");
        await page.GetByRole(AriaRole.Button, new() { Name = "End the arrangement and produce the letter" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ending")).ToContainTextAsync("the last day is");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Ending"); // it runs until the last day
        await AccessibleAsync(page, "67-flexi-case-ended");
        await browser.SavePdfAsync(page, "Termination letter", "68-flexi-termination-letter");
    }

    /// <summary>A Monday a week or more ahead of the server's day (<see cref="DecemberFixture"/>), outside the Christmas holiday of the demo calendar.</summary>
    private static DateOnly NextTermMonday()
    {
        var day = DecemberFixture.Today.AddDays(7);
        while (day.DayOfWeek != DayOfWeek.Monday || (day.Month == 12 && day.Day > 18) || (day.Month == 1 && day.Day < 6))
        {
            day = day.AddDays(1);
        }

        return day;
    }
}
