using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using FlexiSchooling.Testing;

namespace FlexiSchooling.Benchmarks;

/// <summary>
/// HAProxy in front of one instance of the application, configured by the repository's own deploy/haproxy.cfg (ADR 0049),
/// as <c>BalancerJourneyTests</c> starts it: TLS ended here with a certificate made for localhost, the instance reached
/// over kept HTTP/1.1 connections from 127.0.0.2 (the address the instance lists in <c>Hosting:KnownProxies</c>). Its
/// log (a line a request, as the shipped file writes it) goes to a file, as a deployed balancer's goes to the journal, so
/// the cost of writing it is the balancer's own. Its process id lets the benchmark read its CPU from /proc, and a stats
/// socket of its own (a third file, the benchmark's, not the shipped one's) its TLS counters.
/// </summary>
public sealed class Balancer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _work;
    private readonly X509Certificate2 _certificate;

    private readonly string _stats;

    private Balancer(Process process, DirectoryInfo work, X509Certificate2 certificate, Uri address, string stats) =>
        (_process, _work, _certificate, Address, _stats) = (process, work, certificate, address, stats);

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>
    /// Starts HAProxy before <paramref name="instance"/>, with an RSA 2048 certificate (the usual one) or, with
    /// <paramref name="ecdsa"/>, an ECDSA P-256 one, and returns once a request through it is answered.
    /// </summary>
    public static async Task<Balancer> StartAsync(string haproxy, string configuration, Uri instance, bool ecdsa = false)
    {
        var work = Directory.CreateTempSubdirectory("flexi-bench-balancer-");
        var port = LoopbackPort.Free();
        var servers = Path.Combine(work.FullName, "servers.cfg");
        await File.WriteAllTextAsync(servers, $"""
            backend flexi
                source 127.0.0.2
                server web1 127.0.0.1:{instance.Port} check

            """);
        var stats = Path.Combine(work.FullName, "stats.sock");
        var statsFile = Path.Combine(work.FullName, "stats.cfg");
        await File.WriteAllTextAsync(statsFile, $"""
            global
                stats socket {stats} mode 600 level user

            """);
        var (pem, certificate) = LocalhostCertificate.Make(ecdsa);
        var pemFile = Path.Combine(work.FullName, "localhost.pem");
        await File.WriteAllTextAsync(pemFile, pem);
        // Through the shell only to send its output to a file: `exec` leaves HAProxy itself as the process started.
        var info = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" -db -f \"$1\" -f \"$2\" -f \"$3\" >\"$4\" 2>&1", haproxy, configuration, servers, statsFile, Path.Combine(work.FullName, "haproxy.log")])
        {
            UseShellExecute = false,
        };
        info.Environment["FLEXI_LB_BIND"] = $"127.0.0.1:{port}";
        info.Environment["FLEXI_LB_CERT"] = pemFile;
        var balancer = new Balancer(Process.Start(info)!, work, certificate, new Uri($"https://localhost:{port}"), stats);
        using var probe = balancer.Client();
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (balancer._process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                var log = File.ReadAllText(Path.Combine(work.FullName, "haproxy.log"));
                await balancer.DisposeAsync();
                throw new InvalidOperationException($"HAProxy did not pass a request to {instance}: {log}");
            }

            try
            {
                using var response = await probe.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return balancer;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// A client of the balancer that trusts its certificate alone, speaks HTTP/2 as a browser does through it (ALPN), and
    /// keeps its cookies as the benchmark's other clients do. Its connection is kept from request to request, as a
    /// browser keeps it; a client used once and disposed makes a TLS handshake of its own. Without
    /// <paramref name="resumeTls"/> that handshake is a full one, as a browser's first of the day: .NET otherwise resumes
    /// a TLS session this process made before with the same balancer, which costs the balancer less.
    /// </summary>
    public HttpClient Client(bool resumeTls = true)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == _certificate.GetCertHashString(),
                AllowTlsResume = resumeTls,
            },
        };
        return new HttpClient(new LoopbackCookieJar(handler))
        {
            BaseAddress = Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
    }

    /// <summary>
    /// HAProxy's TLS counters so far (<c>show info</c> on its stats socket): the client connections it has taken over TLS,
    /// and its session cache's lookups and misses — a lookup that did not miss is a session resumed.
    /// </summary>
    public async Task<(long Connections, long Resumed)> TlsCountersAsync()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_stats));
        await socket.SendAsync("show info\n"u8.ToArray());
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);
        var fields = (await reader.ReadToEndAsync()).Split('\n').Select(l => l.Split(':', 2)).Where(f => f.Length == 2)
            .ToDictionary(f => f[0].Trim(), f => f[1].Trim());
        long Field(string name) => long.Parse(fields[name], System.Globalization.CultureInfo.InvariantCulture);
        return (Field("CumSslConns"), Field("SslCacheLookups") - Field("SslCacheMisses"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _certificate.Dispose();
        _work.Delete(recursive: true);
    }
}
