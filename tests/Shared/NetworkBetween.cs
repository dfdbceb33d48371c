using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FlexiSchooling.Testing;

/// <summary>
/// A network between the application and PostgreSQL, on one machine: a TCP relay on the loopback address in front of the
/// database's port that counts the round trips its clients wait for and can hold everything it passes on for a fixed time
/// each way, as a link between two machines does. This kernel has no <c>netem</c> ("Specified qdisc kind is unknown") and
/// no qdisc that delays (no <c>fq</c> for a BPF program's departure times), so the delay is the relay's own.
/// <para>
/// A round trip is counted when the server answers after its client has sent something since its last answer: a batch
/// sent in several writes, or a command pipelined behind another before either is answered, is one; an answer that comes
/// in several reads is one. The connection's start-up (its TLS request, its password exchange) counts as the round trips
/// it is.
/// </para>
/// <para>
/// The delay: each direction of each connection has a thread that reads what arrives, waits until its time has come with
/// <c>clock_nanosleep</c> on the monotonic clock (the stopwatch's own on Linux) with the thread's timer slack at 1 µs, so
/// that a quarter of a millisecond is held as a quarter and not the millisecond a .NET timer would give, and without a
/// core spinning, then writes it on with whatever arrived behind it meanwhile. Its threads share the machine's cores with
/// everything else: the benchmark measures it holding nothing beside the delays (docs/performance.md, forty-fifth
/// session). Linked into the integration tests (the round trips a page and a save make) and the benchmark (the targets
/// across a network).
/// </para>
/// </summary>
public sealed class NetworkBetween : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly ConcurrentDictionary<Socket, bool> _sockets = new();
    private readonly Thread _accepting;
    private long _roundTrips;
    private long _connections;
    private long _delayTicks;
    private volatile bool _stopped;

    private NetworkBetween(IPEndPoint upstream, TimeSpan oneWay)
    {
        if (Stopwatch.Frequency != 1_000_000_000)
        {
            throw new PlatformNotSupportedException("the relay's delay expects the stopwatch in nanoseconds of CLOCK_MONOTONIC (Linux)");
        }

        _upstream = upstream;
        OneWay = oneWay;
        _listener.Start(512);
        _accepting = new Thread(Accept) { IsBackground = true, Name = "relay accept" };
        _accepting.Start();
    }

    /// <summary>Starts a relay to <paramref name="host"/>:<paramref name="port"/>, holding everything <paramref name="oneWay"/> each way.</summary>
    public static NetworkBetween To(string host, int port, TimeSpan oneWay = default) =>
        new(new IPEndPoint(IPAddress.Parse(host), port), oneWay);

    /// <summary>The relay's own port on 127.0.0.1, for a connection string in place of the database's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How long everything is held each way; a round trip is twice it. May be changed between measurements.</summary>
    public TimeSpan OneWay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>Round trips waited for since the relay started or since <see cref="Reset"/>, over all its connections.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Connections made through the relay since it started or since <see cref="Reset"/>.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Starts the counts again from nothing.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _roundTrips, 0);
        Interlocked.Exchange(ref _connections, 0);
    }

    /// <summary>
    /// Replaces the host and port of a connection string with the relay's (a single host), keeping everything else, by
    /// Npgsql's own builder as the benchmark's standby repoints a string (<c>Standby.On</c>).
    /// </summary>
    public string Through(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    private void Accept()
    {
        while (!_stopped)
        {
            Socket client;
            try
            {
                client = _listener.AcceptSocket();
            }
            catch (Exception) when (_stopped)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                server.Connect(_upstream);
            }
            catch (SocketException)
            {
                client.Close();
                server.Dispose();
                continue;
            }

            client.NoDelay = true;
            _sockets[client] = true;
            _sockets[server] = true;
            Interlocked.Increment(ref _connections);
            var link = new Link();
            Direction(client, server, link, fromClient: true);
            Direction(server, client, link, fromClient: false);
        }
    }

    /// <summary>Whether the client has sent anything since the server last answered, shared by a connection's two directions.</summary>
    private sealed class Link
    {
        public int ClientSpoke;
        public int Open = 2;
    }

    private void Direction(Socket from, Socket to, Link link, bool fromClient)
    {
        var thread = new Thread(() =>
        {
            SetTimerSlack();
            var buffer = new byte[256 * 1024];
            var ended = false;
            try
            {
                while (true)
                {
                    var count = from.Receive(buffer);
                    var due = Stopwatch.GetTimestamp() + Interlocked.Read(ref _delayTicks) * 100;
                    if (count == 0)
                    {
                        // The sender closed its side: the receiver is told so, and may still answer the other way.
                        to.Shutdown(SocketShutdown.Send);
                        ended = true;
                        break;
                    }

                    if (fromClient)
                    {
                        Volatile.Write(ref link.ClientSpoke, 1);
                    }
                    else if (Interlocked.Exchange(ref link.ClientSpoke, 0) == 1)
                    {
                        Interlocked.Increment(ref _roundTrips);
                    }

                    // Held until its time, then passed on with whatever came behind it meanwhile: those bytes go up to the
                    // delay early, which for a reply read in several pieces (they come microseconds apart) is nothing.
                    SleepUntil(due);
                    while (count < buffer.Length && from.Available > 0)
                    {
                        count += from.Receive(buffer, count, Math.Min(from.Available, buffer.Length - count), SocketFlags.None);
                    }

                    var sent = 0;
                    while (sent < count)
                    {
                        sent += to.Send(buffer, sent, count - sent, SocketFlags.None);
                    }
                }
            }
            catch (Exception)
            {
                // A reset, or the relay closing: both sockets are closed below, which ends the other direction too.
            }

            if (!ended || Interlocked.Decrement(ref link.Open) == 0)
            {
                Close(from);
                Close(to);
            }
        }) { IsBackground = true, Name = fromClient ? "relay client→server" : "relay server→client" };
        thread.Start();
    }

    private void Close(Socket socket)
    {
        if (_sockets.TryRemove(socket, out _))
        {
            socket.Close();
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _listener.Stop();
        foreach (var socket in _sockets.Keys)
        {
            Close(socket);
        }

        _accepting.Join(TimeSpan.FromSeconds(5));
    }

    // ---- Waiting to the nanosecond on Linux ---------------------------------------------------------------------------

    private const int ClockMonotonic = 1;
    private const int TimerAbsoluteTime = 1;
    private const int PrSetTimerSlack = 29;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport, not LibraryImport: the latter's generated code needs unsafe blocks in every project this file is linked into.
    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    private static extern int ClockNanosleep(int clock, int flags, in TimeSpec until, IntPtr remaining);

    [DllImport("libc", EntryPoint = "prctl")]
    private static extern int Prctl(int option, ulong value, ulong unused2, ulong unused3, ulong unused4);

    /// <summary>A thread's timer slack is 50 µs by default: the kernel may wake it that much late to batch wake-ups.</summary>
    private static void SetTimerSlack() => Prctl(PrSetTimerSlack, 1000, 0, 0, 0);

    private static void SleepUntil(long due)
    {
        if (due <= Stopwatch.GetTimestamp())
        {
            return;
        }

        var until = new TimeSpec { Seconds = due / 1_000_000_000, Nanoseconds = due % 1_000_000_000 };
        // EINTR (a signal) returns early: wait again for the rest.
        while (ClockNanosleep(ClockMonotonic, TimerAbsoluteTime, until, IntPtr.Zero) != 0 && due > Stopwatch.GetTimestamp())
        {
        }
    }
}
