using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>Issue 2, "Audit" and "Logging".</summary>
public sealed class AuditAndLoggingTests : IAsyncLifetime
{
    private string _db = "";
    private DemoRecords _records = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _records = new DemoRecords(_db);
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    [Fact]
    public async Task Viewing_and_changing_a_pupil_is_audited_with_who_role_school_and_correlation_id_but_no_content()
    {
        using var factory = new FlexiFactory(_db);
        var head = await factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var pupil = await _records.PupilAtAsync("Ashby");
        var view = await head.GetAsync($"/Pupils/{pupil}");
        var correlation = view.Headers.GetValues("X-Correlation-ID").Single();
        var userId = await _records.UserAsync(FlexiFactory.Email("head", "ashby"));
        var school = await _records.SchoolAsync("Ashby");
        Assert.Equal(1L, await _records.CountAsync(
            $"SELECT count(*) FROM audit_events WHERE action = 'viewed' AND entity_type = 'Pupil' AND entity_id = '{pupil}' AND user_id = '{userId}' AND school_id = '{school}' AND role = 'Headteacher' AND correlation_id = '{correlation}'"));

        var edit = await head.GetAsync($"/Pupils/{pupil}/Edit");
        var version = System.Text.RegularExpressions.Regex.Match(await edit.Content.ReadAsStringAsync(), "name=\"Input.Version\" value=\"(\\d+)\"").Groups[1].Value;
        var saved = await head.PostFormAsync($"/Pupils/{pupil}/Edit", ("Input.LegalForename", "Audited"), ("Input.LegalSurname", "Pupil"),
            ("Input.YearGroup", "4"), ("Input.AdmissionDate", "2022-09-05"), ("Input.Version", version), ("Input.RegistrationGroupId", ""));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(1L, await _records.CountAsync($"SELECT count(*) FROM audit_events WHERE action = 'updated' AND entity_type = 'Pupil' AND entity_id = '{pupil}' AND user_id = '{userId}'"));
        // No narrative content: the new name appears nowhere in the trail.
        Assert.Equal(0L, await _records.CountAsync("SELECT count(*) FROM audit_events a WHERE a::text ILIKE '%Audited%'"));
    }

