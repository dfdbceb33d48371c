using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 11, a part-time timetable at Castle Hill (Hinckley's Reduced Timetable Protocol: twelve weeks at most, reviewed
/// fortnightly): the DSL proposes it with two phases (refused first at thirteen weeks), the head approves it and gets the
/// plan and parental agreement as PDF, the DSL's risk assessment with its six mandatory factors is approved by the head,
/// the parent consents through the one-time emailed link and the local authority is told, it starts on its agreed date and its afternoons
/// show as C2 in the register, the fortnightly review is held with the parent's signature, and the pupil goes back to
/// full time. Every page is screenshotted (the case also at phone width) and clean under axe-core.
/// </summary>
public sealed class PartTimeJourneyTests(DecemberFixture browser) : IClassFixture<DecemberFixture>
{
    private Task AccessibleAsync(IPage page, string screenshot) => browser.AssertAccessibleAsync(page, screenshot);

    [Fact]
    public async Task A_part_time_timetable_from_proposal_to_c2_in_the_register_a_fortnightly_review_and_back_to_full_time()
    {
        var pupilId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), """
            SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id
             WHERE s.name = 'Castle Hill Academy' AND p.year_group = 9 AND NOT p.ehcp AND NOT p.looked_after AND NOT p.has_social_worker
               AND NOT EXISTS (SELECT 1 FROM arrangements a WHERE a.pupil_id = p.id) AND p.admission_date < '2026-11-01'
             ORDER BY p.upn LIMIT 1
            """);
        var option = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database),
            $"SELECT legal_surname || ', ' || coalesce(preferred_forename, legal_forename) || ' (Year 9)' FROM pupils WHERE id = '{pupilId}'");

        var dsl = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(dsl, $"dsl@castlehill.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(dsl, "Cases").ClickAsync();
        await dsl.GetByRole(AriaRole.Link, new() { Name = "Part-time timetables", Exact = true }).ClickAsync();
        await Assertions.Expect(dsl.Locator("#cases")).ToContainTextAsync("Part-time timetable");
        await AccessibleAsync(dsl, "90-part-time-cases");

        // The proposal: reasons, the wider plan, two phases; thirteen weeks is refused at the end date, nothing lost.
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Propose a part-time timetable" }).ClickAsync();
        await dsl.GetByLabel("Pupil", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = option });
        await dsl.GetByLabel("Date of the proposal").FillAsync("2026-11-16");
        await dsl.GetByLabel("A medical condition prevents the pupil attending full time").CheckAsync();
        await dsl.GetByLabel("The wider support plan").FillAsync("Individual health care plan with the school nurse; a quiet room at lunch; weekly check-in with the head of year.");
        await dsl.GetByLabel("How the pupil returns to full time").FillAsync("Mornings until Christmas, then Tuesdays and Thursdays all day; full time after February half term.");
        await dsl.GetByLabel("Welfare during the sessions out of school").FillAsync("Mother at home in the afternoons; the head of year phones on Fridays.");
        await dsl.GetByLabel("Start date").FillAsync("2026-11-16");
        await dsl.GetByLabel("End date").FillAsync("2027-02-12");
        foreach (var day in new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" })
        {
            await dsl.GetByLabel($"In school on {day} morning in phase 1").CheckAsync();
            await dsl.GetByLabel($"In school on {day} morning in phase 2").CheckAsync();
        }

        await dsl.GetByLabel("In school on Tuesday afternoon in phase 2").CheckAsync();
        await dsl.GetByLabel("In school on Thursday afternoon in phase 2").CheckAsync();
        await dsl.GetByLabel("Hours in school each week", new() { Exact = true }).FillAsync("12");
        await dsl.GetByLabel("Phase 2 starts on").FillAsync("2027-01-04");
        await dsl.GetByLabel("Hours in school each week in phase 2").FillAsync("17");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Propose the timetable" }).ClickAsync();
        await Assertions.Expect(dsl.Locator(".govuk-error-summary")).ToContainTextAsync("at most 12 weeks");
        await Assertions.Expect(dsl.GetByLabel("The wider support plan")).ToHaveValueAsync("Individual health care plan with the school nurse; a quiet room at lunch; weekly check-in with the head of year.");
        await AccessibleAsync(dsl, "91-part-time-propose-errors");
        await dsl.GetByLabel("End date").FillAsync("2027-02-05");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Propose the timetable" }).ClickAsync();
        await Assertions.Expect(dsl.Locator("h1")).ToContainTextAsync("Part-time timetable:");
        await Assertions.Expect(dsl.Locator("#phases")).ToContainTextAsync("50.0%");
        await Assertions.Expect(dsl.Locator("#phases")).ToContainTextAsync("70.8%");
        await AccessibleAsync(dsl, "92-part-time-proposed");
        var caseUrl = new Uri(dsl.Url).AbsolutePath;

        // The head approves (003) and the plan and parental agreement is produced.
        var head = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(head, $"head@castlehill.{DemoSeeder.EmailDomain}");
        await head.GotoAsync(caseUrl);
        await head.GetByRole(AriaRole.Link, new() { Name = "Approval" }).ClickAsync();
        await head.GetByLabel("Yes, approve it").CheckAsync();
        await head.GetByLabel("Date of the decision").FillAsync("2026-11-16");
        await AccessibleAsync(head, "93-part-time-approval");
        await head.GetByRole(AriaRole.Button, new() { Name = "Save the decision" }).ClickAsync();
        await Assertions.Expect(head.Locator("#approval-status")).ToContainTextAsync("Approved");
        await browser.SavePdfAsync(head, "Part-time timetable and parental agreement", "94-part-time-plan");

        // The DSL's risk assessment, with Hinckley's six mandatory factors, approved by the head.
        await dsl.GotoAsync(caseUrl + "/RiskAssessment");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Start the risk assessment" }).ClickAsync();
        foreach (var field in await dsl.Locator("textarea[name$='.Controls'], input[name$='.Responsibility']").AllAsync())
        {
            if (string.IsNullOrWhiteSpace(await field.InputValueAsync()))
            {
                await field.FillAsync("Discussed with the family; daily contact on afternoons out of school.");
            }
        }

        await AccessibleAsync(dsl, "95-part-time-risk-assessment");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Submit for approval" }).ClickAsync();
        await Assertions.Expect(dsl.Locator("h1")).ToContainTextAsync("Submitted");
        await head.GotoAsync(caseUrl + "/RiskAssessment");
        await head.GetByRole(AriaRole.Button, new() { Name = "Approve the risk assessment" }).ClickAsync();

        // The parent consents through the one-time emailed link (no account); the local authority told; the start.
        await head.GotoAsync(caseUrl + "/Consents");
        var parentEmail = $"sarah.example.{caseUrl[^8..]}@example.org";
        await head.GetByLabel("Parent's name").FillAsync("Sarah Example");
        await head.GetByLabel("Parent's email address").FillAsync(parentEmail);
        await head.GetByRole(AriaRole.Button, new() { Name = "Email the consent link" }).ClickAsync();
        await Assertions.Expect(head.Locator("#link-sent")).ToContainTextAsync(parentEmail);
        var email = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database), $"SELECT text_body FROM outbox_messages WHERE \"to\" = '{parentEmail}'");
        var link = System.Text.RegularExpressions.Regex.Match(email, @"https?://\S+/Sign\?token=[\w-]+").Value;
        var parent = await browser.NewPageAsync();
        await parent.GotoAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(parent.Locator("h1")).ToContainTextAsync("Give your consent to the part-time timetable");
        await parent.GetByLabel("Type your full name to sign").FillAsync("Sarah Example");
        await parent.Locator("#Confirmed").CheckAsync();
        await AccessibleAsync(parent, "96a-part-time-parent-consent-link");
        await parent.GetByRole(AriaRole.Button, new() { Name = "Give my consent" }).ClickAsync();
        await Assertions.Expect(parent.Locator("#signed")).ToContainTextAsync("Consent given");
        await head.ReloadAsync();
        await Assertions.Expect(head.Locator("#recorded-Parent")).ToContainTextAsync("typed name through the emailed link");
        // Leicestershire wants its online form on the day the plan is agreed: due, and overdue, until recorded as sent.
        await Assertions.Expect(head.Locator("#due-LocalAuthority")).ToContainTextAsync("Overdue");
        await Assertions.Expect(head.Locator("#due-LocalAuthority")).ToContainTextAsync("by 16 November 2026");
        await Assertions.Expect(head.Locator("#By-LocalAuthority")).ToHaveValueAsync("Children missing education and part-time timetables team, Leicestershire County Council");
        await AccessibleAsync(head, "96b-part-time-la-notification-due");
        await head.Locator("#By-LocalAuthority").FillAsync("Leicestershire County Council, attendance team");
        await head.Locator("#On-LocalAuthority").FillAsync("2026-11-16");
        await head.Locator("#party-LocalAuthority").GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();
        await Assertions.Expect(head.Locator("#recorded-LocalAuthority")).ToContainTextAsync("Told");
        await Assertions.Expect(head.Locator("#StartedOn")).ToHaveValueAsync("2026-11-16");
        await AccessibleAsync(head, "96-part-time-consents-met");
        await head.GetByRole(AriaRole.Button, new() { Name = "Start the arrangement" }).ClickAsync();
        await Assertions.Expect(head.Locator("main")).ToContainTextAsync("Running since");
        await browser.SavePdfAsync(head, "Notification letter", "96c-part-time-notification-letter");

        // C2 in the register for the afternoons out of school.
        var group = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), $"SELECT registration_group_id FROM pupils WHERE id = '{pupilId}'");
        await head.GotoAsync($"/Attendance/Register/{group}?date=2026-11-17&session=PM");
        await Assertions.Expect(head.Locator("main")).ToContainTextAsync("Expected: C2 (Part-time timetable)");
        await AccessibleAsync(head, "97-part-time-register-c2");

        // The fortnightly review, signed by the parent; the plan steps up on its next phase's date.
        await head.GotoAsync(caseUrl);
        await head.Locator("#review-list").GetByRole(AriaRole.Link, new() { Name = "Review" }).First.ClickAsync();
        await head.GetByLabel("Date held").FillAsync("2026-11-30");
        await head.GetByLabel("Who attended").FillAsync("Head of year, Sarah Example, the pupil");
        await head.GetByLabel("Progress towards full time").FillAsync("Every morning attended; catching up in English.");
        await head.GetByLabel("The parents' view").FillAsync("Pleased: the afternoons at home are calm.");
        await head.GetByLabel("The pupil's view").FillAsync("Ready for two full days after Christmas.");
        await head.GetByLabel("Continue: the plan moves on to its next phase as dated").CheckAsync();
        await head.GetByLabel("What was agreed and the next step").FillAsync("Phase 2 from 4 January: Tuesdays and Thursdays all day.");
        await head.GetByRole(AriaRole.Button, new() { Name = "Save the review" }).ClickAsync();
        await Assertions.Expect(head.Locator(".govuk-error-summary")).ToContainTextAsync("the parent signed the review record");
        await head.GetByLabel("The parent's signature").FillAsync("Sarah Example");
        await AccessibleAsync(head, "98-part-time-review");
        await head.GetByRole(AriaRole.Button, new() { Name = "Save the review" }).ClickAsync();
        await Assertions.Expect(head.Locator("#review-list")).ToContainTextAsync("Held 30 Nov 2026");
        await head.SetViewportSizeAsync(390, 844);
        await AccessibleAsync(head, "99-part-time-case-phone");

        // The demo's running timetable at the school has no time in school on Fridays: a welfare check each Friday (004
        // §9.6), read on a phone — the day on one line, the check's words beside it, the page no wider than the phone.
        var demoCase = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), """
            SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id
             WHERE s.name = 'Castle Hill Academy' AND a.kind = 'PartTimeTimetable' AND EXISTS (SELECT 1 FROM welfare_checks w WHERE w.arrangement_id = a.id)
            """);
        await head.GotoAsync($"/Cases/{demoCase}/WelfareChecks");
        await Assertions.Expect(head.Locator("#welfare-days")).ToContainTextAsync("Telephone call: Spoke to");
        Assert.True(await head.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);
        await AccessibleAsync(head, "99-part-time-welfare-checks-phone");
        await head.SetViewportSizeAsync(1280, 900);
        await head.GotoAsync(caseUrl);

        // The review agreed Tuesday afternoons in school sooner: stepped up from tomorrow, the register follows.
        var tomorrow = DecemberFixture.Today.AddDays(1);
        await head.GetByRole(AriaRole.Button, new() { Name = "Step up the timetable" }).ClickAsync();
        await Assertions.Expect(head.Locator("#now")).ToContainTextAsync("12 hours a week (50.0% of full time)");
        await head.GetByLabel("From", new() { Exact = true }).FillAsync(tomorrow.ToString("yyyy-MM-dd"));
        await head.GetByLabel("Tuesday afternoon").CheckAsync();
        await head.GetByLabel("Thursday afternoon").UncheckAsync();
        await head.GetByLabel("Hours in school each week from then").FillAsync("14.5");
        await AccessibleAsync(head, "98a-part-time-step-up");
        await head.GetByRole(AriaRole.Button, new() { Name = "Step up", Exact = true }).ClickAsync();
        await Assertions.Expect(head.Locator(".app-history")).ToContainTextAsync("Plan stepped up");

        // Back to full time from 4 January: nothing more is placed in the register.
        await head.GetByRole(AriaRole.Button, new() { Name = "Back to full time" }).ClickAsync();
        await head.GetByLabel("First day back full time").FillAsync("2027-01-04");
        await head.GetByLabel("Outcome").FillAsync("Back to full time after the review; the health care plan continues.");
        await AccessibleAsync(head, "99a-part-time-full-time");
        await head.GetByRole(AriaRole.Button, new() { Name = "End the timetable" }).ClickAsync();
        await Assertions.Expect(head.Locator("#ending")).ToContainTextAsync("full time from 4 January 2027");
        await AccessibleAsync(head, "99b-part-time-ended");

        // The trust keeps its local authorities, each with how it wants to be told; a school names its own from the list.
        var admin = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(admin, $"trustadmin@northfield.{DemoSeeder.EmailDomain}");
        await admin.GotoAsync("/Admin/LocalAuthorities");
        await Assertions.Expect(admin.Locator("#authorities")).ToContainTextAsync("Its online form, on the day it is agreed");
        await AccessibleAsync(admin, "99c-local-authorities");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Edit Leicestershire County Council" }).ClickAsync();
        await admin.GetByLabel("Where to send it").FillAsync("not a form address");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save local authority" }).ClickAsync();
        await Assertions.Expect(admin.Locator(".govuk-error-summary")).ToContainTextAsync("Enter the online form's address, starting https://");
        await admin.SetViewportSizeAsync(390, 844);
        await AccessibleAsync(admin, "99d-local-authority-edit-phone");
    }
}
