using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages.Attendance;

/// <summary>Issue 3, "Getting data in and out".</summary>
public sealed class ImportExportTests : AppTest
{
    internal static async Task<string> UploadAsync(HttpClient client, string kind, string fileName, string csv)
    {
        var page = await (await client.GetAsync("/Attendance/Import")).Content.ReadAsStringAsync();
        var token = HttpClientForms.AntiforgeryToken(page);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(kind), "Kind" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "Upload", fileName);
        return await (await client.PostAsync("/Attendance/Import?handler=Upload", form)).HtmlAsync();
    }

    internal static async Task<string> ConfirmAsync(HttpClient client, string previewHtml)
    {
        var batch = Regex.Match(previewHtml, "name=\"batchId\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostFormAsync("/Attendance/Import", "/Attendance/Import?handler=Confirm", ("batchId", batch));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await (await client.GetAsync(response.Headers.Location!.OriginalString)).HtmlAsync();
    }

    private async Task<string> UpnAsync(Guid pupil) => await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT upn FROM pupils WHERE id = '{pupil}'");

    [Fact]
    public async Task A_file_with_any_bad_row_is_refused_whole_with_line_numbers()
    {
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var upn = await UpnAsync(await Records.PupilAtAsync("Ashby"));
        var before = await Records.CountAsync("SELECT count(*) FROM attendance_mark_changes");
        var csv = $"UPN,Date,Session,Code\n{upn},2026-11-19,AM,I\n{upn},2026-11-19,XX,I\nA123,19/11/2026,PM,Q9\n";
        var html = await UploadAsync(officer, "Marks", "bad.csv", csv);
        Assert.Contains("Line 3: Session: &#x27;XX&#x27; is not AM or PM", await Task.FromResult(html.Replace("'", "&#x27;", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("Line 4: UPN:", html, StringComparison.Ordinal);
        Assert.Contains("Line 4: Code:", html, StringComparison.Ordinal);
        Assert.Contains("nothing has been saved", html, StringComparison.Ordinal);
        Assert.Equal(before, await Records.CountAsync("SELECT count(*) FROM attendance_mark_changes"));
        Assert.Equal(0L, await Records.CountAsync("SELECT count(*) FROM import_batches"));

        var missing = await UploadAsync(officer, "Marks", "nocode.csv", $"UPN,Date,Session\n{upn},2026-11-19,AM\n");
        Assert.Contains("Line 1: Code: The file has no", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marks_import_after_a_preview_and_the_same_file_again_changes_nothing()
    {
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var pupil = await Records.PupilAtAsync("Ashby");
        var upn = await UpnAsync(pupil);
        var csv = $"UPN,Date,Session,Code,Minutes Late,Comment\r\n{upn},19/11/2026,AM,M,,\"Dentist, 9am\"\r\n{upn},2026-11-19,PM,L,10,\r\n";
        var preview = await UploadAsync(officer, "Marks", "sims-export.csv", csv);
        Assert.Contains("Check before importing", preview, StringComparison.Ordinal);
        Assert.NotEqual("M", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT code FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '2026-11-19' AND session = 'AM'"));

        var done = await ConfirmAsync(officer, preview);
        Assert.Contains("Imported sims-export.csv", done, StringComparison.Ordinal);
        Assert.Equal("M", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT code FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '2026-11-19' AND session = 'AM'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes WHERE pupil_id = '{pupil}' AND reason = 'Imported from sims-export.csv' AND new_code = 'M'"));
        var changes = await Records.CountAsync("SELECT count(*) FROM attendance_mark_changes");

        var again = await ConfirmAsync(officer, await UploadAsync(officer, "Marks", "sims-export.csv", csv));
        Assert.Contains("0 new, 0 changed, 2 unchanged", again, StringComparison.Ordinal);
        Assert.Equal(changes, await Records.CountAsync("SELECT count(*) FROM attendance_mark_changes"));
    }

    [Fact]
    public async Task Imported_marks_keep_their_first_entry_the_history_shows_it_and_their_first_change_writes_it_out()
    {
        // ADR 0017: no history row per imported mark; the pupil's history still shows who imported what, from which file.
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var pupil = await Records.PupilAtAsync("Ashby");
        var upn = await UpnAsync(pupil);
        await ConfirmAsync(officer, await UploadAsync(officer, "Marks", "autumn-week-13.csv", $"UPN,Date,Session,Code\n{upn},2026-11-23,AM,M\n{upn},2026-11-23,PM,\\\n"));
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes WHERE pupil_id = '{pupil}' AND date = '2026-11-23'"));
        Assert.Equal(2L, await Records.CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '2026-11-23' AND first_entry_reason = 'Imported from autumn-week-13.csv'"));
        var history = WebUtility.HtmlDecode(await (await officer.GetAsync($"/Pupils/{pupil}/Attendance")).HtmlAsync());
        Assert.Contains("Imported from autumn-week-13.csv", history, StringComparison.Ordinal);

        // The first change of the morning mark writes its first entry out, as imported, then the change; the afternoon's stays kept.
        await ConfirmAsync(officer, await UploadAsync(officer, "Marks", "autumn-week-13-corrected.csv", $"UPN,Date,Session,Code\n{upn},2026-11-23,AM,I\n"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes WHERE pupil_id = '{pupil}' AND date = '2026-11-23' AND session = 'AM' AND old_code IS NULL AND new_code = 'M' AND reason = 'Imported from autumn-week-13.csv' AND changed_by IS NOT NULL"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes WHERE pupil_id = '{pupil}' AND date = '2026-11-23' AND session = 'AM' AND old_code = 'M' AND new_code = 'I' AND reason = 'Imported from autumn-week-13-corrected.csv'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '2026-11-23' AND first_entry_reason IS NOT NULL"));
        history = WebUtility.HtmlDecode(await (await officer.GetAsync($"/Pupils/{pupil}/Attendance")).HtmlAsync());
        Assert.Equal(2, Regex.Matches(history, Regex.Escape("Imported from autumn-week-13.csv")).Count);
    }

    [Fact]
    public async Task Marks_import_and_export_carry_the_schools_reasons_behind_codes()
    {
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), "UPDATE schools SET attendance_sub_reasons = 'C: Performance licence' WHERE name LIKE 'Ashby%'");
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var pupil = await Records.PupilAtAsync("Ashby");
        var upn = await UpnAsync(pupil);
        var bad = await UploadAsync(officer, "Marks", "reasons.csv", $"UPN,Date,Session,Code,Sub Reason\n{upn},2026-11-18,AM,C,Performance licence\n{upn},2026-11-18,PM,C,Holiday\n");
        Assert.Contains("Line 3: Sub Reason:", bad, StringComparison.Ordinal);
        Assert.Contains("nothing has been saved", bad, StringComparison.Ordinal);

        await ConfirmAsync(officer, await UploadAsync(officer, "Marks", "reasons.csv", $"UPN,Date,Session,Code,Sub Reason\n{upn},2026-11-18,AM,C,performance licence\n"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '2026-11-18' AND session = 'AM' AND sub_reason = 'Performance licence'"));
        var export = await (await officer.GetAsync("/Attendance/Export?from=2026-11-18&to=2026-11-18&what=marks")).Content.ReadAsStringAsync();
        Assert.Contains("Sub Reason", export, StringComparison.Ordinal);
        Assert.Contains(",C,Authorised,,,Performance licence", export, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pupils_import_creates_pupils_and_groups_and_reimporting_changes_nothing()
    {
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var upn = Upns.Create("801999000001");
        var csv = $"UPN,Legal Surname,Legal Forename,Date of Birth,Year,Reg Group,Admission Date,EHCP,FSM\n{upn},Newton,Isaac,2019-01-04,R,Reception C,2026-11-02,N,Y\n";
        var done = await ConfirmAsync(officer, await UploadAsync(officer, "Pupils", "pupils.csv", csv));
        Assert.Contains("1 new, 0 changed, 0 unchanged", done, StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM pupils p JOIN registration_groups g ON g.id = p.registration_group_id WHERE p.upn = '{upn}' AND g.name = 'Reception C' AND p.free_school_meals AND NOT p.ehcp"));
        var again = await ConfirmAsync(officer, await UploadAsync(officer, "Pupils", "pupils.csv", csv));
        Assert.Contains("0 new, 0 changed, 1 unchanged", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exports_escape_cells_a_spreadsheet_would_run_as_formulas()
    {
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var pupil = await Records.PupilAtAsync("Ashby");
        var upn = await UpnAsync(pupil);
        await ConfirmAsync(officer, await UploadAsync(officer, "Marks", "f.csv", $"UPN,Date,Session,Code,Comment\n{upn},2026-11-18,AM,I,=HYPERLINK(\"http://x\")\n"));
        var marks = await (await officer.GetAsync("/Attendance/Export?from=2026-11-18&to=2026-11-18&what=marks")).Content.ReadAsStringAsync();
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")\"", marks, StringComparison.Ordinal);
        Assert.StartsWith("UPN,Legal Surname", marks.TrimStart('\uFEFF'), StringComparison.Ordinal);
        var summary = await (await officer.GetAsync("/Attendance/Export?from=2026-11-02&to=2026-11-20&what=summary")).Content.ReadAsStringAsync();
        Assert.Contains(upn, summary, StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync("SELECT count(*) FROM audit_events WHERE action = 'exported' AND entity_id LIKE 'attendance:%'"));

        // Another school's officer cannot export or import this school's data: they see their own school only.
        var other = await Factory.SignInAsync(FlexiFactory.Email("attendance", "brookside"));
        Assert.DoesNotContain(upn, await (await other.GetAsync("/Attendance/Export?from=2026-11-02&to=2026-11-20&what=marks")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var refused = await UploadAsync(other, "Marks", "x.csv", $"UPN,Date,Session,Code\n{upn},2026-11-19,AM,I\n");
        Assert.Contains($"No pupil with UPN {upn} at this school", refused, StringComparison.Ordinal);
    }
}
