using System.Diagnostics;
using System.Text;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Testing;

namespace FlexiSchooling.BrowserTests.Infrastructure;

/// <summary>
/// Two load balancers, one the other's standby, each on a machine of its own: HAProxy with deploy/haproxy.cfg and
/// keepalived with deploy/keepalived.conf, as written (ADR 0051). Each "machine" is a network namespace joined to a
/// bridge that stands for the network; the browser, the test and the application's instance are on the bridge's own
/// address. The address the browser uses is the virtual address the two balancers' keepalived hand between them (VRRP).
/// Each balancer names itself in an <c>X-Balancer</c> response header (its servers file is this test's), so the test
/// knows which served a page. Needs root (namespaces, a bridge) and Debian's <c>haproxy</c>, <c>keepalived</c> and
/// <c>nftables</c>, which scripts/test installs (<c>FLEXI_HAPROXY</c>, <c>FLEXI_KEEPALIVED</c>, <c>FLEXI_NFT</c> name others).
/// </summary>
public sealed class StandbyFixture : BrowserFixture
{
    /// <summary>
    /// The collection of the tests that use this fixture, run on their own after every other browser test: making and
    /// deleting their network adds and takes away an address on this host, and every Chromium here fails the pages it is
    /// loading on such a change (<c>net::ERR_NETWORK_CHANGED</c>: <c>BalancerJourneyTests</c> failed so in a CI run while
    /// a balancer test's network went, and a balancer test at its first page while its IPv6 address came; ADR 0051).
    /// </summary>
    public const string Collection = "Tests that make networks";

    public const string BalancerHeader = "x-balancer";
    private static readonly string[] Names = ["a", "b"];

