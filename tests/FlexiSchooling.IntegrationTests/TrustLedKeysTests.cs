using FlexiSchooling.IntegrationTests.Infrastructure;
using System.Text.RegularExpressions;
using Npgsql;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Every key of a trust's table led by trust_id (ADR 0032, migration 0038): what a distribution by trust needs
/// (docs/scaling.md), and the database refusing a row that points at another trust's row.
/// </summary>
public sealed class TrustLedKeysTests : IAsyncLifetime
{
    /// <summary>Tables with a trust that stay keyed as they are: reference or coordinator tables on Citus (ADR 0032).</summary>
    private static readonly string[] NotDistributed = ["users", "user_sessions", "invitations", "audit_events"];

    /// <summary>A signing link's token is read before its trust is known: it leads its unique index, which ends with the trust.</summary>
    private const string TokenIndex = "IX_agreement_signature_links_token_hash_trust_id";

    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    [Fact]
    public async Task Every_key_of_a_trust_table_is_led_by_trust_id()
    {
        var distributed = await TestDatabase.ScalarAsync<string[]>(TestDatabase.Super(_db), $"""
            SELECT array_agg(table_name::text ORDER BY table_name) FROM information_schema.columns
             WHERE table_schema = 'public' AND column_name = 'trust_id' AND is_nullable = 'NO'
               AND table_name <> ALL (ARRAY['{string.Join("','", NotDistributed)}'])
            """);
        Assert.Contains("attendance_marks", distributed);
        Assert.Contains("pupils", distributed);

        // Primary keys and unique indexes: the first column (for the token, the last).
        var keys = await RowsAsync($"""
            SELECT c.relname || ' ' || i.relname || ' (' || array_to_string(ARRAY(
                       SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.n ORDER BY k.o), ', ') || ')'
              FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND x.indisunique AND c.relname = ANY(@tables)
            """, distributed);
        Assert.True(keys.Count > distributed.Length, "every distributed table has at least its primary key");
        var notLed = keys.Where(k => !k.Contains(" (trust_id, ", StringComparison.Ordinal) && !k.EndsWith(" (trust_id)", StringComparison.Ordinal)
                                     && !(k.Contains(TokenIndex, StringComparison.Ordinal) && k.EndsWith(", trust_id)", StringComparison.Ordinal)));
        Assert.Empty(notLed);

        // Foreign keys between distributed tables: (trust_id, x_id) to the parent's (trust_id, id).
        var foreignKeys = await RowsAsync("""
            SELECT c.relname || ' ' || pg_get_constraintdef(f.oid)
              FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
             WHERE f.contype = 'f' AND c.relname = ANY(@tables) AND p.relname = ANY(@tables)
            """, distributed);
        Assert.True(foreignKeys.Count >= 40, $"only {foreignKeys.Count} foreign keys between trust tables");
        Assert.DoesNotContain(foreignKeys, f => !Regex.IsMatch(f, @"^\w+ FOREIGN KEY \(trust_id, [\w, ]+\) REFERENCES \w+\(trust_id, [\w, ]+\)"));
    }

    [Fact]
    public async Task The_database_refuses_a_row_that_points_at_another_trusts_row()
    {
        // As the superuser: past the application's checks, its query filters and row-level security alike.
        var trusts = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), "SELECT count(DISTINCT trust_id) FROM arrangements");
        Assert.True(trusts >= 2, "the demo has cases in two trusts");
        var e = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(TestDatabase.Super(_db), """
            UPDATE arrangements a SET pupil_id = (SELECT p.id FROM pupils p WHERE p.trust_id <> a.trust_id LIMIT 1)
             WHERE a.id = (SELECT id FROM arrangements LIMIT 1)
            """));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState);
        Assert.Equal("FK_arrangements_pupils_pupil_id", e.ConstraintName);

        // A mark for another trust's pupil, the register's own table: refused the same way.
        e = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(TestDatabase.Super(_db), """
            INSERT INTO attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, expected_in_school, recorded_at, recorded_by)
            SELECT gen_random_uuid(), s.trust_id, s.id, p.id, DATE '2026-11-23', 'AM', '/', 'Present', true, now(), gen_random_uuid()
              FROM schools s JOIN pupils p ON p.trust_id <> s.trust_id LIMIT 1
            """));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, e.SqlState);
    }

    private async Task<List<string>> RowsAsync(string sql, string[] tables)
    {
        var rows = new List<string>();
        await using var connection = new NpgsqlConnection(TestDatabase.Super(_db));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("tables", tables);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
