using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>Issue 14, "Subject access": a request with its deadline, its export produced in the background, and its completion.</summary>
public sealed class SubjectAccessTests : IAsyncLifetime
{
    private string _db = "";
    private DemoRecords _records = null!;
    private static readonly string Lead = FlexiFactory.Email("trustlead", "northfield");

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _records = new DemoRecords(_db);
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    private async Task<(Guid Pupil, string Upn)> PupilWithACaseAsync()
    {
        var caseId = await _records.FlexiCaseAtAsync("Ashby");
        var pupil = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), $"SELECT pupil_id FROM arrangements WHERE id = '{caseId}'");
        return (pupil, await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT upn FROM pupils WHERE id = '{pupil}'"));
    }

    private static async Task<Guid> RecordAsync(HttpClient lead, string upn)
    {
        var recorded = await lead.PostFormAsync("/Privacy/SubjectAccess/New",
            ("Input.Upn", upn), ("Input.RequesterName", "Sam Parent"), ("Input.Requester", "Parent"), ("Input.ReceivedOn", "2026-11-25"), ("Input.Notes", "By email to the school office"));
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        return Guid.Parse(recorded.Headers.Location!.OriginalString.Split('/').Last());
    }

    private static async Task<string> ProducedAsync(HttpClient lead, Guid id, FlexiFactory factory)
    {
        await lead.PostFormAsync($"/Privacy/SubjectAccess/{id}", $"/Privacy/SubjectAccess/{id}?handler=Export");
        await factory.Services.GetRequiredService<SubjectAccessExporter>().ExportPendingAsync(CancellationToken.None);
        for (var i = 0; i < 60; i++)
        {
            var page = await (await lead.GetAsync($"/Privacy/SubjectAccess/{id}")).HtmlAsync();
            if (!page.Contains("Producing the export", StringComparison.Ordinal))
            {
                return page;
            }

            await Task.Delay(500); // the background service has it
        }

        throw new TimeoutException("The export did not finish");
    }

    [Fact]
    public async Task A_subject_access_export_is_marked_interrupted_only_when_no_instance_is_still_running_it()
    {
        // Two requests, recorded through the pages; then the application stopped, so that no background pass of its own
        // takes them while the test plays two instances of the exporter.
        Guid running, cutOff;
        using (var factory = new FlexiFactory(_db))
        {
            var lead = await factory.SignInAsync(Lead);
            var (_, upn) = await PupilWithACaseAsync();
            (running, cutOff) = (await RecordAsync(lead, upn), await RecordAsync(lead, upn));
        }

        await using var services = TestDatabase.Services(_db);
        var exporter = new SubjectAccessExporter(services.GetRequiredService<FlexiSchooling.Data.SystemDb>(), services.GetRequiredService<IServiceScopeFactory>(),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SubjectAccessExporter>.Instance);
        Task<string> StatusAsync(Guid id) => TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT export_status || ': ' || coalesce(export_step, '') FROM subject_access_requests WHERE id = '{id}'");
        Task SetAsync(string status) => TestDatabase.ExecuteAsync(TestDatabase.Super(_db), $"UPDATE subject_access_requests SET export_status = '{status}' WHERE id IN ('{running}', '{cutOff}')");

        await SetAsync("Queued");
        await using (var hold = await ExportHold.TakeAsync(TestDatabase.Owner(_db), running, CancellationToken.None))
        {
            // One instance runs the first (held since before its claim); the second's instance stopped half-way, its hold gone.
            Assert.NotNull(hold);
            await SetAsync("Running");
            Assert.Null(await ExportHold.TakeAsync(TestDatabase.Owner(_db), cutOff, CancellationToken.None)); // only a queued export is held

            Assert.Equal(1, await exporter.MarkInterruptedAsync(CancellationToken.None)); // another instance's pass
            Assert.Equal("Running: ", await StatusAsync(running));
            Assert.Equal($"Failed: {SubjectAccessExporter.Interrupted}", await StatusAsync(cutOff));
        }

        // Its instance stopped too: the next pass finds it.
        Assert.Equal(1, await exporter.MarkInterruptedAsync(CancellationToken.None));
        Assert.Equal($"Failed: {SubjectAccessExporter.Interrupted}", await StatusAsync(running));
    }

    [Fact]
    public async Task A_subject_access_export_holds_every_record_about_the_pupil_and_marks_other_peoples_information_for_review()
    {
        using var factory = new FlexiFactory(_db);
        var lead = await factory.SignInAsync(Lead);
        var (pupil, upn) = await PupilWithACaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync($"/Pupils/{pupil}")).StatusCode); // a read the access log must show

        var id = await RecordAsync(lead, upn);
        var page = await (await lead.GetAsync($"/Privacy/SubjectAccess/{id}")).HtmlAsync();
        Assert.Contains("29 December 2026", page, StringComparison.Ordinal); // 25 November + a month: Christmas, a weekend, Boxing Day's substitute
        Assert.Contains("Sam Parent", await (await lead.GetAsync("/")).HtmlAsync(), StringComparison.Ordinal); // open: on the lead's home page

        page = await ProducedAsync(lead, id, factory);
        Assert.Contains("Download the export", page, StringComparison.Ordinal);
        var download = await lead.GetAsync($"/Privacy/SubjectAccess/{id}?handler=Download");
        Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await download.Content.ReadAsByteArrayAsync()));
        string Read(string name)
        {
            using var reader = new StreamReader(zip.GetEntry(name)!.Open(), Encoding.UTF8);
            return reader.ReadToEnd();
        }

        int Rows(string name) => Read(name).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
        Assert.Contains(upn, Read("records/pupil.csv"), StringComparison.Ordinal);
        Assert.Equal(await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{pupil}'"), Rows("records/attendance-marks.csv"));
        Assert.Equal(await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM arrangements WHERE pupil_id = '{pupil}'"), Rows("records/cases.csv"));
        Assert.Equal(await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM pupil_contacts WHERE pupil_id = '{pupil}'"), Rows("for-review/contacts.csv"));
        Assert.NotNull(zip.GetEntry("for-review/risk-assessments.csv"));
        Assert.NotNull(zip.GetEntry("records/reviews.csv"));
        var documents = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM case_documents d JOIN arrangements a ON a.id = d.arrangement_id WHERE a.pupil_id = '{pupil}'");
        Assert.True(documents > 0);
        Assert.Equal(documents, zip.Entries.Count(e => e.FullName.Contains("documents/", StringComparison.Ordinal)));
        Assert.DoesNotContain("token_hash", Read("records/signing-links.csv"), StringComparison.Ordinal);
        var log = Read("records/access-log.csv");
        Assert.Contains("Jane Trust-Lead", log, StringComparison.Ordinal);
        Assert.Contains("viewed", log, StringComparison.Ordinal);

        // Nobody else's records: another pupil of the same school appears in no file.
        var other = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT upn FROM pupils WHERE school_id = (SELECT school_id FROM pupils WHERE id = '{pupil}') AND id <> '{pupil}' LIMIT 1");
        Assert.DoesNotContain(zip.Entries.Where(e => e.Name.EndsWith(".csv", StringComparison.Ordinal)), e => Read(e.FullName).Contains(other, StringComparison.Ordinal));

        using var index = new MemoryStream();
        await zip.GetEntry("index.pdf")!.Open().CopyToAsync(index);
        var text = await PdfText.OfAsync(index.ToArray());
        Assert.Contains("To review before release", text, StringComparison.Ordinal);
        Assert.Contains("Risk assessments: safeguarding information", text, StringComparison.Ordinal);
        Assert.Equal(1, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM audit_events WHERE action = 'exported' AND entity_id = 'subject-access:{id}'"));

        // Completed only once the information about other people has been reviewed; then off the home page.
        var unreviewed = await lead.PostFormAsync($"/Privacy/SubjectAccess/{id}", $"/Privacy/SubjectAccess/{id}?handler=Complete", ("CompletedOn", "2026-12-01"));
        Assert.Contains("Confirm that the information about other people has been reviewed", await unreviewed.HtmlAsync(), StringComparison.Ordinal);
        var completed = await lead.PostFormAsync($"/Privacy/SubjectAccess/{id}", $"/Privacy/SubjectAccess/{id}?handler=Complete", ("CompletedOn", "2026-12-01"), ("ThirdPartyReviewed", "true"));
        Assert.Equal(HttpStatusCode.Redirect, completed.StatusCode);
        Assert.Contains("Sent on 1 December 2026", await (await lead.GetAsync($"/Privacy/SubjectAccess/{id}")).HtmlAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Sam Parent", await (await lead.GetAsync("/")).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_that_fails_says_so_and_can_be_started_again()
    {
        var (_, upn) = await PupilWithACaseAsync();
        Guid id;
        using (var broken = new FlexiFactory(_db) { Settings = new Dictionary<string, string> { ["Documents:Chromium"] = "/nonexistent/chromium" } })
        {
            var lead = await broken.SignInAsync(Lead);
            id = await RecordAsync(lead, upn);
            var failed = await ProducedAsync(lead, id, broken);
            Assert.Contains("The export failed (the index could not be made into a PDF)", failed, StringComparison.Ordinal);
            Assert.Contains("Start the export again", failed, StringComparison.Ordinal);
            Assert.Equal(0, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM subject_access_bundles WHERE request_id = '{id}'"));
        }

        using var mended = new FlexiFactory(_db);
        var again = await ProducedAsync(await mended.SignInAsync(Lead), id, mended);
        Assert.Contains("Download the export", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_about_another_trusts_pupil_is_refused_at_the_field_and_bad_input_keeps_what_was_typed()
    {
        using var factory = new FlexiFactory(_db);
        var lead = await factory.SignInAsync(FlexiFactory.Email("trustlead", "staidans"));
        var (_, northfieldUpn) = await PupilWithACaseAsync();
        var refused = await (await lead.PostFormAsync("/Privacy/SubjectAccess/New",
            ("Input.Upn", northfieldUpn), ("Input.RequesterName", "Sam Parent"), ("Input.Requester", "Parent"), ("Input.ReceivedOn", "2026-11-25"))).HtmlAsync();
        Assert.Contains("No pupil with this UPN is on the roll of the trust", refused, StringComparison.Ordinal);
        Assert.Contains("value=\"Sam Parent\"", refused, StringComparison.Ordinal);

        var future = await (await lead.PostFormAsync("/Privacy/SubjectAccess/New",
            ("Input.Upn", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), $"SELECT upn FROM pupils p JOIN schools s ON s.id = p.school_id WHERE s.name LIKE 'St Bede%' LIMIT 1")),
            ("Input.RequesterName", "Sam Parent"), ("Input.Requester", "Pupil"), ("Input.ReceivedOn", "2099-01-01"))).HtmlAsync();
        Assert.Contains("The date received must be today or in the past", future, StringComparison.Ordinal);
        Assert.Matches(new Regex("value=\"2099-01-01\""), future);
        Assert.Equal(0, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), "SELECT count(*) FROM subject_access_requests"));
    }
}
