using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// Behind a load balancer that ends TLS (<c>Hosting:BehindProxy</c>, deploy/haproxy.cfg, ADR 0049) the application takes
/// the client's address and scheme from the balancer's <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> — but only on
/// connections from the addresses or networks <c>Hosting:KnownProxies</c> lists. From anywhere else the headers are
/// ignored: a client reaching an instance directly could otherwise name any address (each session records one, and the
/// account's sessions list shows it) and claim https. Only the last address of <c>X-Forwarded-For</c> is taken, the one
/// the balancer itself saw.
/// </summary>
public static class ProxyTrust
{
    /// <summary>The forwarded headers' options, or null when the application is not behind a proxy.</summary>
    /// <exception cref="InvalidOperationException">Behind a proxy with none listed, or with an entry that is neither an address nor a network.</exception>
    public static ForwardedHeadersOptions? Options(IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>("Hosting:BehindProxy"))
        {
            return null;
        }

        var listed = (configuration["Hosting:KnownProxies"] ?? "")
            .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (listed.Length == 0)
        {
            throw new InvalidOperationException(
                "Hosting:BehindProxy is set but Hosting:KnownProxies lists no proxy: name the addresses or networks (10.0.0.0/8) the load balancer connects from, or any client could give its own address and scheme (docs/operations.md).");
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var entry in listed)
        {
            if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else if (!entry.Contains('/') && IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else
            {
                throw new InvalidOperationException(
                    $"Hosting:KnownProxies: \"{entry}\" is neither an address (10.0.0.5) nor a network (10.0.0.0/24) (docs/operations.md).");
            }
        }

        return options;
    }
}
