using System.Net;
using System.Text.RegularExpressions;
using FlexiSchooling.Data;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Seeding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>The real application (Program) in memory, on its own copy of the demo database.</summary>
public sealed partial class FlexiFactory(string database, bool requireTwoFactor = false, string environment = "Testing") : WebApplicationFactory<Program>
{
    // Every factory is a whole host whose file providers watch wwwroot and the settings files. With inotify, two hundred
    // hosts reached the machine's 128 watcher instances and a page's stylesheet link threw (a 500 at sign-in, in CI only).
    // Polling watches nothing through the kernel; nothing here edits files while a test runs.
    static FlexiFactory() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");

    public string Database { get; } = database;

    // Under the test run's TMPDIR, which scripts/test removes at the end; kept until then so a test can read the logs.
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("flexi-it-").FullName;

    public string LogDirectory => Path.Combine(DataDirectory, "logs");

    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>
    /// The test process's one Chromium for documents, shared by every factory as a server's requests share it (ADR 0040):
    /// each test is a host of its own, and a browser started for each would be most of a letter's cost. A factory given
    /// a Chromium of its own (<c>Documents:Chromium</c>) gets its own printer.
    /// </summary>
    public static ChromiumPrinter Printer { get; } = new("/usr/bin/chromium", NullLogger<ChromiumPrinter>.Instance);

    /// <summary>
    /// The application on a clock of its own, at a time of day in England on a given day: a test that acts "today" on the
    /// template's dates means the same whichever day it runs (README, "Testing").
    /// </summary>
    public static FlexiFactory At(string database, DateOnly day, int hour, int minute) =>
        new(database) { ConfigureServices = services => services.AddSingleton<TimeProvider>(AdjustableTime.AtLondon(day, hour, minute)) };

    /// <summary>Extra configuration, as an operator would set it.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("hostBuilder:reloadConfigOnChange", "false");
        builder.UseSetting("ConnectionStrings:App", TestDatabase.App(Database));
        builder.UseSetting("ConnectionStrings:Owner", TestDatabase.Owner(Database));
        builder.UseSetting("FlexiSchooling:DataDirectory", DataDirectory);
        builder.UseSetting("FlexiSchooling:LogDirectory", LogDirectory);
        builder.UseSetting("Security:RequireTwoFactor", requireTwoFactor ? "true" : "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (!Settings.ContainsKey("Documents:Chromium"))
        {
            builder.ConfigureTestServices(services => services.AddSingleton(Printer));
        }

        if (ConfigureServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    /// <summary>
    /// Each test has its own database, so its pooled connections serve no other test; left idle (Npgsql keeps them five
    /// minutes) two hundred tests' pools filled the cluster's 500 slots. They are closed with the factory: the pools of the
    /// strings as the application uses them (<see cref="ConnectionPool.AsUsed"/>, the requests' siblings', a replica's),
    /// since Npgsql finds a pool by its exact string — until the thirty-seventh session this named the strings as given,
    /// pools the application never used, and its connections were left for their 20 s idle lifetime or the drop's force.
    /// </summary>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            var app = ConnectionPool.AsUsed(Settings.GetValueOrDefault("ConnectionStrings:App") ?? TestDatabase.App(Database));
            var pools = new List<string> { app, ConnectionPool.ForSiblings(app), TestDatabase.Owner(Database) };
            if (Settings.GetValueOrDefault("ConnectionStrings:Read") is { } read)
            {
                pools.Add(ConnectionPool.AsUsed(read));
            }

            foreach (var pool in pools)
            {
                Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(pool));
            }
        }
    }

    public HttpClient NewClient(string host = "localhost") => CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri($"https://{host}"),
        AllowAutoRedirect = false,
        HandleCookies = true,
    });

    /// <summary>A client whose cookies the test can read and copy (a cookie captured from one browser into another).</summary>
    public HttpClient NewClient(CookieContainer cookies) =>
        CreateDefaultClient(new Uri("https://localhost"), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies));

    /// <summary>Signs in through the real login page; returns the client holding the auth cookie.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password = DemoSeeder.DemoPassword, CookieContainer? cookies = null)
    {
        var client = cookies is null ? NewClient() : NewClient(cookies);
        var response = await client.PostFormAsync("/Account/Login", ("Input.Email", email), ("Input.Password", password));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in for {email} answered {(int)response.StatusCode}.");
        }

        return client;
    }

    public static string Email(string role, string slug) => $"{role}@{slug}.{DemoSeeder.EmailDomain}";
}

public static partial class HttpClientForms
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public static string AntiforgeryToken(string html) => TokenPattern().Match(html) is { Success: true } m ? m.Groups[1].Value
        : throw new InvalidOperationException($"The page has no antiforgery token. It said: {Said(html)}");

    // What a page said instead, as text, for a failing test's message.
    private static string Said(string html)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>|\\s+", " ").Trim();
        return text.Length > 600 ? text[..600] : text;
    }

    /// <summary>GETs the form page (for its antiforgery token), then POSTs the fields to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string action, params (string Name, string Value)[] fields) =>
        await client.PostFormAsync(action, action, fields);

    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string formPage, string action, params (string Name, string Value)[] fields)
    {
        var page = await client.GetAsync(formPage);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken(html);
        var content = new FormUrlEncodedContent([.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), new("__RequestVerificationToken", token)]);
        return await client.PostAsync(action, content);
    }

    public static async Task<string> HtmlAsync(this HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
}
