using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlexiSchooling.IntegrationTests;

/// <summary>PostgreSQL row-level security behind the EF filters (issue 2, "Tenancy", test 3).</summary>
public sealed class RowLevelSecurityTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        // The demo seeds no one signed in: one session per user, so user_sessions has rows to hide.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), """
            INSERT INTO user_sessions (id, trust_id, user_id, device, started_at, last_seen_at, confirmed_at)
            SELECT gen_random_uuid(), trust_id, id, 'Chrome on Windows', now(), now(), now() FROM users;
            INSERT INTO subject_access_requests (id, trust_id, school_id, pupil_id, requester_name, requester, received_on, due_by, recorded_by, recorded_at, export_status, export_progress, items_for_review)
            SELECT DISTINCT ON (p.trust_id) gen_random_uuid(), p.trust_id, p.school_id, p.id, 'Sam Parent', 'Parent', current_date, current_date + 30, gen_random_uuid(), now(), 'Ready', 100, 0 FROM pupils p;
            INSERT INTO subject_access_bundles (request_id, trust_id, file_name, content, size, created_at)
            SELECT id, trust_id, 'export.zip', 'PK'::bytea, 2, now() FROM subject_access_requests;
            INSERT INTO legal_holds (id, trust_id, pupil_id, reason, placed_by, placed_at)
            SELECT gen_random_uuid(), trust_id, pupil_id, 'A claim', recorded_by, now() FROM subject_access_requests;
            INSERT INTO retention_runs (id, trust_id, as_of, schedule, due, reported_at, status)
            SELECT gen_random_uuid(), id, current_date, 'default', 'nothing', now(), 'Reported' FROM trusts;
            INSERT INTO retention_settings (trust_id, attendance_years, case_file_years, send_case_file_years, audit_years, email_months, updated_by, updated_at)
            SELECT id, 6, 25, 31, 6, 12, gen_random_uuid(), now() FROM trusts;
            INSERT INTO placement_visits (id, trust_id, school_id, arrangement_id, visited_on, visited_by, external_agencies, safeguarding, attendance, behaviour_and_pastoral, curriculum_and_progress, qualifications_and_next_steps, additional_comments, satisfactory, recorded_by, recorded_at)
            SELECT DISTINCT ON (p.trust_id) gen_random_uuid(), p.trust_id, p.school_id, p.arrangement_id, current_date, 'A. Leader', '', 'None', 'Full', 'Settled', 'Good', 'On track', '', true, gen_random_uuid(), now() FROM placements p;
            INSERT INTO provider_reports (id, trust_id, school_id, arrangement_id, date, outcome, detail, channel, received_at, recorded_by, recorded_at)
            SELECT DISTINCT ON (p.trust_id) gen_random_uuid(), p.trust_id, p.school_id, p.arrangement_id, current_date, 'Attended', '', 'Phone', '09:40', gen_random_uuid(), now() FROM placements p;
            """);
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    private async Task<List<string>> TenantTablesAsync()
    {
        await using var services = TestDatabase.Services(_db);
        await using var db = services.GetRequiredService<SystemDb>().Create();
        return [.. AppDbContext.TenantOwnedTypes(db.Model).Select(t => db.Model.FindEntityType(t)!.GetTableName()!)
            .Concat(["user_claims", "user_logins", "user_tokens", "audit_events"]).Distinct()];
    }

    [Fact]
    public async Task Every_tenant_table_has_row_level_security_enabled_and_forced()
    {
        var tables = await TenantTablesAsync();
        Assert.Contains("pupils", tables);
        foreach (var table in tables)
        {
            var state = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db),
                $"SELECT relrowsecurity::text || '/' || relforcerowsecurity::text FROM pg_class WHERE relname = '{table}' AND relkind = 'r'");
            Assert.True(state == "true/true", $"{table}: RLS {state}");
        }

        // And every table that carries a trust column is one of them: no table escapes by being forgotten.
        var withTrust = await TestDatabase.ScalarAsync<string[]>(TestDatabase.Super(_db),
            "SELECT coalesce(array_agg(table_name::text), '{}') FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'trust_id'");
        Assert.Empty(withTrust.Except(tables));
    }

    [Fact]
    public async Task App_role_is_not_owner_and_cannot_bypass_row_level_security()
    {
        Assert.False(await TestDatabase.ScalarAsync<bool>(TestDatabase.Super(_db), "SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = 'flexi_app'"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db),
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = 'flexi_app'"));
        // The app role cannot switch RLS off either.
        var e = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(TestDatabase.App(_db), "ALTER TABLE pupils DISABLE ROW LEVEL SECURITY"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }

    [Fact]
    public async Task With_no_tenant_set_every_tenant_table_returns_no_rows()
    {
        foreach (var table in await TenantTablesAsync())
        {
            Assert.True(await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM {table}") > 0 || table is "user_claims" or "user_logins" or "user_tokens" or "invitations" or "outbox_messages" or "expected_marks" or "register_submissions" or "absence_contacts" or "import_batches" or "flexi_agreements" or "risk_assessments" or "arrangement_reviews" or "agreement_signature_links",
                $"{table} has no rows to hide, so the test would prove nothing");
            Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(TestDatabase.App(_db), $"SELECT count(*) FROM {table}"));
        }
    }

    [Fact]
    public async Task A_pooled_connection_used_for_trust_a_then_trust_b_shows_b_only_b()
    {
        var trusts = await TestDatabase.ScalarAsync<Guid[]>(TestDatabase.Super(_db), "SELECT array_agg(id ORDER BY name) FROM trusts");
        var onePooledConnection = TestDatabase.App(_db) + ";Maximum Pool Size=1";
        var pids = new List<int>();
        foreach (var trust in trusts)
        {
            var options = new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(onePooledConnection).AddInterceptors(new TenantCommandInterceptor(), new TenantTransactionInterceptor()).Options;
            await using var db = AppDbContext.For(options, TenantContext.ForTrust(trust));
            var seen = await db.Pupils.IgnoreQueryFilters().Select(p => p.TrustId).Distinct().ToListAsync();
            Assert.Equal([trust], seen);
            pids.Add(await db.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").SingleAsync());
        }

        Assert.Single(pids.Distinct()); // the same physical connection served both trusts
    }

    [Fact]
    public async Task Audit_trail_is_append_only_for_the_app_role()
    {
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT id FROM trusts LIMIT 1");
        await using var connection = new NpgsqlConnection(TestDatabase.App(_db));
        await connection.OpenAsync();
        await using (var set = new NpgsqlCommand($"SELECT set_config('app.trust_id', '{trust}', false)", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand($"INSERT INTO audit_events (id, trust_id, entity_type, action, occurred_at) VALUES (gen_random_uuid(), '{trust}', 'Test', 'viewed', now())", connection))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        foreach (var sql in new[] { "UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var e = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }

        // Even the owner is stopped by the trigger.
        var owner = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(TestDatabase.Owner(_db), "DELETE FROM audit_events"));
        Assert.Contains("append-only", owner.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attendance_marks_are_never_deleted_and_their_history_never_rewritten()
    {
        // Not by the application role (no grant) ...
        await using var connection = new NpgsqlConnection(TestDatabase.App(_db));
        await connection.OpenAsync();
        foreach (var sql in new[] { "DELETE FROM attendance_marks", "UPDATE attendance_mark_changes SET reason = 'x'", "DELETE FROM attendance_mark_changes" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var e = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }

        // ... and not by the owner either: triggers refuse it (ADR 0012).
        foreach (var sql in new[] { "DELETE FROM attendance_marks", "TRUNCATE attendance_marks CASCADE", "DELETE FROM attendance_mark_changes" })
        {
            var owner = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(TestDatabase.Owner(_db), sql));
            Assert.Equal("P0001", owner.SqlState);
        }

        Assert.True(await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), "SELECT count(*) FROM attendance_marks") > 1000);
    }
}
