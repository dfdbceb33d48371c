namespace FlexiSchooling.Web.Infrastructure;

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
