using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Every page in each role's menu, opened on a phone (390 px wide, as the register and home page tests have it): none is
/// wider than the phone, so nothing on it — a table's last column, a form's button — is off the side of a page that does
/// not scroll sideways. A wide table scrolls inside its own box (<c>app-table-scroll</c>) or stacks its cells.
/// </summary>
public sealed class PhoneWidthTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    public static TheoryData<string> Roles() => new()
    {
        $"trustlead@northfield.{DemoSeeder.EmailDomain}",
        $"trustadmin@northfield.{DemoSeeder.EmailDomain}",
        $"head@ashby.{DemoSeeder.EmailDomain}",
        $"dsl@ashby.{DemoSeeder.EmailDomain}",
        $"attendance@ashby.{DemoSeeder.EmailDomain}",
        $"apleader@ashby.{DemoSeeder.EmailDomain}",
        $"senco@ashby.{DemoSeeder.EmailDomain}",
        $"teacher@ashby.{DemoSeeder.EmailDomain}",
        $"governor@ashby.{DemoSeeder.EmailDomain}",
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Every_page_in_the_roles_menu_fits_a_phones_width(string email)
    {
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInSettingUpTwoFactorAsync(page, email);
        // The menu's pages, read at desktop width where the menu is open, then each opened on a phone.
        var links = await page.GetByRole(AriaRole.Navigation, new() { Name = "Menu" }).Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.NotEmpty(links);
        await page.SetViewportSizeAsync(390, 844);
        var wide = new List<string>();
        foreach (var link in links.Where(l => l.StartsWith('/') && !l.StartsWith("/Account/Logout", StringComparison.Ordinal)).Distinct())
        {
            var response = await page.GotoAsync(link);
            Assert.True(response?.Ok, $"{link}: {response?.Status}");
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            if (width > 390)
            {
                // The outermost elements sticking out past the phone's edge, to say what to wrap or stack.
                var culprits = await page.EvaluateAsync<string[]>("""
                    () => {
                      const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) { if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
                      const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
                      return [...document.body.querySelectorAll('*')]
                        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
                        .filter(e => !(e.parentElement.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e.parentElement)))
                        .slice(0, 3).map(e => name(e) + ' in ' + name(e.parentElement) + ' to ' + Math.round(e.getBoundingClientRect().right))
                        .concat([...document.body.querySelectorAll('*')]
                          .filter(e => !clipped(e) && getComputedStyle(e).overflowX === 'visible' && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
                          .slice(-3).map(e => 'content of ' + name(e) + ' ' + e.scrollWidth + ' in ' + e.clientWidth));
                    }
                    """);
                wide.Add($"{link} ({width} px: {string.Join(", ", culprits)})");
                await browser.ScreenshotAsync(page, $"phone-too-wide-{email.Split('@')[0]}{link.Replace('/', '-')}");
            }
        }

        Assert.True(wide.Count == 0, $"{email}: wider than the phone: {string.Join(", ", wide)}");
    }
}
