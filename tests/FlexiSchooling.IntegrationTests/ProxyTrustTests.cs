using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// ADR 0049: behind a load balancer the client's address and scheme come from its forwarded headers, and only on a
/// connection from a proxy <c>Hosting:KnownProxies</c> lists. (The balancer itself, deploy/haproxy.cfg in front of two
/// instances, is BalancerJourneyTests in the browser tests.)
/// </summary>
public sealed class ProxyTrustTests
{
    private static ForwardedHeadersOptions Options(string knownProxies) =>
        ProxyTrust.Options(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosting:BehindProxy"] = "true",
            ["Hosting:KnownProxies"] = knownProxies,
        }).Build())!;

    /// <summary>A request from <paramref name="from"/> carrying a client's forwarded headers, as the application sees it after them.</summary>
    private static (string? Address, string Scheme) Seen(ForwardedHeadersOptions options, string from)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(from);
        http.Request.Scheme = "http";
        http.Request.Headers["X-Forwarded-For"] = "203.0.113.9, 198.51.100.7";
        http.Request.Headers["X-Forwarded-Proto"] = "https";
        new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, Microsoft.Extensions.Options.Options.Create(options))
            .ApplyForwarders(http);
        return (http.Connection.RemoteIpAddress?.ToString(), http.Request.Scheme);
    }

    [Fact]
    public void Forwarded_headers_are_taken_from_a_listed_proxy_only()
    {
        var options = Options("127.0.0.2, 10.20.0.0/16");

        // From the balancer: the address it saw (the last one; what came before it the client may have written) and https.
        Assert.Equal(("198.51.100.7", "https"), Seen(options, "127.0.0.2"));
        Assert.Equal(("198.51.100.7", "https"), Seen(options, "::ffff:127.0.0.2")); // an instance listening on [::]
        Assert.Equal(("198.51.100.7", "https"), Seen(options, "10.20.3.4"));

        // From anywhere else — a client reaching an instance directly, loopback included — the headers are ignored.
        Assert.Equal(("127.0.0.1", "http"), Seen(options, "127.0.0.1"));
        Assert.Equal(("10.21.0.1", "http"), Seen(options, "10.21.0.1"));
    }

    [Fact]
    public void Forwarded_headers_are_not_read_when_not_behind_a_proxy()
    {
        Assert.Null(ProxyTrust.Options(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosting:KnownProxies"] = "127.0.0.2",
        }).Build()));
    }

    [Theory]
    [InlineData("", "Hosting:BehindProxy is set but Hosting:KnownProxies lists no proxy: name the addresses or networks (10.0.0.0/8) the load balancer connects from, or any client could give its own address and scheme (docs/operations.md).")]
    [InlineData("10.0.0.5, balancer.internal", "Hosting:KnownProxies: \"balancer.internal\" is neither an address (10.0.0.5) nor a network (10.0.0.0/24) (docs/operations.md).")]
    [InlineData("10.0.0.0/33", "Hosting:KnownProxies: \"10.0.0.0/33\" is neither an address (10.0.0.5) nor a network (10.0.0.0/24) (docs/operations.md).")]
    public void Behind_a_proxy_without_a_usable_list_of_proxies_the_start_stops_and_says_why(string knownProxies, string message)
    {
        // Refused before anything connects: the database named is never reached.
        using var factory = new FlexiFactory("t_never_made")
        {
            Settings = new Dictionary<string, string> { ["Hosting:BehindProxy"] = "true", ["Hosting:KnownProxies"] = knownProxies },
        };
        var refused = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
        Assert.Equal(message, refused.Message);
    }
}
