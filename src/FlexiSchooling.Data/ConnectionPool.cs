using System.Data.Common;

namespace FlexiSchooling.Data;

/// <summary>
/// How many connections to PostgreSQL one instance of the application keeps at most (docs/adr/0046). Npgsql's own default
/// is a hundred; the application holds its connection for the whole request, so a burst of requests became as many
/// PostgreSQL processes contending for the same cores — on two cores, 32 officers saving at once took 2.1–2.3 s for a
/// small trust's 72 registers where six connections took 0.6 s (docs/performance.md, thirty-first session). Beyond that
/// bound a request waits its turn for a connection inside the application (up to Npgsql's <c>Timeout</c>, 15 s; 5 s for a
/// string naming several hosts, <see cref="SeveralHostsTimeoutSeconds"/>).
/// </summary>
public static class ConnectionPool
{
    /// <summary>
    /// The bound when the connection string names none: the machine's cores and two. PostgreSQL's rule of thumb (twice a
    /// server's cores, and its disks) is for a database with its cores to itself; here the application's own work runs on
    /// them too, and the benchmark found fewer faster on two cores: the bound at 6 beat 10 and a hundred, 4 beat 6, and 3
    /// was no better than 4 at a trust's full scale; on one core, 3 beat 4, and beat 2 as a server of its own
    /// (docs/performance.md, thirty-first to thirty-fourth sessions). It is this machine's cores, which are the database's
    /// when both run on one machine (the README's two commands, docker-compose); an operator whose database has cores of
    /// its own names <c>Maximum Pool Size</c> in the string (docs/operations.md).
    /// </summary>
    public static int DefaultSize => Environment.ProcessorCount + 2;

    /// <summary>
    /// The "App" or "Read" string as the application connects with it: its statements prepared (<see cref="PreparedStatements.For"/>)
    /// and its pool bounded. Npgsql finds a pool by its exact string, so this is also the name of the application's pool
    /// for that string (the tests close a host's pools by it when the host ends).
    /// </summary>
    public static string AsUsed(string connectionString) => ForSeveralHosts(Bounded(PreparedStatements.For(connectionString)));

    /// <summary>
    /// How often, in seconds, a string naming several hosts has each one's state (primary or standby, up or not) looked at
    /// again, unless the string names its own: once a second. Npgsql remembers what it last found for ten seconds by
    /// default, so when the primary was lost and its standby promoted, a string asking for the primary still took the
    /// promoted one for a standby: ten seconds of failed saves (46 in PrimaryFailoverTests before this; two or three since,
    /// about one for each connection the pool held to the lost primary). The look is one query on a new connection, at
    /// most once a second a host (ADR 0052).
    /// </summary>
    public const int HostRecheckSeconds = 1;

    /// <summary>
    /// How long, in seconds, a string naming several hosts waits for a host to answer a new connection, unless the string
    /// names its own: five, not Npgsql's fifteen. A machine that vanishes (its power or its network gone) answers nothing,
    /// and a query already sent to it failed only after Npgsql's command timeout (30 s) and two of these waits; a new
    /// connection tries the hosts in the order named, so may wait this long for it again until the string stops naming
    /// it. The primary's machine vanishing, its standby promoted ten seconds later: the next save went through 60.4 s
    /// after the loss with fifteen, 40.4 s with five (PrimaryFailoverTests, ADR 0052). Npgsql bounds a request's wait for
    /// one of the pool's connections by the same setting; at the register session's busiest (32 officers at once, four
    /// connections) a save answered in under a second at its 95th percentile, and a benchmark run with these settings
    /// saved every register (docs/performance.md), so five leaves that wait room. A string naming one host keeps Npgsql's
    /// fifteen: it has nowhere else to go.
    /// </summary>
    public const int SeveralHostsTimeoutSeconds = 5;

    /// <summary>
    /// The string with <see cref="HostRecheckSeconds"/> and <see cref="SeveralHostsTimeoutSeconds"/> when it names several
    /// hosts, each unless the string names its own; a string naming one host is left as given.
    /// </summary>
    public static string ForSeveralHosts(string connectionString)
    {
        var given = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (given.Host is not { } hosts || !hosts.Contains(',', StringComparison.Ordinal))
        {
            return connectionString;
        }

        // Npgsql writes each setting under one name, whichever of its names the string used.
        var named = new DbConnectionStringBuilder { ConnectionString = given.ConnectionString };
        var result = connectionString.TrimEnd().TrimEnd(';');
        if (!named.ContainsKey("Host Recheck Seconds"))
        {
            result += $";Host Recheck Seconds={HostRecheckSeconds}";
        }

        if (!named.ContainsKey("Timeout"))
        {
            result += $";Timeout={SeveralHostsTimeoutSeconds}";
        }

        return result;
    }

    /// <summary>The "App" or "Read" connection string with its pool bounded, unless the string names a bound itself.</summary>
    public static string Bounded(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (new[] { "Maximum Pool Size", "MaxPoolSize" }.Any(given.ContainsKey))
        {
            return connectionString;
        }

        return $"{connectionString.TrimEnd().TrimEnd(';')};Maximum Pool Size={DefaultSize}";
    }

    /// <summary>
    /// The string for a request's reads run beside its own (<see cref="AppDbContext.Sibling"/>: the dashboard's): the same
    /// database, role and bound under another application name, which makes it a pool of its own. A request holds its own
    /// connection open while it waits for its siblings'; from the same bounded pool, as many requests as the bound would each
    /// hold one and wait for another that none gives back. A sibling holds nothing while it waits, so its pool only queues.
    /// </summary>
    public static string ForSiblings(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        builder.ApplicationName = $"{builder.ApplicationName ?? "FlexiSchooling"} (reads beside a request)";
        return builder.ConnectionString;
    }
}
