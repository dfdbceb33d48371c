using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 12's journey in the browser: the AP leader refers a pupil (the registration rule refusing the farm first), the
/// head agrees, the commissioning agreement is recorded and kept as a PDF, the DSL's risk assessment approved, the parents
/// and the local authority recorded, the start — B in the register naming the provider — a QA visit, and the end with its
/// destination. Axe clean; screenshots and the PDFs rendered to look at.
/// </summary>
public sealed class PlacementJourneyTests(DecemberFixture browser) : IClassFixture<DecemberFixture>
{
    [Fact]
    public async Task The_ap_leader_refers_the_head_agrees_and_the_commissioning_agreement_is_kept()
    {
        var pupil = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), """
            SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id
             WHERE s.name LIKE 'Castle Hill%' AND p.year_group = 9 AND NOT p.ehcp AND NOT p.looked_after AND NOT EXISTS (SELECT 1 FROM arrangements a WHERE a.pupil_id = p.id)
             ORDER BY p.upn LIMIT 1
            """);
        var today = DecemberFixture.Today;
        var ap = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(ap, $"apleader@castlehill.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(ap, "Cases").ClickAsync();
        await ap.GetByRole(AriaRole.Button, new() { Name = "Refer for alternative provision" }).ClickAsync();
        // The referral form on a phone first: every field usable at 390 px, nothing cut off.
        var desktop = ap.ViewportSize!;
        await ap.SetViewportSizeAsync(390, 844);
        await browser.AssertAccessibleAsync(ap, "a0b-placement-referral-phone");
        await ap.SetViewportSizeAsync(desktop.Width, desktop.Height);

        await ap.Locator("#Input_PupilId").SelectOptionAsync(pupil.ToString());
        await ap.Locator("#Input_ProviderId").SelectOptionAsync(new SelectOptionValue { Label = "Moorland Farm Project — Unregistered (closed)" });
        await ap.GetByLabel("Full time: every session at the provider").CheckAsync();
        // Begun on Monday 23 November 2026 (recorded afterwards), so its sessions show in that week's registers.
        await ap.GetByLabel("Proposed start").FillAsync("2026-11-23");
        await ap.GetByLabel("Planned end").FillAsync(today.AddDays(120).ToString("yyyy-MM-dd"));
        await ap.GetByLabel("Reasons for the placement").FillAsync("Practical learning to re-engage; attendance 71% this term.");
        await ap.GetByLabel("Full cost (£)").FillAsync("4800");
        await ap.GetByLabel("Funding").FillAsync("School high-needs budget");
        await ap.GetByLabel("The pupil's voice").FillAsync("\"I want to learn to fix engines.\"");
        await ap.GetByLabel("The main reason, as the school census records it").SelectOptionAsync("Reengagement");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Record the referral" }).ClickAsync();
        // The farm is in breach of the registration rule: refused at the field, nothing typed lost.
        await Assertions.Expect(ap.Locator("#Input_ProviderId-error")).ToContainTextAsync("but is not registered as an independent school (004 §7.2)");
        await Assertions.Expect(ap.GetByLabel("Reasons for the placement")).ToHaveValueAsync("Practical learning to re-engage; attendance 71% this term.");
        await browser.AssertAccessibleAsync(ap, "a0-placement-refer-refused");

        await ap.Locator("#Input_ProviderId").SelectOptionAsync(new SelectOptionValue { Label = "Riverside Skills Centre — Registered independent school" });
        await ap.GetByLabel("Part time: some sessions in school").CheckAsync();
        foreach (var day in new[] { "Monday", "Tuesday", "Wednesday" })
        {
            await ap.Locator($"#Input_InSchool-{day}-AM").CheckAsync();
            await ap.Locator($"#Input_InSchool-{day}-PM").CheckAsync();
        }

        await ap.GetByRole(AriaRole.Button, new() { Name = "Record the referral" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#saved")).ToContainTextAsync("Referral recorded");
        await Assertions.Expect(ap.Locator("#agreement-status")).ToContainTextAsync("Waiting for the headteacher");
        await browser.AssertAccessibleAsync(ap, "a1-placement-referred");
        var caseUrl = new Uri(ap.Url).AbsolutePath;

        // The initial visit to the provision (002 appendix 1b), kept as its report.
        await ap.GetByRole(AriaRole.Link, new() { Name = "Initial visit to the provision" }).ClickAsync();
        await ap.GetByLabel("Safeguarding", new() { Exact = true }).FillAsync("Named DSL (Sam Okafor); single central record seen; the centre phones absence by 10:00");
        await ap.GetByLabel("The curriculum", new() { Exact = true }).FillAsync("Motor vehicle workshop units, with functional maths in the workshop");
        await ap.GetByLabel("The next stage", new() { Exact = true }).FillAsync("A college taster day in the spring");
        await ap.GetByLabel("Qualifications", new() { Exact = true }).FillAsync("IMI level 1 award");
        await browser.AssertAccessibleAsync(ap, "a1b-placement-initial-visit");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Record the visit" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#initial-visit-status")).ToContainTextAsync("Made");
        await browser.SavePdfAsync(ap, "Initial visit report (appendix 1b)", "a1c-initial-visit-report");

        var head = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(head, $"head@castlehill.{DemoSeeder.EmailDomain}");
        await head.GotoAsync(caseUrl);
        await head.GetByRole(AriaRole.Link, new() { Name = "The headteacher's agreement" }).ClickAsync();
        await head.GetByLabel("Yes, agree it").CheckAsync();
        await browser.AssertAccessibleAsync(head, "a2-placement-agree");
        await head.GetByRole(AriaRole.Button, new() { Name = "Save the decision" }).ClickAsync();
        await Assertions.Expect(head.Locator("#agreement-status")).ToContainTextAsync("Agreed");
        await browser.SavePdfAsync(head, "Referral form (appendix 1a)", "a2b-referral-form");

        await ap.GotoAsync(caseUrl);
        await ap.GetByRole(AriaRole.Link, new() { Name = "Commissioning agreement" }).ClickAsync();
        foreach (var (label, text) in new[]
        {
            ("Days and times", "Thursday and Friday, 9:00 to 15:00"), ("Aims and outcomes", "Level 1 motor vehicle certificate; attendance above 90%"),
            ("Curriculum and qualifications", "IMI level 1; English and maths stay in school"), ("Induction", "A visit with the AP leader and a parent"),
            ("Pastoral support", "Key worker Sam Okafor"), ("Attendance", "AM and PM registers; absence phoned by 10:00"),
            ("Safeguarding", "Provider DSL Sam Okafor; concerns to the school DSL the same day"), ("Free school meals", "Lunch provided, charged to the school"),
            ("Exams", "Sat at school"), ("Communication", "Weekly email to the AP leader"), ("Review", "Half-termly at the centre with the AP leader, parents and pupil"),
            ("Agreed for the provider by", "Sam Okafor, centre manager"),
        })
        {
            await ap.GetByLabel(label, new() { Exact = true }).FillAsync(text);
        }

        await browser.AssertAccessibleAsync(ap, "a3-placement-commissioning");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Record the agreement" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#commissioning-status")).ToContainTextAsync("Agreed");
        await Assertions.Expect(ap.Locator("#gates")).ToContainTextAsync("Done: The commissioning agreement recorded (004 §7.11)");
        await Assertions.Expect(ap.Locator("#gates")).ToContainTextAsync("Missing: The risk assessment approved");
        await browser.AssertAccessibleAsync(ap, "a4-placement-agreed");
        await browser.SavePdfAsync(ap, "Commissioning agreement (Commissioning agreement", "a5-commissioning-agreement");

        // The DSL's risk assessment (002 appendix 2), approved by the head.
        var dsl = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(dsl, $"dsl@castlehill.{DemoSeeder.EmailDomain}");
        await dsl.GotoAsync(caseUrl + "/RiskAssessment");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Start the risk assessment" }).ClickAsync();
        foreach (var field in await dsl.Locator("textarea[name$='.Controls'], input[name$='.Responsibility']").AllAsync())
        {
            if (string.IsNullOrWhiteSpace(await field.InputValueAsync()))
            {
                await field.FillAsync("Checked with the provider on the initial visit; daily attendance call.");
            }
        }

        await dsl.GetByRole(AriaRole.Button, new() { Name = "Submit for approval" }).ClickAsync();
        await head.GotoAsync(caseUrl + "/RiskAssessment");
        await head.GetByRole(AriaRole.Button, new() { Name = "Approve the risk assessment" }).ClickAsync();

        // The parents' signed agreement and the local authority told, then the start.
        await ap.GotoAsync(caseUrl + "/Consents");
        await ap.Locator("#Answer-Parent-given").CheckAsync();
        await ap.Locator("#By-Parent").FillAsync("Amira Cooper (mother)");
        await ap.Locator("#Evidence-Parent").SetInputFilesAsync(new FilePayload { Name = "signed.pdf", MimeType = "application/pdf", Buffer = System.Text.Encoding.ASCII.GetBytes("%PDF-1.4 signed") });
        await ap.Locator("#party-Parent").GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#recorded-Parent")).ToContainTextAsync("Consent given");
        await ap.Locator("#party-LocalAuthority").GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#recorded-LocalAuthority")).ToContainTextAsync("Told");
        await Assertions.Expect(ap.Locator("#start")).ToContainTextAsync("coded B and naming the provider");
        await browser.AssertAccessibleAsync(ap, "a6-placement-ready-to-start");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Start the arrangement" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#consents-status")).ToContainTextAsync("Started 23 Nov 2026");

        // B in the register on the pupil's Thursday at the provider.
        var (name, group) = (await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database), $"SELECT legal_surname || ', ' || coalesce(preferred_forename, legal_forename) FROM pupils WHERE id = '{pupil}'"),
            await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), $"SELECT registration_group_id FROM pupils WHERE id = '{pupil}'"));
        await head.GotoAsync($"/Attendance/Register/{group}?date=2026-11-26&session=AM");
        await Assertions.Expect(head.GetByLabel(name, new() { Exact = true })).ToHaveValueAsync("B");
        await Assertions.Expect(head.Locator("main")).ToContainTextAsync("Expected: B (Alternative provision: Riverside Skills Centre)");
        await browser.AssertAccessibleAsync(head, "a7-placement-register-b");

        // A QA visit (appendix 5), then the ending with the destination.
        await ap.GotoAsync(caseUrl);
        await ap.GetByRole(AriaRole.Link, new() { Name = "QA visits" }).ClickAsync();
        await ap.GetByLabel("Safeguarding concerns").FillAsync("None");
        await ap.GetByLabel("Attendance", new() { Exact = true }).FillAsync("Every session attended");
        await ap.GetByLabel("Behaviour and pastoral update").FillAsync("Settled quickly; gets on with the team");
        await ap.GetByLabel("Curriculum and academic progress").FillAsync("Two units signed off");
        await ap.GetByLabel("Qualifications and preparation for the next stages of education").FillAsync("Level 1 on track; college taster booked");
        await ap.GetByLabel("Satisfactory", new() { Exact = true }).CheckAsync();
        await browser.AssertAccessibleAsync(ap, "a8-placement-visit");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Record the visit" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#saved")).ToContainTextAsync("Visit recorded");
        await browser.SavePdfAsync(ap, "QA visit record", "a9-visit-record");

        // The reintegration plan (002 §3.9): a dated, graduated return, discussed with the parents.
        await ap.GotoAsync(caseUrl);
        await ap.GetByRole(AriaRole.Link, new() { Name = "Reintegration plan" }).ClickAsync();
        await ap.GetByLabel("Back in school full time on").FillAsync("2027-02-22");
        await ap.GetByLabel("Step 1 from").FillAsync("2027-01-11");
        await ap.GetByLabel("Step 1: what happens").FillAsync("Monday mornings back in school with a key worker");
        await ap.GetByLabel("Step 2 from").FillAsync("2027-02-01");
        await ap.GetByLabel("Step 2: what happens").FillAsync("Monday to Wednesday in school; Thursday and Friday at the provider");
        await ap.GetByLabel("Discussed with the parents or carers on").FillAsync("2026-11-27");
        await ap.GetByLabel("Multi-agency meeting on").FillAsync("2026-12-09");
        await ap.GetByLabel("Strategies for the return").FillAsync("Key worker; lunchtime club; the provider's tutor visits school in the first week");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Save the plan" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#plan")).ToContainTextAsync("Monday 22 February 2027");
        await browser.AssertAccessibleAsync(ap, "a9b-reintegration-plan");

        // The half-termly review with the parents, recorded as appendix 6's progress report.
        var review = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), $"SELECT id FROM arrangement_reviews WHERE arrangement_id = '{caseUrl[7..]}' AND held_on IS NULL LIMIT 1");
        await ap.GotoAsync($"/Cases/Review/{review}");
        await ap.GetByLabel("Date held").FillAsync("2026-11-27");
        await ap.GetByLabel("Who attended").FillAsync("AP leader, Amira Cooper (mother), the pupil");
        await ap.GetByLabel("Curriculum").FillAsync("Two workshop units signed off; English functional skills entry 3");
        await ap.GetByLabel("Pastoral", new() { Exact = true }).FillAsync("Settled; good relationship with the workshop tutor");
        await ap.GetByLabel("Next steps in their education").FillAsync("Level 1 award; the graduated return from January");
        await ap.GetByLabel("Targets").FillAsync("Attend every session; finish unit 3 by February");
        await ap.GetByLabel("The parents' view").FillAsync("Pleased with the change in him");
        await ap.GetByLabel("The pupil's view").FillAsync("Likes the practical work");
        await ap.GetByLabel("The placement continues as agreed").CheckAsync();
        await ap.GetByLabel("What was decided and what happens next").FillAsync("Continue; next report at February half-term");
        await browser.AssertAccessibleAsync(ap, "a9c-placement-progress-report");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Save the review" }).ClickAsync();
        await browser.SavePdfAsync(ap, "Progress report for parents and carers", "a9d-progress-report");

        await ap.GotoAsync(caseUrl);
        await ap.GetByRole(AriaRole.Button, new() { Name = "End the placement" }).ClickAsync();
        await ap.GetByLabel("Further education or training").CheckAsync();
        await ap.GetByLabel("Details of the destination").FillAsync("North Leicestershire College, motor vehicle level 2");
        await ap.GetByLabel("Outcomes").FillAsync("Attendance 98%; re-engaged with learning");
        await ap.GetByLabel("Qualifications gained").FillAsync("IMI level 1 award (pass)");
        await ap.GetByLabel("The pupil's view").FillAsync("\"Best thing I've done.\"");
        await ap.GetByRole(AriaRole.Button, new() { Name = "End the placement" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#destination")).ToContainTextAsync("Further education or training: North Leicestershire College");
        await browser.AssertAccessibleAsync(ap, "b0-placement-ended");

        await ap.SetViewportSizeAsync(390, 844);
        await browser.AssertAccessibleAsync(ap, "b1-placement-ended-phone");
    }

    [Fact]
    public async Task A_governor_approves_an_off_site_direction_seeing_what_the_decision_needs_and_no_more()
    {
        // 004 §6.4: the demo's direction at Castle Hill waits for the governing body.
        var governor = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(governor, $"governor@castlehill.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(governor, "Off-site directions").ClickAsync();
        await Assertions.Expect(governor.Locator("#directions")).ToContainTextAsync("To decide");
        await browser.AssertAccessibleAsync(governor, "c0-governor-directions");
        await governor.Locator("#directions a").First.ClickAsync();
        await Assertions.Expect(governor.Locator("#direction")).ToContainTextAsync("Reasons and objectives");
        await governor.GetByLabel("Approved", new() { Exact = true }).CheckAsync();
        await governor.GetByLabel("Where it is minuted").FillAsync("Full governing body, minute 7");
        await browser.AssertAccessibleAsync(governor, "c1-governor-direction-decision");
        await governor.GetByRole(AriaRole.Button, new() { Name = "Record the decision" }).ClickAsync();
        await Assertions.Expect(governor.Locator("#decision")).ToContainTextAsync("Approved");
        await governor.SetViewportSizeAsync(390, 844);
        await browser.AssertAccessibleAsync(governor, "c2-governor-direction-approved-phone");
    }
}
