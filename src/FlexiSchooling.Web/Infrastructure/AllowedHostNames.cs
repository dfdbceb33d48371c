namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// The host names the product answers to (issue 14, item 6: "a forged Host header gets 400, not 500, in every
/// environment"). ASP.NET Core's host filtering answers 400 to any other; this decides the list when the operator left
/// <c>AllowedHosts</c> at "*": the public address's host (<c>Hosting:PublicUrl</c>) and, for the local run that treats
/// loopback as secure (ADR 0006), <c>localhost</c>. With neither, every host is answered, as before, and the start-up
/// warning about the public address says so.
/// </summary>
public static class AllowedHostNames
{
    public static IList<string> For(IList<string> configured, IConfiguration configuration)
    {
        if (configured.Any(h => h != "*"))
        {
            return configured; // the operator's own list stands
        }

        List<string> hosts = [];
        if (configuration["Hosting:PublicUrl"] is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            hosts.Add(parsed.Host);
        }

        if (configuration.GetValue<bool>("Security:TreatLoopbackAsSecure"))
        {
            hosts.Add("localhost");
        }

        return hosts.Count > 0 ? [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)] : ["*"];
    }
}