    [Fact]
    public async Task Security_events_are_audited()
    {
        using var factory = new FlexiFactory(_db);
        await factory.NewClient().PostFormAsync("/Account/Login", ("Input.Email", FlexiFactory.Email("teacher", "ashby")), ("Input.Password", "wrong password here"));
        await factory.NewClient().PostFormAsync("/Account/Login", ("Input.Email", "stranger@example.org"), ("Input.Password", "wrong password here"));
        var head = await factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        await head.GetAsync($"/Pupils/{await _records.PupilAtAsync("Brookside")}"); // refused: sibling school
        var actions = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), "SELECT string_agg(action || ':' || coalesce(trust_id::text, 'none'), ',') FROM audit_events WHERE entity_type = 'Security'");
        Assert.True(2L == await _records.CountAsync("SELECT count(*) FROM audit_events WHERE action = 'sign-in-failed'"), actions);
        Assert.Equal(1L, await _records.CountAsync("SELECT count(*) FROM audit_events WHERE action = 'sign-in-failed' AND trust_id IS NULL"));
        Assert.True(await _records.CountAsync("SELECT count(*) FROM audit_events WHERE action = 'sign-in'") >= 1);
        Assert.Equal(1L, await _records.CountAsync("SELECT count(*) FROM audit_events WHERE action = 'access-refused'"));
    }

    [Fact]
    public async Task A_trust_lead_searches_the_audit_trail_of_their_own_trust_only()
    {
        using var factory = new FlexiFactory(_db);
        var head = await factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var pupil = await _records.PupilAtAsync("Ashby");
        await head.GetAsync($"/Pupils/{pupil}");

        var lead = await factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var page = await (await lead.GetAsync($"/Audit?record={pupil}&action=viewed")).HtmlAsync();
        Assert.Contains(FlexiFactory.Email("head", "ashby"), page, StringComparison.Ordinal);
        Assert.Contains("1 matching entries", page, StringComparison.Ordinal);

        var otherLead = await factory.SignInAsync(FlexiFactory.Email("trustlead", "staidans"));
        var other = await (await otherLead.GetAsync($"/Audit?record={pupil}")).HtmlAsync();
        Assert.Contains("0 matching entries", other, StringComparison.Ordinal);

        // A headteacher cannot search the audit trail.
        Assert.Equal(HttpStatusCode.Redirect, (await head.GetAsync("/Audit")).StatusCode);
    }

    [Fact]
    public async Task The_audit_trail_is_searched_by_a_pupils_name_and_shows_their_records_by_name_with_a_link()
    {
        // Issue 13: search by pupil name; records shown by name with a link, not by id.
        using var factory = new FlexiFactory(_db);
        var (caseId, pupil, name) = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE 'Ashby%' LIMIT 1") is var id
            ? (id, await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT pupil_id FROM arrangements WHERE id = '{id}'"),
                await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT coalesce(preferred_forename, legal_forename) || ' ' || legal_surname FROM pupils p JOIN arrangements a ON a.pupil_id = p.id WHERE a.id = '{id}'"))
            : default;
        var head = await factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        await head.GetAsync($"/Cases/{caseId}");
        var another = await _records.PupilAtAsync("Ashby");
        await head.GetAsync($"/Pupils/{another}"); // another pupil's entry, not theirs (unless it is the same pupil)

        var lead = await factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var page = await (await lead.GetAsync($"/Audit?pupil={Uri.EscapeDataString(name)}&action=viewed")).HtmlAsync();
        Assert.Contains($"Pupils matching: {name}", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Cases/{caseId}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"<span class=\"app-mono\">{caseId}</span>", page, StringComparison.Ordinal);
        if (another != pupil)
        {
            Assert.DoesNotContain($"/Pupils/{another}\"", page, StringComparison.Ordinal);
        }

        // The other trust's lead finds no such pupil (searched by UPN: names can be shared across trusts).
        var upn = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT upn FROM pupils WHERE id = '{pupil}'");
        var otherLead = await factory.SignInAsync(FlexiFactory.Email("trustlead", "staidans"));
        Assert.Contains("No pupil matches that name.", await (await otherLead.GetAsync($"/Audit?pupil={upn}")).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_have_one_line_per_request_and_no_pupil_names_dates_of_birth_or_upns()
    {
        var pupils = await DemoRecords.PupilsAsync(_db);
        var pupil = await _records.PupilAtAsync("Ashby");
        var surname = await _records.PupilSurnameAsync(pupil);
        string logs;
        using (var factory = new FlexiFactory(_db))
        {
            var head = await factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
            await head.GetAsync($"/Pupils?q={surname}");
            await head.GetAsync($"/Pupils/{pupil}");
            await head.GetAsync($"/Pupils/{pupil}/Edit");
            await head.GetAsync("/Pupils/" + Guid.NewGuid());
            factory.Dispose(); // flushes the file sink
            logs = string.Join("\n", Directory.GetFiles(factory.LogDirectory).Select(File.ReadAllText));
        }

        Assert.Contains($"/Pupils/{pupil}", logs, StringComparison.Ordinal);
        Assert.Contains("\"StatusCode\":404", logs, StringComparison.Ordinal);
        Assert.Contains("\"CorrelationId\"", logs, StringComparison.Ordinal);
        Assert.Contains("\"Elapsed\"", logs, StringComparison.Ordinal);
        Assert.Contains("\"TrustId\"", logs, StringComparison.Ordinal); // Serilog.AspNetCore's request line, enriched (issue 16)
        Assert.Contains("\"UserId\"", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("?q=", logs, StringComparison.Ordinal);
        foreach (var (forename, last, dob, upn) in pupils)
        {
            Assert.DoesNotContain($"{forename} {last}", logs, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(upn, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(dob.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), logs, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(surname, logs, StringComparison.Ordinal);
    }
}