    private string _haproxy = "";
    private string _keepalived = "";
    private string _nft = "";
    private readonly string _tag = "fx" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);
    private readonly Dictionary<string, Process> _balancers = [];
    private readonly Dictionary<string, Process> _keepaliveds = [];
    private readonly StringBuilder _output = new();
    private Machines? _machines;
    private string _certificate = "";
    private DirectoryInfo? _work;

    /// <summary>The Ashby attendance officer signs in through the virtual address and opens that morning's Year 3 A register.</summary>
    public static async Task OpenRegisterAsOfficerAsync(Microsoft.Playwright.IPage page)
    {
        await SignInSettingUpTwoFactorAsync(page, $"attendance@ashby.{FlexiSchooling.Web.Seeding.DemoSeeder.EmailDomain}");
        await Menu(page, "Registers").ClickAsync();
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Year 3 A", Exact = true }).ClickAsync();
    }

    /// <summary>Starts noting which balancer served each page <paramref name="page"/> loads.</summary>
    public static ServedBy Watch(Microsoft.Playwright.IPage page) => new(page);

    /// <summary>Which balancer served each page, in order: its <c>X-Balancer</c> header, or "none" for a page without one.</summary>
    public sealed class ServedBy
    {
        private readonly List<string> _pages = [];

        internal ServedBy(Microsoft.Playwright.IPage page) => page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document")
            {
                lock (_pages)
                {
                    _pages.Add(response.Headers.TryGetValue(BalancerHeader, out var by) ? by : "none");
                }
            }
        };

        /// <summary>Every page so far.</summary>
        public IReadOnlyList<string> Pages
        {
            get
            {
                lock (_pages)
                {
                    return [.. _pages];
                }
            }
        }

        /// <summary>The balancer that served the last page.</summary>
        public string Last => Pages[^1];
    }

    /// <summary>Why the standby's tests cannot run here, or null: their network needs root, as CI runs the tests.</summary>
    public static string? CannotRun => Environment.IsPrivilegedProcess
        ? null
        : "Needs root for the balancers' network namespaces and bridge: run scripts/test as root, as CI does (ADR 0051).";

    // Nothing is started where the test is skipped (xunit makes a class's fixture even when its tests are skipped).
    public override Task InitializeAsync() => CannotRun is null ? base.InitializeAsync() : Task.CompletedTask;

    // Tuesday 1 December 2026 at 10:00, as DecemberFixture: the journey takes that morning's register.
    protected override DateTimeOffset? ServerClock => new DateTimeOffset(DecemberFixture.Today.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);

    /// <summary>The browser's, the test's and the instance's address, as the balancers see it.</summary>
    public string ClientAddress => _machines!.HostAddress;

    /// <summary>What the balancers and their keepalived wrote, each line under its name.</summary>
    public string BalancersOutput
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private string Namespace(string name) => _machines!.Namespace(name);

    private string Address(string name) => _machines!.Address(name);

    private string VirtualAddress => _machines!.Subnet + ".10";

    protected override async Task<string> StartServersAsync()
    {
        _haproxy = Installed("FLEXI_HAPROXY", "/usr/sbin/haproxy", "haproxy");
        _keepalived = Installed("FLEXI_KEEPALIVED", "/usr/sbin/keepalived", "keepalived");
        _nft = Installed("FLEXI_NFT", "/usr/sbin/nft", "nftables");

        _work = Directory.CreateTempSubdirectory("flexi-standby-");
        // A machine for each balancer (tests/Shared/Machines.cs): a network namespace on a bridge for the network.
        _machines = await Machines.CreateAsync(Names);

        // The instance, on the network's side of the host: it takes forwarded headers from the two balancers only, and
        // answers the virtual address (the public one) and its own (its readiness check).
        var settings = ServerSettings(Directory.CreateDirectory(Path.Combine(_work.FullName, "data")).FullName);
        settings["Hosting__BehindProxy"] = "true";
        settings["Hosting__KnownProxies"] = $"{Address("a")},{Address("b")}";
        settings["Hosting__PublicUrl"] = $"https://{VirtualAddress}";
        settings["AllowedHosts"] = $"{VirtualAddress};{ClientAddress}";
        var instance = await StartServerAsync($"http://{ClientAddress}:{LoopbackPort.Free()}", settings);

        _certificate = Path.Combine(_work.FullName, "balancer.pem");
        await LocalhostCertificate.WriteAsync(_certificate);
        foreach (var name in Names)
        {
            await File.WriteAllTextAsync(ServersFile(name), $"""
                backend flexi
                    http-response set-header X-Balancer {name}
                    server web1 {new Uri(instance.Url).Authority} check

                """);
            await File.WriteAllTextAsync(KeepalivedFile(name), $"""
                $FLEXI_INTERFACE=eth0
                $FLEXI_ADDRESS={Address(name)}
                $FLEXI_PEER={Address(name == "a" ? "b" : "a")}
                $FLEXI_PRIORITY={(name == "a" ? 150 : 100)}
                $FLEXI_ROUTER_ID=51
                $FLEXI_VIRTUAL_ADDRESS={VirtualAddress}/24 dev eth0
                $FLEXI_HAPROXY_PIDFILE={PidFile(name)}
                include {DeployFile("keepalived.conf")}

                """);
            StartBalancer(name);
        }

        // The pair brought up one after the other, as an operator brings up a balancer and then its standby. Started at
        // once, whichever passed its check first held the address and, with nopreempt, kept it: a's keepalived once
        // checked before a's HAProxy had written its pid file, and b took the address. Each HAProxy is running first.
        var running = false;
        await Eventually.WaitAsync(() => Task.FromResult(running = Names.All(n => File.Exists(PidFile(n)))), TimeSpan.FromSeconds(30));
        if (!running)
        {
            throw new TimeoutException($"HAProxy did not start on both balancers:\n{BalancersOutput}");
        }

        StartKeepalived("a");
        await WaitUntilActiveAsync("a", TimeSpan.FromSeconds(60));
        StartKeepalived("b");
        var standing = false;
        await Eventually.WaitAsync(() => Task.FromResult(standing = Entered("b", "BACKUP")), TimeSpan.FromSeconds(30));
        return standing ? $"https://{VirtualAddress}" : throw new TimeoutException($"b did not become the standby:\n{BalancersOutput}");
    }

    private string ServersFile(string name) => Path.Combine(_work!.FullName, $"servers-{name}.cfg");

    private string KeepalivedFile(string name) => Path.Combine(_work!.FullName, $"keepalived-{name}.conf");

    private string PidFile(string name) => Path.Combine(_work!.FullName, $"haproxy-{name}.pid");

    private void StartBalancer(string name)
    {
        // Master and worker, with the pid file keepalived's check reads, as Debian's haproxy service runs it (-Ws).
        _balancers[name] = StartIn(name, _haproxy, ["-W", "-db", "-p", PidFile(name), "-f", DeployFile("haproxy.cfg"), "-f", ServersFile(name)],
            new() { ["FLEXI_LB_BIND"] = ":443", ["FLEXI_LB_CERT"] = _certificate });
    }

    private void StartKeepalived(string name)
    {
        var state = Path.Combine(_work!.FullName, "keepalived-" + name);
        _keepaliveds[name] = StartIn(name, _keepalived,
            ["--dont-fork", "--log-console", "--log-detail", "--use-file", KeepalivedFile(name), "--pid", state + ".pid", "--vrrp_pid", state + "-vrrp.pid", "--checkers_pid", state + "-checkers.pid"]);
    }

    private Process StartIn(string name, string program, IEnumerable<string> arguments, Dictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("ip", ["netns", "exec", Namespace(name), program, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        var label = $"{name} {Path.GetFileName(program)}: ";
        process.OutputDataReceived += (_, e) => Append(label, e.Data);
        process.ErrorDataReceived += (_, e) => Append(label, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Append(string label, string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Append(label).AppendLine(line);
            }
        }
    }

    /// <summary>The balancer that answers the virtual address now, or null when none does.</summary>
    public Task<string?> ActiveAsync() => AnsweredByAsync(VirtualAddress);

    /// <summary>
    /// The balancer that answers at <paramref name="name"/>'s own address (not the virtual one), asked for the public
    /// name as a browser's request is, or null when it does not answer.
    /// </summary>
    public Task<string?> AnswersAtOwnAddressAsync(string name) => AnsweredByAsync(Address(name));

    private async Task<string?> AnsweredByAsync(string address)
    {
        // A new connection each time, as a browser's first request after its old one was cut; straight to the address,
        // never through a proxy the environment names.
        using var http = new HttpClient(new HttpClientHandler { UseProxy = false, ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{address}/health/live");
        request.Headers.Host = VirtualAddress;
        try
        {
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode && response.Headers.TryGetValues(BalancerHeader, out var by) ? by.Single() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="name"/> answers the virtual address; returns how long that took.</summary>
    public async Task<TimeSpan> WaitUntilActiveAsync(string name, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        var active = false;
        await Eventually.WaitAsync(async () => active = await ActiveAsync() == name, within);
        return active ? watch.Elapsed : throw new TimeoutException($"Balancer {name} did not take the virtual address within {within}:\n{BalancersOutput}");
    }

    /// <summary>
    /// The balancer's HAProxy fails as a crash fails it: its worker is killed, and its master, as HAProxy's master does
    /// when a worker dies unasked (exit-on-failure), ends and exits. Its machine and its keepalived run on.
    /// </summary>
    public async Task FailBalancerAsync(string name)
    {
        var master = _balancers[name];
        var workers = (await File.ReadAllTextAsync($"/proc/{master.Id}/task/{master.Id}/children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (workers.Length == 0)
        {
            throw new InvalidOperationException($"HAProxy's master on {name} has no worker to kill:\n{BalancersOutput}");
        }

        await RunAsync("kill", ["-KILL", .. workers]);
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await master.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"HAProxy's master on {name} did not exit when its worker was killed:\n{BalancersOutput}");
        }
    }

    /// <summary>The balancer's HAProxy started again, as its service restarts it.</summary>
    public void RestartBalancer(string name) => StartBalancer(name);

    /// <summary>
    /// Another program's pid in the balancer's HAProxy pid file, as when the number an HAProxy killed was running as is
    /// used again: a process that is running and is not HAProxy. The caller stops it.
    /// </summary>
    public async Task<Process> NamePidOfAnotherProgramAsync(string name)
    {
        var other = Process.Start(new ProcessStartInfo("sleep", ["120"]) { UseShellExecute = false })!;
        await File.WriteAllTextAsync(PidFile(name), other.Id + "\n");
        return other;
    }

    /// <summary>
    /// The network between the two balancers fails for their advertisements alone: each drops the other's (VRRP), and
    /// both still answer browsers and reach the instance. The standby hears nothing and takes the address as well.
    /// </summary>
    public async Task SplitAsync()
    {
        foreach (var name in Names)
        {
            await RunAsync("ip", "netns", "exec", Namespace(name), _nft,
                "add table inet flexi_split; add chain inet flexi_split input { type filter hook input priority 0; policy accept; }; add rule inet flexi_split input ip protocol vrrp drop");
        }
    }

    /// <summary>
    /// keepalived on the balancer's machine killed outright, every process of it at once (as when its service's processes
    /// are killed together): nothing of it takes the address away or tells the other. HAProxy runs on. Each is stopped
    /// before any is killed: killed one after the other, keepalived once shut down cleanly first (the address taken away,
    /// the other told), most likely its VRRP process told by its parent's death before its own kill reached it.
    /// </summary>
    public async Task KillKeepalivedAsync(string name)
    {
        var pids = (await PidsInAsync(name))
            .Where(pid => File.Exists($"/proc/{pid}/comm") && File.ReadAllText($"/proc/{pid}/comm").Trim() == "keepalived")
            .ToArray();
        await RunAsync("kill", ["-STOP", .. pids]);
        await RunAsync("kill", ["-KILL", .. pids]);
        await _keepaliveds[name].WaitForExitAsync();
    }

    /// <summary>keepalived started again on the balancer's machine, as its service manager restarts it (deploy/keepalived-restart.conf).</summary>
    public void RestartKeepalived(string name) => StartKeepalived(name);

    /// <summary>The split mended on <paramref name="name"/>'s side: it hears the other's advertisements again.</summary>
    public Task HealAsync(string name) => RunAsync("ip", "netns", "exec", Namespace(name), _nft, "delete table inet flexi_split");

    /// <summary>Whether the virtual address is on the balancer's machine's interface (keepalived has put it there).</summary>
    public async Task<bool> HoldsAddressAsync(string name) =>
        (await RunAsync("ip", "-n", Namespace(name), "-o", "addr", "show", "dev", "eth0")).Contains($" {VirtualAddress}/", StringComparison.Ordinal);

    /// <summary>Whether keepalived on <paramref name="name"/> has said it entered <paramref name="state"/> (BACKUP, MASTER, FAULT) since the output's <paramref name="from"/>th character.</summary>
    public bool Entered(string name, string state, int from = 0) =>
        BalancersOutput[from..].Split('\n').Any(l => l.StartsWith($"{name} keepalived: ", StringComparison.Ordinal) && l.Contains($"Entering {state} STATE", StringComparison.Ordinal));

    /// <summary>
    /// The balancer's machine lost: off the network first (so nothing it does as it goes reaches the other), then every
    /// process on it killed. The other hears no advertisement and takes the address after three seconds or so.
    /// </summary>
    public async Task LoseMachineAsync(string name)
    {
        await _machines!.LinkDownAsync(name);
        await KillEverythingInAsync(name);
    }

    private async Task KillEverythingInAsync(string name)
    {
        await _machines!.KillEverythingInAsync(name);
        foreach (var process in new[] { _balancers.GetValueOrDefault(name), _keepaliveds.GetValueOrDefault(name) }.OfType<Process>())
        {
            await process.WaitForExitAsync();
        }
    }

    // Every process running in the balancer's machine (its namespace).
    private Task<string[]> PidsInAsync(string name) => _machines!.PidsInAsync(name);

    private static Task<string> RunAsync(string program, params string[] arguments) => Machines.RunAsync(program, arguments);

    public override async Task DisposeAsync()
    {
        if (CannotRun is not null)
        {
            return;
        }

        if (_machines is not null)
        {
            await _machines.DisposeAsync();
        }

        foreach (var process in _balancers.Values.Concat(_keepaliveds.Values))
        {
            process.Dispose();
        }

        // Each balancer's log and its keepalived's state changes, kept where CI keeps the tests' logs.
        var logs = Directory.CreateDirectory(Path.Combine(Environment.GetEnvironmentVariable("FLEXI_ARTIFACTS") ?? Path.GetTempPath(), "test-logs")).FullName;
        // Named by the fixture's network: two test classes use this fixture, each its own.
        await File.WriteAllTextAsync(Path.Combine(logs, $"standby-balancers-{_tag}.log"), BalancersOutput);
        await File.WriteAllTextAsync(Path.Combine(logs, $"standby-instance-{_tag}.log"), ServerOutput);
        await base.DisposeAsync();
        _work?.Delete(recursive: true);
    }
}

/// <summary>xunit's definition of <see cref="StandbyFixture.Collection"/>: run with no other test beside it.</summary>
[CollectionDefinition(StandbyFixture.Collection, DisableParallelization = true)]
public sealed class NetworkMakingTests;
