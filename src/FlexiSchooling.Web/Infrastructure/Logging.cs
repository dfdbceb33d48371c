using System.Diagnostics;
using FlexiSchooling.Data.Tenancy;
using Serilog;
using Serilog.Context;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace FlexiSchooling.Web.Infrastructure;

public static class Logging
{
    /// <summary>
    /// Console and rolling JSON files. Serilog.AspNetCore is not on our mirror (docs/adr/0002), so
    /// the request line is written by <see cref="RequestLoggingMiddleware"/>. Nothing here logs
    /// query strings, form values or SQL parameters, which is how pupil names stay out of the logs.
    /// </summary>
    public static Serilog.ILogger Create(IConfiguration configuration, string dataDirectory)
    {
        var logDirectory = configuration["FlexiSchooling:LogDirectory"] ?? Path.Combine(dataDirectory, "logs");
        return new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {CorrelationId}{NewLine}{Exception}")
            .WriteTo.File(new JsonFormatter(renderMessage: true), Path.Combine(logDirectory, "flexischooling-.json"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 30)
            .CreateLogger();
    }
}

/// <summary>
/// A correlation id for every request (from a well-formed X-Correlation-ID header, else new), on
/// the response, in every log line and audit row; then one log line per request with status and
/// duration. Path only: never the query string.
/// </summary>
public sealed class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
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
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(http);
        }
        finally
        {
            logger.LogInformation(
                "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms",
                http.Request.Method, http.Request.Path.Value, http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
