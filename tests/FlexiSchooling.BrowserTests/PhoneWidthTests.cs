using System.Text.RegularExpressions;
using FlexiSchooling.BrowserTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests;

/// <summary>
/// Every page a role can reach by following links from its menu — the menu's pages, what they link to (a case, a pupil, a
/// provider, a register) and what those link to (a case's steps, a pupil's attendance) — opened on a phone (390 px wide,
/// as the register and home page tests have it): each answers (no link leads nowhere) and none is wider than the phone, so
/// nothing on it — a table's last column, a form's button — is off the side of a page that does not scroll sideways, and
/// axe-core finds nothing serious on it. A wide table scrolls inside its own box (<c>app-table-scroll</c>) or stacks its
/// cells, and a long word (a web address) breaks.
/// </summary>
/// <remarks>
/// Pages of one shape (a pupil's, a provider's: the same page for another id) are opened once; a case is opened for each
/// case listed, as a case's page and the steps it links to differ with its kind and stage. A link that starts a download
/// (a case's document) is fetched and must answer. The crawl follows links only (GET) and submits nothing; the forms are
/// sent by a test of their own, below.
/// </remarks>
public sealed partial class PhoneWidthTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>
    /// Each role, and whether its menu's pages link to pages of their own (a governor's do not); a second head, Castle Hill's,
    /// for the steps of a part-time timetable running there.
    /// </summary>
    public static TheoryData<string, bool> Roles() => new()
    {
        { $"trustlead@northfield.{DemoSeeder.EmailDomain}", true },
        { $"trustadmin@northfield.{DemoSeeder.EmailDomain}", true },
        { $"head@ashby.{DemoSeeder.EmailDomain}", true },
        { $"head@castlehill.{DemoSeeder.EmailDomain}", true },
        { $"dsl@ashby.{DemoSeeder.EmailDomain}", true },
        { $"attendance@ashby.{DemoSeeder.EmailDomain}", true },
        { $"apleader@ashby.{DemoSeeder.EmailDomain}", true },
        { $"senco@ashby.{DemoSeeder.EmailDomain}", true },
        { $"teacher@ashby.{DemoSeeder.EmailDomain}", true },
        { $"governor@ashby.{DemoSeeder.EmailDomain}", false },
    };

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Every_page_reached_from_the_roles_menu_answers_fits_a_phones_width_and_passes_axe(string email, bool linksBeyondMenu)
    {
        var page = await browser.SignedInPageAsync(email);
        // The menu's pages, read at desktop width where the menu is open, then each page opened on a phone.
        var menu = await page.GetByRole(AriaRole.Navigation, new() { Name = "Menu" }).Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.NotEmpty(menu);
        await page.SetViewportSizeAsync(390, 844);
        var opened = new HashSet<string>();
        var toOpen = new Queue<(string Link, int Steps, string From)>(menu.Select(link => (link, 0, "the menu")));
        var wide = new List<string>();
        var failed = new List<string>();
        var inaccessible = new List<string>();
        while (toOpen.TryDequeue(out var next))
        {
            var (link, steps, from) = next;
            if (!link.StartsWith('/') || link.StartsWith("/Account/", StringComparison.Ordinal) || !opened.Add(Shape(link)))
            {
                continue;
            }

            IResponse? response;
            try
            {
                response = await page.GotoAsync(link);
            }
            catch (PlaywrightException e) when (e.Message.Contains("Download is starting", StringComparison.Ordinal))
            {
                var download = await page.Context.APIRequest.GetAsync(link);
                if (!download.Ok)
                {
                    failed.Add($"{link} from {from}: {download.Status}");
                }

                continue;
            }

            if (response is not { Ok: true })
            {
                failed.Add($"{link} from {from}: {response?.Status}");
                continue;
            }

            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            if (width > 390)
            {
                wide.Add($"{link} ({width} px: {string.Join(", ", await WhatSticksOutAsync(page))})");
                await browser.ScreenshotAsync(page, $"phone-too-wide-{email.Split('@')[0]}{Shape(link).Replace('/', '-').Replace("{id}", "id")}");
            }

            if (Axed.Add(Shape(link)))
            {
                foreach (var v in await BrowserFixture.SeriousAccessibilityViolationsAsync(page))
                {
                    inaccessible.Add($"{link}: {v}");
                }
            }

            if (steps < 2)
            {
                var links = await page.Locator("main a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
                foreach (var found in links)
                {
                    toOpen.Enqueue((found, steps + 1, link));
                }
            }
        }

        Assert.True(failed.Count == 0, $"{email}: links that did not answer: {string.Join(", ", failed)}");
        Assert.True(wide.Count == 0, $"{email}: wider than the phone: {string.Join(", ", wide)}");
        Assert.True(inaccessible.Count == 0, $"{email}: serious or critical accessibility violations: {string.Join(", ", inaccessible)}");
        // The crawl itself followed links: a role whose menu's pages link on reached more pages than its menu has.
        Assert.Equal(linksBeyondMenu, opened.Count > menu.Distinct().Count(l => l.StartsWith('/') && !l.StartsWith("/Account/", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A form that starts a record, sent with nothing filled in on a phone: the page comes back with its error summary and
    /// each field's error beside the field, still no wider than the phone (an error message is the longest line a field
    /// has), on the same address: nothing was taken.
    /// </summary>
    [Theory]
    [InlineData("head@ashby", "/Flexi/Request", "Record the request")]
    [InlineData("head@ashby", "/PartTime/Propose", "Propose the timetable")]
    [InlineData("apleader@ashby", "/AlternativeProvision/Refer", "Record the referral")]
    [InlineData("apleader@ashby", "/Providers/Edit", "Save provider")]
    [InlineData("trustadmin@northfield", "/Admin/Users/Invite", "Send invitation")]
    [InlineData("trustadmin@northfield", "/Admin/LocalAuthorities/Edit", "Save local authority")]
    [InlineData("trustlead@northfield", "/Privacy/SubjectAccess/New", "Record the request")]
    public async Task A_form_sent_empty_on_a_phone_shows_its_errors_within_the_phones_width(string user, string form, string button)
    {
        var page = await browser.SignedInPageAsync($"{user}.{DemoSeeder.EmailDomain}");
        await page.SetViewportSizeAsync(390, 844);
        Assert.True((await page.GotoAsync(form))?.Ok, form);
        // Whatever text the form fills in for the user (a date of today) is emptied too: every field it asks for is left out.
        await page.Locator("main form[method=post] input[type=text], main form[method=post] input[type=email], main form[method=post] input:not([type]), main form[method=post] textarea").EvaluateAllAsync<int>("fields => { fields.forEach(f => f.value = ''); return fields.length; }");
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

        var summary = page.Locator(".govuk-error-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync();
        Assert.EndsWith(form, new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        var errors = await page.Locator("main .govuk-error-message").CountAsync();
        Assert.True(errors > 0, $"{form}: no error beside any field");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var name = $"phone-errors-{user.Split('@')[0]}{form.Replace('/', '-')}";
        await browser.ScreenshotAsync(page, name);
        Assert.True(width <= 390, $"{form} with its errors: {width} px ({string.Join(", ", await WhatSticksOutAsync(page))})");
        await browser.AssertAccessibleAsync(page, name);
    }

    /// <summary>
    /// The accessibility check leaves out the rules whose impact axe fixes below serious (BrowserFixture: it checks every
    /// page the journeys pass and the crawl's, on two busy cores): on a page breaking such rules — no landmarks (<c>region</c>), a heading
    /// skipping levels (<c>heading-order</c>) — and one serious rule (an image without a text alternative), axe with every
    /// rule reports the first two only as moderate, and the check finds exactly what every rule finds at serious or above.
    /// Fails if an axe-core update reported a rule above its fixed impact, which would make leaving it out hide a finding.
    /// </summary>
    [Fact]
    public async Task The_accessibility_check_leaves_out_only_rules_axe_never_reports_as_serious()
    {
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("""
            <!DOCTYPE html><html lang="en"><head><title>Rules</title></head>
            <body><h1>A page</h1><h4>Skipping two levels</h4><p>Outside every landmark.</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40"></body></html>
            """);
        await page.EvaluateAsync(BrowserFixture.AxeScript);
        var every = await page.EvaluateAsync<Dictionary<string, string>>(
            "async () => Object.fromEntries((await axe.run(document, { resultTypes: ['violations'] })).violations.map(v => [v.id, v.impact]))");
        Assert.Equal("moderate", every["region"]);
        Assert.Equal("moderate", every["heading-order"]);
        Assert.Equal("critical", every["image-alt"]);

        var serious = await BrowserFixture.SeriousAccessibilityViolationsAsync(page);
        Assert.Equal(
            every.Where(v => v.Value is "serious" or "critical").Select(v => v.Key).Order(),
            serious.Select(v => v.Split(':')[0]).Order());
    }

    /// <summary>
    /// A page's shape: its path with each id as <c>{id}</c> and without its query — except a case's own page, which is
    /// kept whole (each case is opened).
    /// </summary>
    private static string Shape(string link)
    {
        var path = link.Split('?', '#')[0];
        var shape = Ids().Replace(path, "{id}");
        return shape == "/Cases/{id}" ? path : shape;
    }

    /// <summary>
    /// The shapes of page axe-core has checked in this run: each once, on a phone, by the first role to reach it (axe takes
    /// about half a second a page; a page another role sees differs in its buttons, not in its structure).
    /// </summary>
    private static readonly HashSet<string> Axed = [];

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Ids();

    /// <summary>The outermost elements sticking out past the phone's edge and the widest content, to say what to wrap or stack.</summary>
    private static Task<string[]> WhatSticksOutAsync(IPage page) => page.EvaluateAsync<string[]>("""
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
}
