using System.Net;
using System.Net.Sockets;

namespace FlexiSchooling.Testing;

/// <summary>
/// A TCP port free on the loopback address now, for a process the tests or the benchmark start (the application, an
/// instance behind the balancer, the balancer itself). The kernel picks it; another process could take it before it is
/// used, which on this machine has not happened. Linked into the browser tests, the integration tests and the benchmark.
/// </summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
