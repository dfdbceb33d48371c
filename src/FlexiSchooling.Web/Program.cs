using FlexiSchooling.Data;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Identity;
using FlexiSchooling.Web.Infrastructure;
using FlexiSchooling.Web.Seeding;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Serilog;

var builder = WebApplication.CreateBuilder(args);
var dataDirectory = builder.Configuration["FlexiSchooling:DataDirectory"] ?? Path.Combine(builder.Environment.ContentRootPath, ".data");
Directory.CreateDirectory(dataDirectory);

var logger = Logging.Create(builder.Configuration, dataDirectory);
builder.Logging.ClearProviders();
builder.Services.AddSerilog(logger, dispose: true);

var appConnection = builder.Configuration.GetConnectionString("App")
    ?? throw new InvalidOperationException("ConnectionStrings:App is not configured (scripts/run sets it for local use).");
// Several hosts (a primary and its standby) are looked at again each second, and a host that answers nothing is given up
// after 5 s (ConnectionPool.ForSeveralHosts, ADR 0052).
var ownerConnection = ConnectionPool.ForSeveralHosts(builder.Configuration.GetConnectionString("Owner")
    ?? throw new InvalidOperationException("ConnectionStrings:Owner is not configured (scripts/run sets it for local use)."));
DatabaseKeyRepository.OpenEarly(ownerConnection); // the key ring is read before the server listens (ADR 0050)

// A forged Host header gets 400 in every environment (issue 14): only the hosts the product answers to pass.
builder.Services.PostConfigure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o => o.AllowedHosts = AllowedHostNames.For(o.AllowedHosts, builder.Configuration));
builder.Services.AddSingleton(StartedAtClock.For(builder.Environment, builder.Configuration));
builder.Services.AddSingleton<EmailLinks>();
// Behind a load balancer, the proxies it connects from (ADR 0049); a setting that cannot be used stops the start here.
var forwardedHeaders = ProxyTrust.Options(builder.Configuration);
// "Read" (optional): a streaming replica for the read-heavy pages, e.g. a multi-host string preferring a standby (ADR 0028).
// A replica further behind than "Replica:MaxLag" (30 s unless set) is passed over for the primary (ADR 0048).
var readConnection = builder.Configuration.GetConnectionString("Read");
var replicaMaxLag = builder.Configuration.GetValue<TimeSpan?>("Replica:MaxLag");
if (replicaMaxLag <= TimeSpan.Zero || ReplicaLagJob.Every(builder.Configuration) <= TimeSpan.Zero)
{
    throw new InvalidOperationException($"Replica:{(replicaMaxLag <= TimeSpan.Zero ? "MaxLag" : "CheckEvery")} must be more than zero (docs/operations.md).");
}

builder.Services.AddFlexiData(appConnection, ownerConnection, readConnection, replicaMaxLag);
if (readConnection is not null)
{
    builder.Services.AddHostedService<ReplicaLagJob>();
}

builder.Services.Configure<SecurityOptions>(builder.Configuration.GetSection("Security"));
builder.Services.PostConfigure<SecurityOptions>(o => o.MailDirectory ??= Path.Combine(dataDirectory, "mail"));
// One key ring for every instance, in the database where only the owner reads it; a data folder's keys from before are
// added to it; encrypted with DataProtection:Certificate where one is given (ADR 0050).
builder.Services.AddDataProtection().SetApplicationName("FlexiSchooling").ProtectKeys(builder.Configuration);
builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
    o.XmlRepository = new DatabaseKeyRepository(ownerConnection, Path.Combine(dataDirectory, "keys"), sp.GetRequiredService<ILogger<DatabaseKeyRepository>>())));
