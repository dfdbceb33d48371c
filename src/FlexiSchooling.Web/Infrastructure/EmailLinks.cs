namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// The absolute address put in an email (password reset, invitation, the parent's signing link). With
/// <c>Hosting:PublicUrl</c> set — as it must be in production — links always point there, whatever Host header a
/// request carried: otherwise anyone could ask for a password reset with a forged Host and have the victim's
/// one-time token emailed inside a link to their own site. Without it (a local run on loopback), the request's
/// own scheme and host are used.
/// </summary>
public sealed class EmailLinks(IConfiguration configuration)
{
    // Validated as an absolute http(s) address at start-up; kept as text so escaped query values stay escaped.
    private readonly string? _publicUrl = configuration["Hosting:PublicUrl"] is { Length: > 0 } url
        ? (Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http"
            ? url.TrimEnd('/')
            : throw new InvalidOperationException($"Hosting:PublicUrl must be an absolute http(s) address, not '{url}'."))
        : null;

    public bool Configured => _publicUrl is not null;

    public string For(HttpRequest request, string pathAndQuery) => $"{BaseFor(request)}/{pathAndQuery.TrimStart('/')}";

    /// <summary>Where links start: the public address, or (locally) the request's own.</summary>
    public string BaseFor(HttpRequest request) => _publicUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
}
