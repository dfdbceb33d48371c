using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 12, "Placements", in the browser: the AP leader refers a pupil (the registration rule refusing the farm first),
/// the head agrees the placement, the AP leader records the commissioning agreement and it is kept as a PDF, the gates
/// before the start named on the case. Axe clean; screenshots and the PDF rendered to look at.
/// </summary>
public sealed class PlacementJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_ap_leader_refers_the_head_agrees_and_the_commissioning_agreement_is_kept()
    {
        var pupil = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), """
            SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id
             WHERE s.name LIKE 'Castle Hill%' AND p.year_group = 9 AND NOT p.ehcp AND NOT p.looked_after AND NOT EXISTS (SELECT 1 FROM arrangements a WHERE a.pupil_id = p.id)
             ORDER BY p.upn LIMIT 1
            """);
        var today = Domain.Common.LondonClock.Today(TimeProvider.System);
        var ap = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(ap, $"apleader@castlehill.{DemoSeeder.EmailDomain}");
        await BrowserFixture.Menu(ap, "Cases").ClickAsync();
        await ap.GetByRole(AriaRole.Button, new() { Name = "Refer for alternative provision" }).ClickAsync();

        await ap.Locator("#Input_PupilId").SelectOptionAsync(pupil.ToString());
        await ap.Locator("#Input_ProviderId").SelectOptionAsync(new SelectOptionValue { Label = "Moorland Farm Project — Unregistered (closed)" });
        await ap.GetByLabel("Full time: every session at the provider").CheckAsync();
        await ap.GetByLabel("Proposed start").FillAsync(today.AddDays(21).ToString("yyyy-MM-dd"));
        await ap.GetByLabel("Planned end").FillAsync(today.AddDays(120).ToString("yyyy-MM-dd"));
        await ap.GetByLabel("Reasons for the placement").FillAsync("Practical learning to re-engage; attendance 71% this term.");
        await ap.GetByLabel("Full cost (£)").FillAsync("4800");
        await ap.GetByLabel("Funding").FillAsync("School high-needs budget");
        await ap.GetByLabel("The pupil's voice").FillAsync("\"I want to learn to fix engines.\"");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Record the referral" }).ClickAsync();
        // The farm is in breach of the registration rule: refused at the field, nothing typed lost.
        await Assertions.Expect(ap.Locator("#Input_ProviderId-error")).ToContainTextAsync("but is not registered as an independent school (004 §7.2)");
        await Assertions.Expect(ap.GetByLabel("Reasons for the placement")).ToHaveValueAsync("Practical learning to re-engage; attendance 71% this term.");
        await browser.AssertAccessibleAsync(ap, "80-placement-refer-refused");

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
        await browser.AssertAccessibleAsync(ap, "81-placement-referred");
        var caseUrl = new Uri(ap.Url).AbsolutePath;

        var head = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(head, $"head@castlehill.{DemoSeeder.EmailDomain}");
        await head.GotoAsync(caseUrl);
        await head.GetByRole(AriaRole.Link, new() { Name = "The headteacher's agreement" }).ClickAsync();
        await head.GetByLabel("Yes, agree it").CheckAsync();
        await browser.AssertAccessibleAsync(head, "82-placement-agree");
        await head.GetByRole(AriaRole.Button, new() { Name = "Save the decision" }).ClickAsync();
        await Assertions.Expect(head.Locator("#agreement-status")).ToContainTextAsync("Agreed");

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

        await browser.AssertAccessibleAsync(ap, "83-placement-commissioning");
        await ap.GetByRole(AriaRole.Button, new() { Name = "Record the agreement" }).ClickAsync();
        await Assertions.Expect(ap.Locator("#commissioning-status")).ToContainTextAsync("Agreed");
        await Assertions.Expect(ap.Locator("#gates")).ToContainTextAsync("Done: The commissioning agreement recorded (004 §7.11)");
        await Assertions.Expect(ap.Locator("#gates")).ToContainTextAsync("Missing: The risk assessment approved");
        await browser.AssertAccessibleAsync(ap, "84-placement-agreed");
        await browser.SavePdfAsync(ap, "Commissioning agreement (Commissioning agreement", "85-commissioning-agreement");

        await ap.SetViewportSizeAsync(390, 844);
        await browser.AssertAccessibleAsync(ap, "86-placement-case-phone");
    }
}
