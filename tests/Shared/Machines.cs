using System.Diagnostics;
using System.Net.NetworkInformation;

namespace FlexiSchooling.Testing;

/// <summary>
/// Machines on one kernel, for the tests of what happens past one machine: a bridge stands for the network, with the
/// test's own address on it (<see cref="HostAddress"/>), and each machine is a network namespace joined to it by a veth
/// pair, on a /24 of 10.231.0.0/16 no interface here is on. A machine has its own loopback, so what runs on it reaches
/// itself as a machine does while it is cut off from the rest (<see cref="CutOffAsync"/>). Needs root (scripts/test runs
/// as root, as CI does). Linked into the browser tests (the standby balancers, ADR 0051) and the integration tests (the
/// database machines under Patroni, ADR 0053).
/// </summary>
public sealed class Machines : IAsyncDisposable
{
    private readonly string _tag = "fx" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);
    private readonly string[] _names;
    private bool _made;

    private Machines(string[] names, string subnet) => (_names, Subnet) = (names, subnet);

    /// <summary>The network's first three octets: the host is .1, the machines .2 onwards in the order named.</summary>
    public string Subnet { get; }

    /// <summary>The test's own address on the network (the host's end of the bridge).</summary>
    public string HostAddress => Subnet + ".1";

    /// <summary>Makes the network and a machine for each name, each with its loopback up and its address on eth0.</summary>
    public static async Task<Machines> CreateAsync(params string[] names)
    {
        var used = NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address.ToString()).ToList();
        var third = Enumerable.Range(0, 256).OrderBy(_ => Random.Shared.Next()).First(n => !used.Any(a => a.StartsWith($"10.231.{n}.", StringComparison.Ordinal)));
        var machines = new Machines(names, $"10.231.{third}");
        try
        {
            await machines.MakeAsync();
        }
        catch
        {
            await machines.DisposeAsync();
            throw;
        }

        return machines;
    }

    private async Task MakeAsync()
    {
        _made = true;
        await RunAsync("ip", "link", "add", _tag, "type", "bridge");
        await NoIpv6Async(_tag);
        await RunAsync("ip", "addr", "add", HostAddress + "/24", "dev", _tag);
        await RunAsync("ip", "link", "set", _tag, "up");
        foreach (var name in _names)
        {
            var ns = Namespace(name);
            await RunAsync("ip", "netns", "add", ns);
            await RunAsync("ip", "link", "add", $"{_tag}{name}", "type", "veth", "peer", "name", "eth0", "netns", ns);
            await NoIpv6Async($"{_tag}{name}");
            await RunAsync("ip", "link", "set", $"{_tag}{name}", "master", _tag, "up");
            await RunAsync("ip", "-n", ns, "link", "set", "lo", "up");
            // Not a router, as a Debian machine is not unless told (a namespace here is made forwarding): a balancer
            // that has given an address up drops what is still sent to it, and does not pass it on to the other.
            await RunAsync("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=0");
            await RunAsync("ip", "-n", ns, "addr", "add", Address(name) + "/24", "dev", "eth0");
            await RunAsync("ip", "-n", ns, "link", "set", "eth0", "up");
        }
    }

    // No IPv6 on the host's side of the network: a link that comes up is otherwise given an IPv6 address a second or so
    // later, and a machine's link going down takes it away, each an address change every Chromium on this host hears
    // and answers by failing the pages it is loading (net::ERR_NETWORK_CHANGED: a BalancerSplitTests run failed so at
    // its first page, just after its network was made). The machines' own side is in their namespaces, unheard here.
    private static Task NoIpv6Async(string link) => RunAsync("sysctl", "-qw", $"net.ipv6.conf.{link}.disable_ipv6=1");

    /// <summary>The machine's address on the network.</summary>
    public string Address(string name) => $"{Subnet}.{Array.IndexOf(_names, name) + 2}";

    /// <summary>The machine's network namespace, for <c>ip netns exec</c>.</summary>
    public string Namespace(string name) => $"{_tag}-{name}";

    /// <summary>
    /// The machine cut off from the network, everything on it running on: nothing it sends leaves it and nothing sent to
    /// it arrives (nftables in its namespace, a table of the test's own), as when its network card, its cable or the
    /// switch in front of it fails. It still reaches itself on its loopback.
    /// </summary>
    public Task CutOffAsync(string name) => RunAsync("ip", "netns", "exec", Namespace(name), Nft,
        "add table inet flexi_cut_off; add chain inet flexi_cut_off input { type filter hook input priority 0; policy accept; }; add chain inet flexi_cut_off output { type filter hook output priority 0; policy accept; }; add rule inet flexi_cut_off input iifname eth0 drop; add rule inet flexi_cut_off output oifname eth0 drop");

    /// <summary>The machine cut off by <see cref="CutOffAsync"/> on the network again.</summary>
    public Task JoinAgainAsync(string name) => RunAsync("ip", "netns", "exec", Namespace(name), Nft, "delete table inet flexi_cut_off");

    /// <summary>The machine's link taken down, as a machine that has lost its power leaves the network.</summary>
    public Task LinkDownAsync(string name) => RunAsync("ip", "-n", Namespace(name), "link", "set", "eth0", "down");

    /// <summary>Every process running on the machine (in its namespace).</summary>
    public async Task<string[]> PidsInAsync(string name) =>
        (await RunAsync("ip", "netns", "pids", Namespace(name))).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Every process on the machine killed, listed again until none is left (a check's shell may start meanwhile).</summary>
    public async Task KillEverythingInAsync(string name)
    {
        for (var round = 0; round < 20; round++)
        {
            var pids = await PidsInAsync(name);
            if (pids.Length == 0)
            {
                break;
            }

            _ = await RunCoreAsync("kill", ["-KILL", .. pids]);
            await Task.Delay(50);
        }
    }

    private static string Nft => Environment.GetEnvironmentVariable("FLEXI_NFT") ?? "nft";

    /// <summary>Runs the program, returning its output; throws with its error output when it fails.</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var (code, output, error) = await RunCoreAsync(program, arguments);
        return code == 0
            ? output
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {code} (the machines' network needs root): {error}");
    }

    private static async Task<(int Code, string Output, string Error)> RunCoreAsync(string program, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Every process on each machine killed, the namespaces deleted, and the links and the bridge with them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_made)
        {
            return;
        }

        foreach (var name in _names)
        {
            try
            {
                await KillEverythingInAsync(name);
                await RunAsync("ip", "netns", "del", Namespace(name));
            }
            catch (InvalidOperationException)
            {
                // Not made (the start failed before it): nothing to take away.
            }
        }

        // The host's ends of the machines' links and the bridge. A lost machine's namespace outlives its deletion while
        // its connections cut off by the lost link time out (its veth was seen left a minute later); deleting the host's
        // end takes both ends.
        foreach (var link in _names.Select(n => _tag + n).Append(_tag))
        {
            try
            {
                await RunAsync("ip", "link", "del", link);
            }
            catch (InvalidOperationException)
            {
                // Gone with its namespace already.
            }
        }
    }
}
