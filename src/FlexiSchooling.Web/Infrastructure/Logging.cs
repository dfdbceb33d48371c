using FlexiSchooling.Data.Tenancy;
using Serilog;
using Serilog.Context;
using Serilog.Formatting.Compact;

namespace FlexiSchooling.Web.Infrastructure;

public static class Logging
{
    /// <summary>
    /// Levels from the "Serilog" section of appsettings (Serilog.Settings.Configuration); console and rolling compact JSON
    /// files, whose folder is the data directory's. The request line is Serilog.AspNetCore's (<see cref="UseRequestLogging"/>).
    /// Nothing here logs query strings, form values or SQL parameters, which is how pupil names stay out of the logs.
    /// </summary>
    public static Serilog.ILogger Create(IConfiguration configuration, string dataDirectory)
    {
        var logDirectory = configuration["FlexiSchooling:LogDirectory"] ?? Path.Combine(dataDirectory, "logs");
        return new LoggerConfiguration()
            // The sinks' assemblies named, not found by scanning every assembly the application loads: the scan was
            // the slowest step of building the logger when the server starts (issue 15, cold start).
            .ReadFrom.Configuration(configuration, new Serilog.Settings.Configuration.ConfigurationReaderOptions(
                typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(FileLoggerConfigurationExtensions).Assembly))
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {CorrelationId}{NewLine}{Exception}")
            .WriteTo.File(new RenderedCompactJsonFormatter(), Path.Combine(logDirectory, "flexischooling-.json"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 30)
            .CreateLogger();
    }

    /// <summary>
    /// One line per request: method, path (never the query string: Serilog.AspNetCore leaves it out unless asked),
    /// status and duration, with the correlation id (from the log context) and the trust and user it ran for.
    /// </summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app, Serilog.ILogger logger) => app.UseSerilogRequestLogging(o =>
    {
        o.Logger = logger; // the application's logger, not Serilog's static one (never set here: tests run many hosts)
        o.MessageTemplate = "HTTP {RequestMethod:l} {RequestPath:l} responded {StatusCode} in {Elapsed:0.0} ms";
        o.IncludeQueryInRequestPath = false;
        o.EnrichDiagnosticContext = (diagnostics, http) =>
        {
            var tenant = http.RequestServices.GetRequiredService<TenantContext>();
            if (tenant.HasTrust)
            {
                diagnostics.Set("TrustId", tenant.TrustId);
            }

            if (tenant.UserId is { } user)
            {
                diagnostics.Set("UserId", user);
            }
        };
    });
}

/// <summary>
/// A correlation id for every request (from a well-formed X-Correlation-ID header, else new), on the response, in
/// every log line (the log context) and every audit row (the tenant context).
/// </summary>
public sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Correlation-ID";

    public async Task InvokeAsync(HttpContext http, TenantContext tenant)
    {
        var incoming = http.Request.Headers[Header].ToString();
        var correlationId = incoming.Length is > 0 and <= 64 && incoming.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? incoming
            : Guid.NewGuid().ToString("N");
        http.TraceIdentifier = correlationId;
        tenant.CorrelationId = correlationId;
        // On starting, so the header survives the exception handler clearing the response.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[Header] = correlationId;
            return Task.CompletedTask;
        });
        using var _ = LogContext.PushProperty("CorrelationId", correlationId);
        await next(http);
    }
}
