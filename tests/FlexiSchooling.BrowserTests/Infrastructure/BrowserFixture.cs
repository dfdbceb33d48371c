using System.Diagnostics;
using System.Text.Json;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Testing;
using Microsoft.Playwright;

namespace FlexiSchooling.BrowserTests.Infrastructure;

/// <summary>
/// Starts the built application as its own process on a free loopback port (the way scripts/run
/// does, with two-factor required), on a copy of the demo database, and one headless Debian
/// Chromium driven by Playwright. Playwright never downloads a browser here.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private readonly List<AppServer> _servers = [];
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public string Database { get; private set; } = "";

    public string Artifacts { get; } = Path.Combine(Environment.GetEnvironmentVariable("FLEXI_ARTIFACTS") ?? Path.GetTempPath(), "screenshots");

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(Artifacts);
        // The browser test classes run in parallel, each with its own server and Chromium, on a two-core machine:
        // a page that renders a PDF or saves a register can take longer than Playwright's 5-second default.
        Assertions.SetDefaultExpectTimeout(15_000);
        Database = await CreateDatabaseAsync();
        BaseUrl = await StartServersAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("FLEXI_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>Starts what the browser talks to and returns its address: here one server, as scripts/run does.</summary>
    protected virtual async Task<string> StartServersAsync()
    {
        var url = $"http://localhost:{LoopbackPort.Free()}";
        var settings = ServerSettings(Directory.CreateTempSubdirectory("flexi-browser-").FullName);
        settings["Security__TreatLoopbackAsSecure"] = "true";
        await StartServerAsync(url, settings);
        return url;
    }

    /// <summary>
    /// What every server of this fixture is started with: the test database, the data folder given (its logs and mail;
    /// the data-protection keys are the database's), two-factor required and the fixture's clock.
    /// </summary>
    protected Dictionary<string, string> ServerSettings(string dataDirectory)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__App"] = TestDatabase.App(Database),
            ["ConnectionStrings__Owner"] = TestDatabase.Owner(Database),
            ["FlexiSchooling__DataDirectory"] = dataDirectory,
            ["Security__RequireTwoFactor"] = "true",
        };
        if (ServerClock is { } clock)
        {
            settings["Testing__Clock"] = clock.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>Starts the built application as its own process listening on <paramref name="url"/> and waits until it is ready.</summary>
    protected async Task<AppServer> StartServerAsync(string url, IReadOnlyDictionary<string, string> settings)
    {
        var server = AppServer.Start(url, WebProjectDirectory(), settings, StartUpArguments);
        _servers.Add(server);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>The database the server runs on: a copy of the tests' demo template.</summary>
    protected virtual Task<string> CreateDatabaseAsync() => TestDatabase.CreateAsync();

    /// <summary>
    /// Where the server's clock starts (<c>Testing:Clock</c>; it runs on from there), for a journey whose steps are fixed
    /// to the demo's dates; null: the machine's clock.
    /// </summary>
    protected virtual DateTimeOffset? ServerClock => null;

    /// <summary>What the server is asked to do as it starts (scripts/run passes --migrate --seed-demo).</summary>
    protected virtual IReadOnlyList<string> StartUpArguments => [];

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await TestDatabase.DropAsync(Database);
    }

    /// <summary>Everything the fixture's servers wrote, each under its address.</summary>
    public string ServerOutput => string.Join("\n", _servers.Select(s => $"--- {s.Url}\n{s.Output}"));

    public async Task<IPage> NewPageAsync(string? storageState = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, IgnoreHTTPSErrors = BaseUrl.StartsWith("https:", StringComparison.Ordinal), Locale = "en-GB", TimezoneId = "Europe/London", ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, StorageState = storageState });
        return await context.NewPageAsync();
    }

    private readonly Dictionary<string, string> _signedIn = [];

    /// <summary>
    /// A page signed in as a demo user: the first time, by password and setting up two-factor; after that in the same
    /// fixture, in a new browser context holding the cookies of that first sign-in (a second sign-in would need the next
    /// authenticator code, as a user signing in again does). For a class whose tests sign the same user in more than once.
    /// </summary>
    public async Task<IPage> SignedInPageAsync(string email)
    {
        if (_signedIn.TryGetValue(email, out var state))
        {
            return await NewPageAsync(state);
        }

        var page = await NewPageAsync();
        await SignInSettingUpTwoFactorAsync(page, email);
        _signedIn[email] = await page.Context.StorageStateAsync();
        return page;
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots.</summary>
    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = true });

    /// <summary>Downloads a case document from its link, keeps it with the screenshots and renders it to PNG to look at (pdftoppm).</summary>
    public async Task SavePdfAsync(IPage page, string link, string name)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = link }).First.ClickAsync());
        var pdf = Path.Combine(Artifacts, name + ".pdf");
        await download.SaveAsAsync(pdf);
        Assert.StartsWith("%PDF-", await File.ReadAllTextAsync(pdf), StringComparison.Ordinal);
        using var render = Process.Start(new ProcessStartInfo("pdftoppm", ["-png", "-r", "60", pdf, Path.Combine(Artifacts, name)]))!;
        await render.WaitForExitAsync();
        Assert.Equal(0, render.ExitCode);
    }

    /// <summary>Screenshots the page and asserts axe-core finds no serious or critical violation on it.</summary>
    public async Task AssertAccessibleAsync(IPage page, string screenshot)
    {
        await ScreenshotAsync(page, screenshot);
        var violations = await SeriousAccessibilityViolationsAsync(page);
        Assert.True(violations.Count == 0, $"{screenshot}: {string.Join("; ", violations)}");
    }

    /// <summary>A demo user's first sign-in: password, then setting up the authenticator (its key read from the page, as a phone would).</summary>
    public static async Task<string> SignInSettingUpTwoFactorAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(FlexiSchooling.Web.Seeding.DemoSeeder.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var key = await page.Locator("#authenticator-key").InnerTextAsync();
        await page.GetByLabel("Code from your app").FillAsync(FlexiSchooling.IntegrationTests.Infrastructure.Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        return key;
    }

    public static ILocator Menu(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Menu" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    /// <summary>
    /// Runs axe-core (from npm, injected without weakening the page's CSP) and returns serious or critical violations.
    /// </summary>
    /// <remarks>
    /// The rules whose impact axe fixes at moderate or minor (32 of axe 4.14's 105: <c>region</c>, the landmark and
    /// heading rules among them) are not run: axe reports a violation of such a rule at the rule's impact whatever its
    /// checks found (its results' impacts are set from <c>axe._audit.rules</c>, read here too), so none of them could be
    /// returned, and <c>region</c> alone walks every element of the page. The browser tests run axe on every page a journey
    /// passes and on the 71 shapes of page the phone crawl reaches, on two cores busy throughout CI's run: the crawl took
    /// 116 s with every rule and 107 without these (7 December 2026).
    /// </remarks>
    public static async Task<IReadOnlyList<string>> SeriousAccessibilityViolationsAsync(IPage page)
    {
        await page.EvaluateAsync(AxeScript);
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const neverSerious = axe._audit.rules.filter(r => r.impact === 'moderate' || r.impact === 'minor').map(r => [r.id, { enabled: false }]);
              const results = await axe.run(document, { resultTypes: ['violations'], rules: Object.fromEntries(neverSerious) });
              return results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')');
            }
            """);
        return [.. json.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>axe-core's script (tests/FlexiSchooling.BrowserTests/Axe, from npm), read once.</summary>
    public static string AxeScript => AxeSource.Value;

    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Axe", "axe.min.js")));

    protected static string WebProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "FlexiSchooling.Web");
            if (Directory.Exists(Path.Combine(candidate, "wwwroot")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("src/FlexiSchooling.Web not found above the test output.");
    }

    /// <summary>A file the repository ships in deploy/ (the balancer's configuration, keepalived's), as shipped.</summary>
    protected static string DeployFile(string name) => Path.GetFullPath(Path.Combine(WebProjectDirectory(), "..", "..", "deploy", name));

    /// <summary>
    /// Where a program scripts/test installs from Debian is (<paramref name="variable"/> names another), or a failure
    /// that says so.
    /// </summary>
    protected static string Installed(string variable, string path, string package)
    {
        var program = Environment.GetEnvironmentVariable(variable) ?? path;
        return File.Exists(program)
            ? program
            : throw new InvalidOperationException($"{program} is missing: scripts/test installs Debian's {package} ({variable} names another).");
    }
}