builder.Services.AddFlexiIdentity();
builder.Services.AddScoped<CurrentUser>();
builder.Services.AddScoped<AuditTrail>();
builder.Services.AddScoped<FlexiSchooling.Web.Identity.SessionStore>();
builder.Services.AddScoped<EmailOutbox>();
builder.Services.AddScoped<ImportApplier>();
// Scoped: templates render with the request's services (Razor's view buffers are scoped).
builder.Services.AddScoped<DocumentRenderer>();
// One Chromium for the process's documents, kept running between them (ADR 0040), bounded by the "Documents" settings
// (ADR 0041), which are checked when the application starts.
builder.Services.AddOptions<DocumentsOptions>().Bind(builder.Configuration.GetSection(DocumentsOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<DocumentsOptions>, DocumentsOptions.Validator>();
builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<DocumentsOptions>>().Value.Printer(sp.GetRequiredService<ILogger<ChromiumPrinter>>()));
builder.Services.AddSingleton<IEmailSender, FolderEmailSender>();
builder.Services.AddHostedService<OutboxSender>();
builder.Services.AddSingleton<FlexiSchooling.Web.Identity.PasswordResetRequests>();
builder.Services.AddHostedService<FlexiSchooling.Web.Identity.PasswordResetSender>();
builder.Services.AddSingleton<FlexiSchooling.Web.Privacy.SubjectAccessExporter>();
builder.Services.AddHostedService(s => s.GetRequiredService<FlexiSchooling.Web.Privacy.SubjectAccessExporter>());
builder.Services.AddSingleton<FlexiSchooling.Web.Privacy.RetentionJob>();
builder.Services.AddHostedService(s => s.GetRequiredService<FlexiSchooling.Web.Privacy.RetentionJob>());
// The night's check of the summaries against the marks (ADR 0057); off only where the day's work is timed
// (scripts/benchmark: run at night, it would read every mark mid-measurement).
if (builder.Configuration.GetValue("Attendance:NightlySummaryCheck", true))
{
    builder.Services.AddSingleton<AttendanceSummaryCheckJob>();
    builder.Services.AddHostedService(s => s.GetRequiredService<AttendanceSummaryCheckJob>());
}
builder.Services.AddScoped<IAuthorizationHandler, SchoolPermissionHandler>();
builder.Services.AddScoped<IAuthorizationHandler, TrustPermissionHandler>();
builder.Services.AddSingleton<IAuthorizationHandler, TwoFactorHandler>();
// Validators are stateless: one of each for the process, as the hand-written registration they replace had it.
builder.Services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
builder.Services.AddAuthorizationBuilder()
    // Every page needs a signed-in user who has passed two-factor (unless the demo turned it off).
    .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new TwoFactorRequirement()).Build())
    .AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser())
    .AddPolicy(Policies.TrustAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new TwoFactorRequirement(), new TrustPermissionRequirement(FlexiSchooling.Domain.Security.Permission.ManageTrust)))
    .AddPolicy(Policies.TrustAudit, p => p.RequireAuthenticatedUser().AddRequirements(new TwoFactorRequirement(), new TrustPermissionRequirement(FlexiSchooling.Domain.Security.Permission.ViewAudit)))
    .AddPolicy(Policies.SubjectAccess, p => p.RequireAuthenticatedUser().AddRequirements(new TwoFactorRequirement(), new TrustPermissionRequirement(FlexiSchooling.Domain.Security.Permission.HandleSubjectAccess)));
builder.Services.AddRazorPages(o =>
    {
        o.Conventions.AllowAnonymousToFolder("/Account");
        o.Conventions.AuthorizePage("/Account/SetupAuthenticator", Policies.SignedIn);
        o.Conventions.AuthorizePage("/Account/Sessions", Policies.SignedIn);
        o.Conventions.AuthorizePage("/Account/Confirm", Policies.SignedIn);
        o.Conventions.AuthorizeFolder("/Admin", Policies.TrustAdmin);
        o.Conventions.AuthorizeFolder("/Audit", Policies.TrustAudit);
        o.Conventions.AuthorizeFolder("/Privacy", Policies.SubjectAccess);
        o.Conventions.AllowAnonymousToPage("/Sign"); // the parent's one-time signing link (no account)
        o.Conventions.AllowAnonymousToPage("/Error");
        o.Conventions.AllowAnonymousToPage("/NotFound");
    })
    .AddMvcOptions(o =>
    {
        o.Filters.Add<DomainErrorPageFilter>();
        // FluentValidation validators own the messages about missing input (one message per field, in plain English).
        o.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
        o.ModelBindingMessageProvider.SetAttemptedValueIsInvalidAccessor((value, _) => $"'{value}' is not valid here: check the format");
        o.ModelBindingMessageProvider.SetValueMustBeANumberAccessor(_ => "Enter a number");
        o.ModelBindingMessageProvider.SetValueMustNotBeNullAccessor(_ => "Enter a value");
        o.ModelBindingMessageProvider.SetNonPropertyAttemptedValueIsInvalidAccessor(value => $"'{value}' is not valid here: check the format");
    });
// Each page described on its first request, not all of them before the server listens (ADR 0047).
builder.Services.DescribePagesOnFirstUse();
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "__Host-flexi-af";
    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.HeaderName = "X-CSRF-TOKEN";
});
builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]).AddCheck<ReplicaLagCheck>("replica", tags: ["ready"]);

