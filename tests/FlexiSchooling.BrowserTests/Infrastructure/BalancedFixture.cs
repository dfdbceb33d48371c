using System.Diagnostics;
using System.Text;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Testing;

namespace FlexiSchooling.BrowserTests.Infrastructure;

/// <summary>
/// Two instances of the application, each its own process, behind HAProxy configured by the repository's own
/// deploy/haproxy.cfg (ADR 0049). TLS ends at the balancer (a certificate made here for localhost). The instances share
/// the database and nothing else: each has a data folder of its own, as on machines of their own (the data-protection
/// keys are the database's, ADR 0050). They take forwarded headers from the balancer's address alone: it connects to
/// them from 127.0.0.2, so a request from 127.0.0.1 straight to an instance is not the balancer's.
/// The servers file is this test's: beside the two servers it names which served each response and lets a request ask
/// for one (<see cref="InstanceHeader"/>), so a journey can send a form from one instance to the other on purpose.
/// Debian's <c>haproxy</c>, which scripts/test installs (<c>FLEXI_HAPROXY</c> names another).
/// </summary>
public sealed class BalancedFixture : BrowserFixture
{
    public const string InstanceHeader = "X-Flexi-Instance";
    public const string ServedByHeader = "x-served-by";

    private readonly Dictionary<string, AppServer> _instances = [];
    private readonly Dictionary<string, Dictionary<string, string>> _settings = [];
    private Process? _balancer;
    private readonly StringBuilder _balancerOutput = new();
    private DirectoryInfo? _work;

    // Tuesday 1 December 2026 at 10:00, as DecemberFixture: the journey takes that morning's register.
    protected override DateTimeOffset? ServerClock => new DateTimeOffset(DecemberFixture.Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);

    public AppServer Instance(string name) => _instances[name];

    public string BalancerOutput
    {
        get
        {
            lock (_balancerOutput)
            {
                return _balancerOutput.ToString();
            }
        }
    }

    protected override async Task<string> StartServersAsync()
    {
        var haproxy = Installed("FLEXI_HAPROXY", "/usr/sbin/haproxy", "haproxy");

        var port = LoopbackPort.Free();
        var url = $"https://localhost:{port}";
        _work = Directory.CreateTempSubdirectory("flexi-balanced-");
        var servers = new StringBuilder("""
            backend flexi
                source 127.0.0.2
                use-server a if { req.hdr(x-flexi-instance) -m str a }
                use-server b if { req.hdr(x-flexi-instance) -m str b }
                http-response set-header X-Served-By %s

            """);
        foreach (var name in new[] { "a", "b" })
        {
            var settings = ServerSettings(Directory.CreateDirectory(Path.Combine(_work.FullName, "data-" + name)).FullName);
            settings["Hosting__BehindProxy"] = "true";
            settings["Hosting__KnownProxies"] = "127.0.0.2";
            settings["Hosting__PublicUrl"] = url;
            var instancePort = LoopbackPort.Free();
            _settings[name] = settings;
            // Asked for by "localhost", the one host it answers (its public address's): the readiness check here, and the
            // balancer, which passes the browser's Host on. Its own checks send none, which is answered too.
            _instances[name] = await StartServerAsync($"http://localhost:{instancePort}", settings);
            servers.AppendLine($"    server {name} 127.0.0.1:{instancePort} check");
        }

        var serversFile = Path.Combine(_work.FullName, "servers.cfg");
        await File.WriteAllTextAsync(serversFile, servers.ToString());
        var certificate = Path.Combine(_work.FullName, "localhost.pem");
        await LocalhostCertificate.WriteAsync(certificate);

        var info = new ProcessStartInfo(haproxy, ["-db", "-f", DeployFile("haproxy.cfg"), "-f", serversFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["FLEXI_LB_BIND"] = $"127.0.0.1:{port}";
        info.Environment["FLEXI_LB_CERT"] = certificate;
        _balancer = Process.Start(info)!;
        _balancer.OutputDataReceived += (_, e) => { lock (_balancerOutput) { _balancerOutput.AppendLine(e.Data); } };
        _balancer.ErrorDataReceived += (_, e) => { lock (_balancerOutput) { _balancerOutput.AppendLine(e.Data); } };
        _balancer.BeginOutputReadLine();
        _balancer.BeginErrorReadLine();

        // Ready when each instance answers through it.
        foreach (var name in _instances.Keys)
        {
            await ThroughBalancerAsync(url, name);
        }

        return url;
    }

    /// <summary>Waits until the balancer sends a request asking for <paramref name="name"/> to that instance.</summary>
    private async Task ThroughBalancerAsync(string url, string name)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        async Task<bool> AnswersAsync()
        {
            if (_balancer!.HasExited)
            {
                throw new InvalidOperationException("HAProxy exited:\n" + BalancerOutput);
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url + "/health/ready");
                request.Headers.Add(InstanceHeader, name);
                using var response = await http.SendAsync(request);
                return response.IsSuccessStatusCode && response.Headers.TryGetValues(ServedByHeader, out var by) && by.Single() == name;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        var answers = false;
        await Eventually.WaitAsync(async () => answers = await AnswersAsync(), TimeSpan.FromSeconds(30));
        if (!answers)
        {
            throw new TimeoutException($"Instance {name} did not answer through HAProxy:\n{BalancerOutput}\n{ServerOutput}");
        }
    }

    /// <summary>
    /// The instance's machine replaced: a new process on its address with a new, empty data folder; returns once the
    /// balancer's checks have taken it back and it serves requests again.
    /// </summary>
    public async Task ReplaceAsync(string name)
    {
        await _instances[name].KillAsync();
        var settings = new Dictionary<string, string>(_settings[name])
        {
            ["FlexiSchooling__DataDirectory"] = Directory.CreateDirectory(Path.Combine(_work!.FullName, $"data-{name}-replaced")).FullName,
        };
        _instances[name] = await StartServerAsync(_instances[name].Url, settings);
        await ThroughBalancerAsync(BaseUrl, name);
    }

    public override async Task DisposeAsync()
    {
        if (_balancer is { HasExited: false })
        {
            _balancer.Kill();
            await _balancer.WaitForExitAsync();
        }

        _balancer?.Dispose();
        // The balancer's log (each request: the instance, the retries, the status), kept where CI keeps the tests' logs,
        // and the instances' own beside it.
        var logs = Directory.CreateDirectory(Path.Combine(Environment.GetEnvironmentVariable("FLEXI_ARTIFACTS") ?? Path.GetTempPath(), "test-logs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(logs, "balanced-haproxy.log"), BalancerOutput);
        await File.WriteAllTextAsync(Path.Combine(logs, "balanced-instances.log"), ServerOutput);
        await base.DisposeAsync();
        _work?.Delete(recursive: true);
    }
}
