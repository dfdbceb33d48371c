namespace FlexiSchooling.Testing;

/// <summary>
/// The browser's cookie jar for http://localhost: browsers treat localhost as a secure context and keep the application's
/// Secure, __Host- cookies (ADR 0006); .NET's CookieContainer sends them only over https, so a client of the application
/// served on http://localhost keeps them here. One jar per signed-in client; safe for its concurrent requests. Linked
/// into the integration tests (the Docker phase) and the benchmark (the application as a process of its own).
/// </summary>
public sealed class LoopbackCookieJar : DelegatingHandler
{
    private readonly Dictionary<string, string> _cookies = [];

    /// <summary>A jar over a handler that neither keeps cookies nor follows redirects, as the tests and the benchmark want.</summary>
    public LoopbackCookieJar()
        : base(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
    {
    }

    /// <summary>A jar over a handler of the caller's, which must neither keep cookies nor follow redirects.</summary>
    public LoopbackCookieJar(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (_cookies)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
        {
            foreach (var cookie in set)
            {
                var pair = cookie.Split(';', 2)[0].Split('=', 2);
                lock (_cookies)
                {
                    if (pair[1].Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                    {
                        _cookies.Remove(pair[0]);
                    }
                    else
                    {
                        _cookies[pair[0]] = pair[1];
                    }
                }
            }
        }

        return response;
    }
}