var app = builder.Build();

// Start-up tasks the run command asks for: migrate (as the owner) and seed the demo trusts once.
if (args.Contains("--migrate") || args.Contains("--migrate-only"))
{
    var added = await app.Services.GetRequiredService<SystemDb>().MigrateAsync();
    DatabaseKeyRepository.MakeFirstKeyIfNone(app.Services);
    app.Logger.LogInformation("Database migrated; {Added} shipped bank holidays added", added);
    if (args.Contains("--migrate-only"))
    {
        return;
    }
}

if (args.Contains("--rebuild-attendance-summaries"))
{
    await using var db = app.Services.GetRequiredService<SystemDb>().Create();
    var rows = await FlexiSchooling.Data.Attendance.AttendanceSummaries.RebuildAllAsync(db);
    app.Logger.LogInformation("Rebuilt {Rows} weekly attendance summaries from the marks", rows);
    return;
}

if (args.Contains("--check-attendance-summaries") || args.Contains("--repair-attendance-summaries"))
{
    // ADR 0056: saves move the summaries rather than count them again, so marks written by hand leave them wrong until
    // counted again. --check says whether they are (the exit code 1 when they are), changing nothing; --repair counts
    // again the figures of the pupils whose differ, as the nightly job does (ADR 0057).
    var clock = app.Services.GetRequiredService<TimeProvider>();
    if (args.Contains("--repair-attendance-summaries"))
    {
        var repaired = await AttendanceSummaryCheckJob.RepairEveryTrustAsync(app.Services.GetRequiredService<SystemDb>(), clock.GetUtcNow(), app.Logger, CancellationToken.None);
        app.Logger.LogInformation("The weekly and yearly figures of {Pupils} pupils in {Trusts} trusts differed from their marks (weeks: {Weeks}, years: {Years}) and were counted again", repaired.Pupils, repaired.Trusts, repaired.Weeks, repaired.Years);
        return;
    }

    await using var db = app.Services.GetRequiredService<SystemDb>().Create();
    var (weeks, years) = await FlexiSchooling.Data.Attendance.AttendanceSummaries.DriftAsync(db, FlexiSchooling.Domain.Common.LondonClock.Today(clock));
    if (weeks + years > 0)
    {
        app.Logger.LogError("The pupils' weekly and yearly figures differ from their marks (weeks: {Weeks}, years: {Years}): run --repair-attendance-summaries", weeks, years);
        Environment.ExitCode = 1;
    }
    else
    {
        app.Logger.LogInformation("The pupils' weeks and years of this academic year and the last equal their marks");
    }

    return;
}

if (args.Contains("--seed-demo"))
{
    var seeded = await DemoSeeder.SeedAsync(app.Services, withRunningCase: true);
    DemoSeeder.PrintLogins(seeded, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value.RequireTwoFactor);
}

if (!app.Services.GetRequiredService<EmailLinks>().Configured && app.Environment.IsProduction())
{
    app.Logger.LogWarning("Hosting:PublicUrl is not set: emailed links (password resets, invitations, signing links) will use each request's Host header, and every Host is answered unless AllowedHosts lists them. Set it to the address people use.");
}

// TLS ends at the load balancer (deploy/haproxy.cfg): its X-Forwarded-For/Proto are taken from the proxies listed only.
if (forwardedHeaders is not null)
{
    app.UseForwardedHeaders(forwardedHeaders);
}

if (builder.Configuration.GetValue<bool>("Security:TreatLoopbackAsSecure"))
{
    app.UseMiddleware<LoopbackSecureContextMiddleware>();
}

// Under everything: if even the error page fails (the database is down), a static page, never exception text.
app.UseMiddleware<LastResortErrorMiddleware>();
app.UseMiddleware<CorrelationIdMiddleware>();
app.UseRequestLogging(logger);
app.UseMiddleware<SecurityHeadersMiddleware>();
// Never a stack trace, in any environment: the generic page shows the correlation id as a reference.
app.UseExceptionHandler("/Error");
app.UseStatusCodePagesWithReExecute("/NotFound", "?code={0}");
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseMiddleware<CurrentUserMiddleware>();
app.UseAuthorization();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
app.MapRazorPages();

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (var address in addresses)
    {
        Console.WriteLine($"FlexiSchooling is running at {address}  (Ctrl+C to stop)");
    }
});

await app.RunAsync();

public partial class Program;
