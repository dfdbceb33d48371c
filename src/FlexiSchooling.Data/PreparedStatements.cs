using System.Data.Common;
using Npgsql;

namespace FlexiSchooling.Data;

/// <summary>
/// The application's statements prepared on a connection of its own (docs/adr/0033). Npgsql prepares a statement once it
/// has run a few times on a physical connection (its automatic preparation), so PostgreSQL parses and plans the
/// request's reads and writes once per connection instead of on every request — half of PostgreSQL's time on a register
/// page measured here. A connection through PgBouncer in transaction pooling is not the client's: the next transaction
/// may run on another server connection, where the statement was never prepared, so there nothing is prepared.
/// </summary>
public static class PreparedStatements
{
    /// <summary>How many statements each physical connection keeps prepared (the least recently used goes first).</summary>
    public const int PerConnection = 100;

    /// <summary>
    /// The "App" or "Read" connection string as the application uses it: automatic preparation on, unless the string
    /// says otherwise itself (<c>Max Auto Prepare</c>) or marks its connection as a pooler's (<c>No Reset On Close=true</c>,
    /// which a string through PgBouncer carries: ADR 0029). The owner's string is used as given (migrations change the
    /// schema under it).
    /// </summary>
    public static string For(string connectionString)
    {
        // Whether the string names Max Auto Prepare at all (Npgsql's own builder answers 0 for "not given" and "off" alike);
        // No Reset On Close read as Npgsql reads it.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (new[] { "Max Auto Prepare", "MaxAutoPrepare" }.Any(given.ContainsKey) || new NpgsqlConnectionStringBuilder(connectionString).NoResetOnClose)
        {
            return connectionString;
        }

        return $"{connectionString.TrimEnd().TrimEnd(';')};Max Auto Prepare={PerConnection}";
    }
}
