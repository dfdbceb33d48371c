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
    // Every port handed out by this process. The kernel may hand the port just released back at once: two calls in a row
    // (an etcd's client and peer ports) once got the same one, and etcd could not listen twice on it (a CI run of the
    // forty-ninth session, PrimaryFailoverTests).
    private static readonly HashSet<int> HandedOut = [];

    public static int Free()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
