using System.Text.RegularExpressions;
using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Issue 2, "Done when": a demo headteacher signs in with two-factor on, searches a pupil, opens
/// their page; every page visited passes axe-core with no serious or critical violations; each
/// step is saved as a screenshot (artifacts/screenshots).
/// </summary>
public sealed class HeadteacherJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Menu(IPage page, string name) => BrowserFixture.Menu(page, name);

    private Task AccessibleAsync(IPage page, string screenshot) => browser.AssertAccessibleAsync(page, screenshot);

    [Fact]
    public async Task Headteacher_signs_in_with_two_factor_finds_a_pupil_and_opens_their_page()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        Assert.EndsWith("/Account/Login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await AccessibleAsync(page, "01-sign-in");

        // A wrong password keeps the email and says so next to the field.
        var email = $"head@ashby.{DemoSeeder.EmailDomain}";
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("not my password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("Enter a correct email address and password");
        Assert.Equal(email, await page.GetByLabel("Email address").InputValueAsync());
        await AccessibleAsync(page, "02-sign-in-error");

        await page.GetByLabel("Password").FillAsync(DemoSeeder.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // First sign-in: set up the authenticator before any pupil data.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up two-factor authentication" })).ToBeVisibleAsync();
        await AccessibleAsync(page, "03-set-up-two-factor");
        var key = await page.Locator("#authenticator-key").InnerTextAsync();
        await page.GetByLabel("Code from your app").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await AccessibleAsync(page, "04-recovery-codes");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Hello") })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Ashby Lane Primary School");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Brookside");
        await AccessibleAsync(page, "05-home");

        // Sign out and in again: now the code is asked for at sign-in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(DemoSeeder.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enter the code from your authenticator app" })).ToBeVisibleAsync();
        await AccessibleAsync(page, "06-two-factor-code");
        await page.GetByLabel("Security code").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Hello") })).ToBeVisibleAsync();

        // Search by surname, with the keyboard.
        var surname = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database),
            "SELECT p.legal_surname FROM pupils p JOIN schools s ON s.id = p.school_id WHERE s.name LIKE 'Ashby%' ORDER BY p.upn LIMIT 1");
        await Menu(page, "Pupils").ClickAsync();
        await page.GetByLabel("Name or UPN").FillAsync(surname);
        await page.GetByLabel("Name or UPN").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#results-heading")).ToContainTextAsync("found");
        await AccessibleAsync(page, "07-pupil-search");

        await page.Locator("table a").First.ClickAsync();
        await Assertions.Expect(page.Locator(".moj-identity-bar")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pupil details" })).ToBeVisibleAsync();
        await AccessibleAsync(page, "08-pupil-page");

        // Edit with a mistake: the message sits next to the field and the typed value stays.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit pupil details" }).ClickAsync();
        await page.GetByLabel("Legal forename").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_LegalForename-error")).ToContainTextAsync("Enter the pupil's legal forename");
        await AccessibleAsync(page, "09-pupil-edit-error");
    }

    [Fact]
    public async Task Trust_admin_pages_are_accessible()
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, $"trustadmin@northfield.{DemoSeeder.EmailDomain}");

        await Menu(page, "Schools and calendars").ClickAsync();
        await AccessibleAsync(page, "20-admin-schools");
        await page.GetByRole(AriaRole.Link, new() { Name = "Calendar for Castle Hill Academy" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Castle Hill Academy");
        await AccessibleAsync(page, "21-admin-calendar");
        await Menu(page, "Users and roles").ClickAsync();
        await AccessibleAsync(page, "22-admin-users");
        await Menu(page, "Policy profiles").ClickAsync();
        await AccessibleAsync(page, "23-admin-policy");
        await page.GetByRole(AriaRole.Link, new() { Name = "Version 1" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("000 §7");
        await AccessibleAsync(page, "24-admin-policy-version");
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to policy profiles" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create a new version for Castle Hill Academy" }).ClickAsync();
        await AccessibleAsync(page, "25-admin-policy-new");
    }

    [Fact]
    public async Task A_trust_admin_ends_a_session_left_open_elsewhere_and_confirms_it_is_them_before_changing_a_role()
    {
        // Issue 14, items 1 and 2, as the people would use them: two browsers signed in as one person.
        // St Aidan's administrator: the other journeys of this class sign in as Northfield's.
        var email = $"trustadmin@staidans.{DemoSeeder.EmailDomain}";
        var office = await browser.NewPageAsync();
        var key = await BrowserFixture.SignInSettingUpTwoFactorAsync(office, email);
        var elsewhere = await browser.NewPageAsync();
        await elsewhere.GotoAsync("/Account/Login");
        await elsewhere.GetByLabel("Email address").FillAsync(email);
        await elsewhere.GetByLabel("Password").FillAsync(DemoSeeder.DemoPassword);
        await elsewhere.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await elsewhere.GetByLabel("Security code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30)));
        await elsewhere.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(elsewhere.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Hello") })).ToBeVisibleAsync();

        await Menu(office, "Your sessions").ClickAsync();
        await Assertions.Expect(office.Locator("#sessions caption")).ToHaveTextAsync("Signed in on 2 devices");
        await AccessibleAsync(office, "60-your-sessions");
        await office.Locator("#sessions tbody tr").Filter(new() { HasNot = office.GetByText("This session") }).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(office.Locator("#sessions caption")).ToHaveTextAsync("Signed in on 1 device");
        await elsewhere.ReloadAsync();
        Assert.EndsWith("/Account/Login", new Uri(elsewhere.Url).AbsolutePath, StringComparison.Ordinal);

        // Ten minutes on, adding a role asks for the password and a code, then offers the change back as entered.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(browser.Database), "UPDATE user_sessions SET confirmed_at = confirmed_at - interval '10 minutes'");
        var teacher = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(browser.Database), $"SELECT id FROM users WHERE email = 'teacher@stbedes.{DemoSeeder.EmailDomain}'");
        var school = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(browser.Database), "SELECT name FROM schools WHERE name LIKE 'St Bede%'");
        await Menu(office, "Users and roles").ClickAsync();
        await office.Locator($"a[href='/Admin/Users/Edit/{teacher}']").ClickAsync();
        await AccessibleAsync(office, "61-admin-user-sessions");
        await office.GetByLabel("Role").SelectOptionAsync(new SelectOptionValue { Label = "SENCO" });
        await office.GetByLabel("School").SelectOptionAsync(new SelectOptionValue { Label = school });
        await office.GetByRole(AriaRole.Button, new() { Name = "Add role" }).ClickAsync();
        await Assertions.Expect(office.GetByRole(AriaRole.Heading, new() { Name = "Confirm it is you" })).ToBeVisibleAsync();
        await office.GetByLabel("Password").FillAsync(DemoSeeder.DemoPassword);
        await office.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(office.Locator(".govuk-error-summary")).ToContainTextAsync("Enter the code from your authenticator app");
        await AccessibleAsync(office, "62-confirm-it-is-you");
        await office.GetByLabel("Password").FillAsync(DemoSeeder.DemoPassword);
        await office.GetByLabel("Security code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(60)));
        await office.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(office.GetByRole(AriaRole.Heading, new() { Name = "Confirmed" })).ToBeVisibleAsync();
        await AccessibleAsync(office, "63-confirmed");
        await office.GetByRole(AriaRole.Button, new() { Name = "Make the change" }).ClickAsync();
        await Assertions.Expect(office.Locator("main table").First).ToContainTextAsync("SENCO");
    }
}
