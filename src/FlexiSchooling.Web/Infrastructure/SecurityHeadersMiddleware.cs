namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Headers on every response: a strict CSP (no inline script or style, no framing), nosniff,
/// no referrer (one-time links must not leak), and no caching of anything but static files, since
/// almost every page shows pupil data.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (!http.Request.Path.StartsWithSegments("/lib") && !http.Request.Path.StartsWithSegments("/js"))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            return Task.CompletedTask;
        });
        return next(http);
    }

    // Loopback, or a private address such as Docker's bridge gateway when the compose file publishes
    // the port on 127.0.0.1 only (docker-compose.yml).
    private static bool IsLocal(System.Net.IPAddress address)
    {
        if (System.Net.IPAddress.IsLoopback(address))
        {
            return true;
        }

        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var b = v4.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168));
    }
}

/// <summary>
/// Browsers treat http://localhost as a secure context and keep Secure (and __Host-) cookies for
/// it. For the local run only (Security:TreatLoopbackAsSecure), a request that arrived on the
/// loopback interface for "localhost" is marked https, so the same cookie and antiforgery settings
/// as production work without a development certificate. docs/adr/0006.
/// </summary>
public sealed class LoopbackSecureContextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Scheme == "http"
            && http.Connection.RemoteIpAddress is { } remote && IsLocal(remote)
            && string.Equals(http.Request.Host.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            http.Request.Scheme = "https";
        }

        return next(http);
    }

    // Loopback, or a private address such as Docker's bridge gateway when the compose file publishes
    // the port on 127.0.0.1 only (docker-compose.yml).
    private static bool IsLocal(System.Net.IPAddress address)
    {
        if (System.Net.IPAddress.IsLoopback(address))
        {
            return true;
        }

        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var b = v4.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168));
    }
}
