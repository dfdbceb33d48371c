using System.Text.Encodings.Web;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// The last net under the error page (issue 14, item 5: "the local run never shows exception text"). When the error
/// page itself cannot be shown — the database is down and the page's own start-up reads it — the exception would reach
/// ASP.NET Core's developer exception page in the local run, with its stack trace and connection details. Here it is
/// logged and answered with a static page that reads nothing: the same words and reference as the error page.
/// </summary>
public sealed class LastResortErrorMiddleware(RequestDelegate next, ILogger<LastResortErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            logger.LogError(e, "Unhandled, and the error page could not be shown");
            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            await http.Response.WriteAsync($"""
                <!DOCTYPE html>
                <html lang="en-GB"><head><meta charset="utf-8"><title>Sorry, there is a problem with the service</title></head>
                <body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; line-height: 1.4">
                <h1>Sorry, there is a problem with the service</h1>
                <p>Nothing you were saving has been half-saved: try again in a moment.</p>
                <p>If it keeps happening, contact your trust's FlexiSchooling administrator and give them this reference:</p>
                <p><strong>{HtmlEncoder.Default.Encode(http.TraceIdentifier)}</strong></p>
                </body></html>
                """);
        }
    }
}
