using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>Issue 14, "Retention": the daily report, the confirmed removal, legal holds, and the guarantees kept.</summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private string _db = "";
    private static readonly string Admin = FlexiFactory.Email("trustadmin", "northfield");

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    private Task<long> CountAsync(string sql) => TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), sql);

    [Fact]
    public async Task Retention_report_of_the_day_is_made_once_when_two_instances_jobs_run_at_once()
    {
        // Instances started together run their first pass together (a minute after start): each found no report for the day
        // and made one, the later superseding the earlier. Two jobs here, on a database with no report yet today.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), "DELETE FROM retention_runs");
        await using var services = TestDatabase.Services(_db);
        RetentionJob Job() => new(services.GetRequiredService<FlexiSchooling.Data.SystemDb>(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RetentionJob>.Instance);

        await Task.WhenAll(Job().ReportAllAsync(CancellationToken.None), Job().ReportAllAsync(CancellationToken.None));

        var trusts = await CountAsync("SELECT count(*) FROM trusts");
        Assert.Equal(trusts, await CountAsync("SELECT count(*) FROM retention_runs"));
        Assert.Equal(trusts, await CountAsync("SELECT count(DISTINCT trust_id) FROM retention_runs WHERE status = 'Reported'"));
    }

    /// <summary>
    /// Old records made as they would have been years ago: register entries from 2015 for two Ashby pupils (one will be
    /// under a legal hold) and one St Bede's pupil (another trust), an Ashby pupil born in 1990 whose flexi case is due,
    /// audit entries from 2015 and an email sent in 2024.
    /// </summary>
    private async Task<(Guid Held, Guid Free, Guid OtherTrust, Guid OldCase)> OldRecordsAsync()
    {
        var pupils = await TestDatabase.ScalarAsync<Guid[]>(TestDatabase.Super(_db),
            "SELECT array_agg(id ORDER BY upn) FROM (SELECT p.id, p.upn FROM pupils p JOIN schools s ON s.id = p.school_id WHERE s.name LIKE 'Ashby%' ORDER BY p.upn LIMIT 2) x");
        var other = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id WHERE s.name LIKE 'St Bede%' ORDER BY p.upn LIMIT 1");
        foreach (var pupil in pupils.Append(other))
        {
            await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), $"""
                INSERT INTO attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, expected_in_school, recorded_at)
                SELECT gen_random_uuid(), trust_id, school_id, id, d::date, s, '/', 'Present', true, d
                  FROM pupils, generate_series('2015-03-02'::date, '2015-03-06'::date, interval '1 day') d, unnest(ARRAY['AM', 'PM']) s WHERE id = '{pupil}';
                INSERT INTO attendance_mark_changes (id, trust_id, school_id, mark_id, pupil_id, date, session, old_code, new_code, reason, changed_at)
                SELECT gen_random_uuid(), trust_id, school_id, id, pupil_id, date, session, 'N', '/', 'Arrived late: register corrected', recorded_at
                  FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '2015-03-02';
                """);
        }

        var oldCase = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE 'Ashby%' ORDER BY a.created_at LIMIT 1");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), $"""
            UPDATE pupils SET date_of_birth = '1990-05-01', ehcp = false, sen_support = false WHERE id = (SELECT pupil_id FROM arrangements WHERE id = '{oldCase}');
            INSERT INTO audit_events (id, trust_id, school_id, user_id, role, entity_type, entity_id, action, occurred_at)
            SELECT gen_random_uuid(), id, NULL, NULL, 'Test', 'Pupil', 'old', 'viewed', '2015-03-02' FROM trusts;
            INSERT INTO outbox_messages (id, trust_id, "to", subject, text_body, html_body, created_at, sent_at, attempts)
            SELECT gen_random_uuid(), id, 'parent@example.org', 'Old', 'Old', 'Old', '2024-01-10', '2024-01-10', 1 FROM trusts;
            """);
        return (pupils[0], pupils[1], other, oldCase);
    }

    [Fact]
    public async Task A_retention_run_reports_what_is_due_and_removes_it_only_once_a_named_person_confirms_keeping_held_pupils_and_other_trusts()
    {
        var (held, free, otherTrust, oldCase) = await OldRecordsAsync();
        using var factory = new FlexiFactory(_db);
        var admin = await factory.SignInAsync(Admin);
        var heldUpn = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT upn FROM pupils WHERE id = '{held}'");
        var hold = await admin.PostFormAsync("/Admin/Retention", "/Admin/Retention?handler=Hold", ("HoldUpn", heldUpn), ("HoldReason", "Insurance claim about an accident in 2015"));
        Assert.Equal(HttpStatusCode.Redirect, hold.StatusCode);

        var reported = await admin.PostFormAsync("/Admin/Retention", "/Admin/Retention?handler=Report");
        var page = await (await admin.GetAsync("/Admin/Retention")).HtmlAsync();
        Assert.Contains("Attendance marks (register entries)</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">10<", page, StringComparison.Ordinal); // the free pupil's ten; the held pupil's kept
        Assert.Contains("Case files (flexi-schooling, part-time, AP)</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">1<", page, StringComparison.Ordinal);
        Assert.Equal(30, await CountAsync("SELECT count(*) FROM attendance_marks WHERE date < '2016-01-01'")); // a report removes nothing

        var run = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT r.id FROM retention_runs r JOIN trusts t ON t.id = r.trust_id WHERE t.name LIKE 'Northfield%' AND r.status = 'Reported'");
        var unchecked_ = await admin.PostFormAsync("/Admin/Retention", "/Admin/Retention?handler=Apply", ("runId", run.ToString()));
        Assert.Contains("Confirm that you have checked the report and the legal holds", await unchecked_.HtmlAsync(), StringComparison.Ordinal);
        var applied = await admin.PostFormAsync("/Admin/Retention", "/Admin/Retention?handler=Apply", ("runId", run.ToString()), ("Checked", "true"));
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);

        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{free}' AND date < '2016-01-01'"));
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM attendance_mark_changes WHERE pupil_id = '{free}' AND date < '2016-01-01'"));
        Assert.Equal(10, await CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{held}' AND date < '2016-01-01'"));
        Assert.Equal(10, await CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{otherTrust}' AND date < '2016-01-01'"));
        Assert.True(await CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{free}'") > 0, "this year's marks are not due");
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM arrangements WHERE id = '{oldCase}'"));
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM case_documents WHERE arrangement_id = '{oldCase}'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM audit_events a JOIN trusts t ON t.id = a.trust_id WHERE a.entity_id = 'old' AND t.name LIKE 'St Aidan%'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM audit_events a JOIN trusts t ON t.id = a.trust_id WHERE a.entity_id = 'old' AND t.name LIKE 'Northfield%'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox_messages WHERE subject = 'Old'")); // St Aidan's

        // The record of what was removed, why, and who confirmed it.
        Assert.Equal("Completed", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT status FROM retention_runs WHERE id = '{run}'"));
        var removed = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT removed FROM retention_runs WHERE id = '{run}'");
        Assert.Contains("Attendance marks (register entries): 10", removed, StringComparison.Ordinal);
        Assert.Contains($"Cases removed: {oldCase}", removed, StringComparison.Ordinal);
        var history = await (await admin.GetAsync("/Admin/Retention")).HtmlAsync();
        Assert.Contains("confirmed by Tom Trust-Admin", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retention_run_stopped_half_way_leaves_nothing_half_deleted()
    {
        var (_, free, _, oldCase) = await OldRecordsAsync();
        // The last statement of the run fails (as a crash or a lost connection would): the marks removed before it come back.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), """
            CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
            CREATE TRIGGER test_fail BEFORE DELETE ON outbox_messages FOR EACH ROW EXECUTE FUNCTION test_fail();
            """);
        using var factory = new FlexiFactory(_db);
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT id FROM trusts WHERE name LIKE 'Northfield%'");
        var job = factory.Services.GetRequiredService<RetentionJob>();
        var report = await job.ReportAsync(trust, CancellationToken.None);
        var run = await job.ApplyAsync(trust, report.Id, Guid.NewGuid(), "Tom Trust-Admin", CancellationToken.None);

        Assert.Equal(Domain.Privacy.RetentionRunStatus.Failed, run.Status);
        Assert.Contains("nothing was removed", run.Error, StringComparison.Ordinal);
        Assert.Equal(10, await CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{free}' AND date < '2016-01-01'"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM arrangements WHERE id = '{oldCase}'"));
        Assert.Equal("Failed", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT status FROM retention_runs WHERE id = '{report.Id}'"));
    }

    [Fact]
    public async Task Append_only_tables_refuse_to_delete_anything_not_yet_due_even_during_a_retention_run()
    {
        var (_, free, _, _) = await OldRecordsAsync();
        var owner = TestDatabase.Owner(_db, pooling: false);
        async Task<string?> TryAsync(string sql)
        {
            try
            {
                await TestDatabase.ExecuteAsync(owner, $"BEGIN; SET LOCAL app.retention = 'on'; {sql}; ROLLBACK;");
                return null;
            }
            catch (PostgresException e)
            {
                return e.MessageText;
            }
        }

        Assert.Null(await TryAsync($"DELETE FROM attendance_marks WHERE pupil_id = '{free}' AND date < '2016-01-01'")); // due: allowed
        // The template's own marks (2 to 20 November 2026) are years from due whenever the test runs; "the last 30 days" held none
        // once that month had passed.
        const string recent = "date BETWEEN '2026-11-02' AND '2026-11-20'";
        Assert.True(await CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{free}' AND {recent}") > 0);
        Assert.Contains("never deleted", await TryAsync($"DELETE FROM attendance_marks WHERE pupil_id = '{free}' AND {recent}"), StringComparison.Ordinal);
        // An audit event written today is years from due: the template's own (written as it was seeded, November 2026) are
        // not "today's" once the tests run a year or two later (found running them 400 and 600 days ahead).
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), """
            INSERT INTO audit_events (id, trust_id, school_id, user_id, role, entity_type, entity_id, action, occurred_at)
            SELECT gen_random_uuid(), id, NULL, NULL, 'Test', 'Pupil', 'today', 'viewed', now() FROM trusts
            """);
        const string audited = "entity_id = 'today'";
        Assert.True(await CountAsync($"SELECT count(*) FROM audit_events WHERE {audited}") > 0);
        Assert.Contains("append-only", await TryAsync($"DELETE FROM audit_events WHERE {audited}"), StringComparison.Ordinal);
        Assert.Contains("kept as written", await TryAsync("DELETE FROM arrangement_events"), StringComparison.Ordinal);
        // And without a retention run, not even a row that is due.
        var e = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(owner, $"DELETE FROM attendance_marks WHERE pupil_id = '{free}' AND date < '2016-01-01'"));
        Assert.Contains("never deleted", e.MessageText, StringComparison.Ordinal);
    }
}
