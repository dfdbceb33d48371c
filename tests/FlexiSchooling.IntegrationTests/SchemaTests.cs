using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlexiSchooling.IntegrationTests;

/// <summary>The hand-written migrations must produce exactly the schema the EF Core model describes (docs/adr/0003).</summary>
public sealed class SchemaTests
{
    [Fact]
    public async Task Migrating_a_new_database_adds_the_shipped_bank_holidays_once()
    {
        // A trust's own database is migrated and never seeded with the demo: its calendars need the bank holidays too.
        var db = await TestDatabase.CreateEmptyAsync();
        await using var dropped = TestDatabase.DroppedAtEnd(db);
        await using var services = TestDatabase.Services(db, pooling: false);
        var shipped = FlexiSchooling.Domain.Calendar.BankHolidayFeed.Shipped();
        Assert.Equal(shipped.Count, await services.GetRequiredService<SystemDb>().MigrateAsync());
        Assert.Equal(0, await services.GetRequiredService<SystemDb>().MigrateAsync());
        Assert.Equal(
            string.Join(",", shipped.Select(b => b.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))),
            await TestDatabase.ScalarAsync<string>(TestDatabase.Super(db), "SELECT string_agg(date::text, ',' ORDER BY date) FROM bank_holidays"));
    }

    [Fact]
    public async Task Migrated_schema_equals_the_model()
    {
        var migrated = await TestDatabase.CreateEmptyAsync();
        var created = await TestDatabase.CreateEmptyAsync();
        await using var droppedMigrated = TestDatabase.DroppedAtEnd(migrated);
        await using var droppedCreated = TestDatabase.DroppedAtEnd(created);
        await using (var services = TestDatabase.Services(migrated, pooling: false))
        await using (var db = services.GetRequiredService<SystemDb>().Create())
        {
            await db.Database.MigrateAsync();
        }

        await using (var services = TestDatabase.Services(created, pooling: false))
        await using (var db = services.GetRequiredService<SystemDb>().Create())
        {
            await db.Database.EnsureCreatedAsync();
        }

        var a = await DescribeAsync(migrated);
        var b = await DescribeAsync(created);
        Assert.True(a.Count > 100, "the schema description is suspiciously small");
        Assert.Equal(b.Except(a).Order(), Array.Empty<string>());
        Assert.Equal(a.Except(b).Order(), Array.Empty<string>());
    }

    [Fact]
    public async Task Migrations_are_all_applied_to_the_template()
    {
        var database = await TestDatabase.CreateAsync();
        await using var dropped = TestDatabase.DroppedAtEnd(database);
        await using var services = TestDatabase.Services(database);
        await using var db = services.GetRequiredService<SystemDb>().Create();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
    }

    /// <summary>Tables, columns (type, nullability, length, identity), constraints and indexes, as comparable lines.</summary>
    private static async Task<HashSet<string>> DescribeAsync(string database)
    {
        const string sql = """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name || ' null=' || is_nullable
                   || ' len=' || coalesce(character_maximum_length::text, '-') || ' identity=' || is_identity || coalesce(' ' || identity_generation, '')
              FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__ef_migrations_history'
            UNION ALL
            SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
              FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
             WHERE n.nspname = 'public' AND rel.relname <> '__ef_migrations_history'
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__ef_migrations_history'
            """;
        var lines = new HashSet<string>();
        await using var connection = new NpgsqlConnection(TestDatabase.Super(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
