using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;

namespace FlexiSchooling.IntegrationTests.Pages.Flexi;

/// <summary>Issue 4: a flexi-schooling request, its meeting and the head's decision with its letter, through the application.</summary>
public sealed partial class FlexiCaseTests : AppTest
{
    /// <summary>
    /// The cases are walked on the template's dates (met on 18 November 2026, started on the 20th) and on its autumn day:
    /// on a machine's day past the template's calendar a risk assessment has no term to set its review date in (found
    /// running the tests 600 days ahead).
    /// </summary>
    protected override DateOnly? ClockDay => TestDatabase.AutumnDay;

    private static readonly byte[] ParentLetter = DemoFlexi.MinimalPdf(["Dear Headteacher,", "Please consider flexi-schooling for our son.", "Yours sincerely"]);

    [GeneratedRegex("name=\"Input.Version\" value=\"(\\d+)\"")]
    private static partial Regex VersionField();

    private static async Task<HttpResponseMessage> RequestAsync(HttpClient client, Guid pupil, byte[] letter, string fileName, bool parentalResponsibility = true, string requestedOn = "2026-11-16", bool enteredAfterwards = false)
    {
        var page = await (await client.GetAsync("/Flexi/Request")).Content.ReadAsStringAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(HttpClientForms.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent(pupil.ToString()), "Input.PupilId" },
            { new StringContent(requestedOn), "Input.RequestedOn" },
            { new StringContent("Sarah Example"), "Input.RequestedBy" },
            { new StringContent("Mother"), "Input.Relationship" },
            { new StringContent(parentalResponsibility ? "true" : "false"), "Input.HasParentalResponsibility" },
            { new StringContent(enteredAfterwards ? "true" : "false"), "Input.EnteredAfterwards" },
        };
        var file = new ByteArrayContent(letter);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "Letter", fileName);
        return await client.PostAsync("/Flexi/Request", form);
    }

    private static async Task<HttpResponseMessage> PostWithVersionAsync(HttpClient client, string url, params (string, string)[] fields)
    {
        var version = VersionField().Match(await (await client.GetAsync(url)).Content.ReadAsStringAsync()).Groups[1].Value;
        return await client.PostFormAsync(url, url, [.. fields, ("Input.Version", version)]);
    }

    private static (string, string)[] Criteria(bool met = true, string? skipNoteFor = null) =>
        [.. new[] { "committed", "quality", "development", "practical", "safeguarding" }.SelectMany((key, i) => new[]
        {
            ($"Input.Criteria[{i}].Key", key), ($"Input.Criteria[{i}].Met", met ? "true" : "false"), ($"Input.Criteria[{i}].Note", key == skipNoteFor ? "" : $"Considered {key}"),
        })];

    private async Task<Guid> PupilWithoutCaseAsync(string school, bool ehcp = false, DateOnly? admittedBy = null) => await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"""
        SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id
         WHERE s.name LIKE '{school}%' AND p.ehcp = {ehcp} AND NOT EXISTS (SELECT 1 FROM arrangements a WHERE a.pupil_id = p.id)
           AND p.admission_date <= '{admittedBy ?? DateOnly.MaxValue:yyyy-MM-dd}'
         ORDER BY p.upn LIMIT 1
        """);

    private static Guid CaseId(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.OriginalString.Split('/')[^1]);
    }

    [Fact]
    public async Task A_request_its_meeting_and_an_agreeing_decision_produce_the_letter_by_the_oswald_road_deadline()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "brookside"));
        var pupil = await PupilWithoutCaseAsync("Brookside");
        var surname = await Records.PupilSurnameAsync(pupil);
        var id = CaseId(await RequestAsync(head, pupil, ParentLetter, "letter.pdf"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'RequestLetter' AND content_type = 'application/pdf'"));
        // The pupil's page lists the case (for those who may see cases).
        Assert.Contains($"href=\"/Cases/{id}\"", await (await head.GetAsync($"/Pupils/{pupil}")).HtmlAsync(), StringComparison.Ordinal);

        // The meeting on Thursday 19 November 2026 starts Oswald Road's five working days: Thursday 26 November.
        var meeting = await PostWithVersionAsync(head, $"/Cases/{id}/Meeting", ("Input.MeetingOn", "2026-11-19"), ("Input.Attendees", "Sarah Example (mother), headteacher"), ("Input.Notes", "Mondays at home for music."));
        Assert.Equal(HttpStatusCode.Redirect, meeting.StatusCode);
        Assert.Equal(new DateOnly(2026, 11, 26), await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT decision_due_by FROM arrangements WHERE id = '{id}'"));
        var casePage = await (await head.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains("Due by 26 November 2026", casePage, StringComparison.Ordinal);

        var decided = await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-20")]);
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        Assert.Contains("The decision is recorded: agreed.", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal); // issue 13: a banner after a decision
        Assert.Equal("Agreed", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));
        // The case keeps the profile version it was decided under: Brookside's own (Oswald Road).
        Assert.Equal("oswald-road-ap-flexi", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT v.template_key FROM arrangements a JOIN policy_profile_versions v ON v.id = a.profile_version_id WHERE a.id = '{id}'"));

        var letterId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'DecisionLetter'");
        var download = await head.GetAsync($"/Cases/Document/{letterId}");
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        var text = await PdfText.OfAsync(await download.Content.ReadAsByteArrayAsync());
        Assert.Contains("Brookside", text, StringComparison.Ordinal);
        Assert.Contains(surname, text, StringComparison.Ordinal);
        Assert.Contains("Dear Sarah Example", text, StringComparison.Ordinal);
        Assert.Contains("I have agreed to flexi-schooling", text, StringComparison.Ordinal);
        Assert.Contains("there is no right of appeal", text, StringComparison.Ordinal);
        Assert.Contains("20 November 2026", text, StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM audit_events WHERE action = 'viewed' AND entity_type = 'CaseDocument' AND entity_id = '{letterId}'"));
        Assert.Equal(3L, await Records.CountAsync($"SELECT count(*) FROM arrangement_events WHERE arrangement_id = '{id}'"));
    }

    [Fact]
    public async Task A_letter_that_is_not_a_pdf_or_an_image_is_refused_next_to_the_field_and_nothing_is_saved()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var pupil = await PupilWithoutCaseAsync("Ashby");
        var before = await Records.CountAsync("SELECT count(*) FROM arrangements");
        var refused = await RequestAsync(head, pupil, "<html><script>alert(1)</script></html>"u8.ToArray(), "letter.pdf");
        var html = await refused.HtmlAsync();
        Assert.Contains("id=\"Letter-error\"", html, StringComparison.Ordinal);
        Assert.Contains("The file must be a PDF, or a photo or scan as JPEG or PNG.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Sarah Example\"", html, StringComparison.Ordinal); // what was typed is kept

        var noResponsibility = await (await RequestAsync(head, pupil, ParentLetter, "letter.pdf", parentalResponsibility: false)).HtmlAsync();
        Assert.Contains("only come from someone with parental responsibility", noResponsibility, StringComparison.Ordinal);
        Assert.Equal(before, await Records.CountAsync("SELECT count(*) FROM arrangements"));
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM case_documents d JOIN arrangements a ON a.id = d.arrangement_id WHERE a.pupil_id = '{pupil}'"));
    }

    [Fact]
    public async Task A_second_request_in_the_same_academic_year_is_refused_at_emet_once_the_first_is_decided()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "millbrook"));
        var (id, pupil) = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE 'Millbrook%' AND a.stage = 'MeetingHeld'") is var caseId
            ? (caseId, await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT pupil_id FROM arrangements WHERE id = '{caseId}'"))
            : default;

        // A decline needs its reason; without one nothing is saved.
        var noReason = await (await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(met: false), ("Input.Outcome", "Declined"), ("Input.DecidedOn", "2026-11-20")])).HtmlAsync();
        Assert.Contains("Give the reason for declining", noReason, StringComparison.Ordinal);
        Assert.Equal("MeetingHeld", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));

        var declined = await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(met: false), ("Input.Outcome", "Declined"), ("Input.Reason", "The home timetable does not yet cover maths."), ("Input.DecidedOn", "2026-11-20")]);
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        Assert.Contains("The decision is recorded: not agreed.", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);
        var again = await (await RequestAsync(head, pupil, ParentLetter, "second.pdf", requestedOn: "2026-11-20")).HtmlAsync();
        Assert.Contains("allows one flexi-schooling request per academic year", again, StringComparison.Ordinal);
        Assert.Contains("from 1 September 2027", again, StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangements WHERE pupil_id = '{pupil}'"));
    }

    [Fact]
    public async Task A_pupil_with_an_ehcp_is_agreed_only_after_the_local_authority_and_every_criterion_needs_a_note()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var pupil = await PupilWithoutCaseAsync("Ashby", ehcp: true);
        var id = CaseId(await RequestAsync(head, pupil, ParentLetter, "letter.pdf"));
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, $"/Cases/{id}/Meeting", ("Input.MeetingOn", "2026-11-18"), ("Input.Attendees", "Parent, head, SENCO"), ("Input.Notes", "EHCP provision at home discussed."))).StatusCode);

        var noNote = await (await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(skipNoteFor: "practical"), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-20")])).HtmlAsync();
        Assert.Contains("Criterion 4 (the arrangement can work practically): add a note", noNote, StringComparison.Ordinal); // issue 13: each error names its criterion
        // In page order: the criteria's errors come before the decision's own fields.
        var summary = noNote[noNote.IndexOf("govuk-error-summary__list", StringComparison.Ordinal)..];
        summary = summary[..summary.IndexOf("</ul>", StringComparison.Ordinal)];
        var none = await (await PostWithVersionAsync(head, $"/Cases/{id}/Decision", ("Input.DecidedOn", ""))).HtmlAsync();
        var list = none[none.IndexOf("govuk-error-summary__list", StringComparison.Ordinal)..];
        list = list[..list.IndexOf("</ul>", StringComparison.Ordinal)];
        Assert.True(list.IndexOf("Criterion 1", StringComparison.Ordinal) < list.IndexOf("Criterion 5", StringComparison.Ordinal)
            && list.IndexOf("Criterion 5", StringComparison.Ordinal) < list.IndexOf("Choose whether you agree", StringComparison.Ordinal), list);
        Assert.Contains("value=\"Considered quality\"", noNote.Replace(">Considered quality<", " value=\"Considered quality\"<", StringComparison.Ordinal), StringComparison.Ordinal);

        var noLa = await (await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-20")])).HtmlAsync();
        Assert.Contains("record the local authority's agreement before agreeing", noLa, StringComparison.Ordinal);
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'DecisionLetter'"));

        var agreed = await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-20"), ("Input.LocalAuthorityAgreedOn", "2026-11-19"), ("Input.LocalAuthorityAgreedBy", "A. Caseworker, SEN team")]);
        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangements WHERE id = '{id}' AND stage = 'Agreed' AND local_authority_agreed_on = '2026-11-19'"));
    }

    [Fact]
    public async Task Only_the_head_decides_the_worklist_asks_the_head_and_a_teacher_sees_no_cases()
    {
        var dsl = await Factory.SignInAsync(FlexiFactory.Email("dsl", "ashby"));
        var id = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE 'Ashby%'");
        Assert.Equal(HttpStatusCode.OK, (await dsl.GetAsync($"/Cases/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dsl.GetAsync($"/Cases/{id}/Decision")).StatusCode);
        // The worklist: the head is asked to decide the case that has had its meeting; the DSL is not.
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        Assert.Contains($"href=\"/Cases/{id}/Decision\">Decide the request and send the letter", await (await head.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Decide the request", await (await dsl.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);
        var teacher = await Factory.SignInAsync(FlexiFactory.Email("teacher", "ashby"));
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync($"/Cases/{id}")).StatusCode);
        Assert.DoesNotContain("/Cases/", await (await teacher.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agreed_case_gets_its_agreement_with_every_element_and_the_sessions_in_school()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "brookside"));
        var id = CaseId(await RequestAsync(head, await PupilWithoutCaseAsync("Brookside"), ParentLetter, "letter.pdf"));
        await PostWithVersionAsync(head, $"/Cases/{id}/Meeting", ("Input.MeetingOn", "2026-11-18"), ("Input.Attendees", "Parent, head"), ("Input.Notes", "Fridays at home."));
        Assert.Equal(HttpStatusCode.NotFound, (await head.GetAsync($"/Cases/{id}/Agreement")).StatusCode); // not before the decision
        await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-19")]);

        (string, string)[] terms =
        [
            ("Input.ResponsiblePersonAtHome", "Sarah Example"), ("Input.Rationale", "Music practice and outdoor learning."), ("Input.SchoolProvides", "English, maths, science, PE."),
            ("Input.HomeProvides", "Music, forest school, reading."), ("Input.NationalCurriculumExtent", "Followed in full at school; home work extends it."),
            ("Input.Assessment", "Class teacher's assessments; a weekly diary from home."), ("Input.SendProvision", "None."), ("Input.Flexibility", "Trips on Fridays are offered; home events on school days are asked for in writing."),
        ];
        var url = $"/Cases/{id}/Agreement";
        (string, string)[] mondayToThursday = [.. new[] { "Monday", "Tuesday", "Wednesday", "Thursday" }.SelectMany(d => new[] { ("Input.InSchool", $"{d}:AM"), ("Input.InSchool", $"{d}:PM") })];

        var none = await (await PostWithVersionAsync(head, url, [.. terms, ("Input.StartDate", "2026-12-07")])).HtmlAsync();
        Assert.Contains("Choose at least one session in school", none, StringComparison.Ordinal);
        Assert.Contains("value=\"Sarah Example\"", none, StringComparison.Ordinal);
        var saturday = await (await PostWithVersionAsync(head, url, [.. terms, .. mondayToThursday, ("Input.StartDate", "2026-12-05")])).HtmlAsync();
        Assert.Contains("Saturday 5 December 2026 is not a school day", saturday, StringComparison.Ordinal);
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM flexi_agreements WHERE arrangement_id = '{id}'"));

        var saved = await PostWithVersionAsync(head, url, [.. terms, .. mondayToThursday, ("Input.StartDate", "2026-12-07")]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(0b00_1111_1111, await TestDatabase.ScalarAsync<int>(TestDatabase.Super(Db), $"SELECT in_school_sessions FROM flexi_agreements WHERE arrangement_id = '{id}'"));
        var document = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'Agreement'");
        var text = await PdfText.OfAsync(await (await head.GetAsync($"/Cases/Document/{document}")).Content.ReadAsByteArrayAsync());
        foreach (var expected in new[] { "Flexi-schooling agreement", "Monday 7 December 2026", "Friday Home Home", "Music, forest school, reading.", "reviewed termly", "2 weeks' notice", "responsible for the child's welfare while the child is at school" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        // A revision is a new draft with its own PDF; the history keeps both.
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, url, [.. terms, .. mondayToThursday, ("Input.InSchool", "Friday:AM"), ("Input.StartDate", "2026-12-07")])).StatusCode);
        Assert.Equal(2L, await Records.CountAsync($"SELECT count(*) FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'Agreement'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangement_events WHERE arrangement_id = '{id}' AND what = 'Agreement revised (draft 2)'"));
    }

    [Fact]
    public async Task A_dsl_completes_the_risk_assessment_and_another_approves_it_with_its_pdf_and_review_date()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "brookside"));
        var dsl = await Factory.SignInAsync(FlexiFactory.Email("dsl", "brookside"));
        var id = CaseId(await RequestAsync(head, await PupilWithoutCaseAsync("Brookside"), ParentLetter, "letter.pdf"));
        await PostWithVersionAsync(head, $"/Cases/{id}/Meeting", ("Input.MeetingOn", "2026-11-18"), ("Input.Attendees", "Parent, head"), ("Input.Notes", "Fridays at home."));
        var url = $"/Cases/{id}/RiskAssessment";
        Assert.Equal(HttpStatusCode.NotFound, (await dsl.GetAsync(url)).StatusCode); // not before the request is agreed
        await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-19")]);

        var start = await dsl.PostFormAsync(url, url + "?handler=Start");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var draft = await (await dsl.GetAsync(url)).HtmlAsync();
        Assert.Contains("Appendix 8", draft, StringComparison.Ordinal);
        Assert.Contains("Inconsistent phonics or literacy teaching", draft, StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM audit_events WHERE action = 'viewed' AND entity_type = 'RiskAssessment'"));

        (string, string)[] Row(int i, string hazard, string controls) =>
        [
            ($"Rows[{i}].Area", "Safeguarding and supervision"), ($"Rows[{i}].Hazard", hazard), ($"Rows[{i}].Likelihood", "Medium"), ($"Rows[{i}].Impact", "High"),
            ($"Rows[{i}].Controls", controls), ($"Rows[{i}].FurtherActions", ""), ($"Rows[{i}].Responsibility", "DSL"), ($"Rows[{i}].ReviewFrequency", "Termly"), ($"Rows[{i}].Mandatory", "false"),
        ];
        var version = () => TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), $"SELECT xmin::text::bigint FROM risk_assessments WHERE arrangement_id = '{id}'");

        // Submitting a risk without control measures is refused next to it; the adapted rows are kept as typed.
        var missing = await (await dsl.PostFormAsync(url, url + "?handler=Submit", [.. Row(0, "Lack of supervision at home", "Parents supervise home learning."), .. Row(1, "Walks home alone on Fridays", ""), ("Version", (await version()).ToString())])).HtmlAsync();
        Assert.Contains("Row 2 (Walks home alone on Fridays): record the control measures", missing, StringComparison.Ordinal);
        Assert.Contains("Rows_1__Controls-error", missing, StringComparison.Ordinal);
        Assert.Equal("Draft", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT status FROM risk_assessments WHERE arrangement_id = '{id}'"));

        var submitted = await dsl.PostFormAsync(url, url + "?handler=Submit", [.. Row(0, "Lack of supervision at home", "Parents supervise home learning."), .. Row(1, "Walks home alone on Fridays", "Route agreed; phone call on arrival."), ("Version", (await version()).ToString())]);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.Equal(2, await TestDatabase.ScalarAsync<int>(TestDatabase.Super(Db), $"SELECT jsonb_array_length(rows) FROM risk_assessments WHERE arrangement_id = '{id}'"));

        // The DSL who submitted it cannot approve it; the head can.
        Assert.DoesNotContain("Approve the risk assessment", await (await dsl.GetAsync(url)).HtmlAsync(), StringComparison.Ordinal);
        var own = await (await dsl.PostFormAsync(url, url + "?handler=Approve", ("Version", (await version()).ToString()))).HtmlAsync();
        Assert.Contains("approved by someone other than the person who submitted it", own, StringComparison.Ordinal);
        var approved = await head.PostFormAsync(url, url + "?handler=Approve", ("Version", (await version()).ToString()));
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM risk_assessments WHERE arrangement_id = '{id}' AND status = 'Approved' AND review_due IS NOT NULL"));

        var pdf = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'RiskAssessment'");
        var text = await PdfText.OfAsync(await (await head.GetAsync($"/Cases/Document/{pdf}")).Content.ReadAsByteArrayAsync());
        // A table's cells wrap, so its words are read one cell-line at a time.
        foreach (var expected in new[] { "Flexi-schooling risk assessment", "Appendix 8", "version 1", "Next review", "Walks home", "phone call on arrival." })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        // A new version starts from the approved one; the approved one stands until the new one is approved.
        Assert.Equal(HttpStatusCode.Redirect, (await dsl.PostFormAsync(url, url + "?handler=Start")).StatusCode);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM risk_assessments WHERE arrangement_id = '{id}' AND number = 2 AND status = 'Draft'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM risk_assessments WHERE arrangement_id = '{id}' AND number = 1 AND status = 'Approved'"));
        var teacher = await Factory.SignInAsync(FlexiFactory.Email("teacher", "brookside"));
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Letters_are_produced_in_the_development_host_that_scripts_run_starts()
    {
        // Development validates service scopes: the renderer must use the request's services, not the root's.
        using var development = new FlexiFactory(Db, environment: "Development");
        var head = await development.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var id = await Records.FlexiCaseAtAsync("Ashby");
        var declined = await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(met: false), ("Input.Outcome", "Declined"), ("Input.Reason", "Not this year."), ("Input.DecidedOn", "2026-11-20")]);
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'DecisionLetter'"));
    }

    [Fact]
    public async Task An_agreed_case_starts_only_when_every_gate_is_met_and_its_home_sessions_reach_the_register()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "brookside"));
        var dsl = await Factory.SignInAsync(FlexiFactory.Email("dsl", "brookside"));
        var pupil = await PupilWithoutCaseAsync("Brookside");
        var id = CaseId(await RequestAsync(head, pupil, ParentLetter, "letter.pdf"));
        await PostWithVersionAsync(head, $"/Cases/{id}/Meeting", ("Input.MeetingOn", "2026-11-18"), ("Input.Attendees", "Parent, head"), ("Input.Notes", "Fridays at home."));
        await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-19")]);
        (string, string)[] mondayToThursday = [.. new[] { "Monday", "Tuesday", "Wednesday", "Thursday" }.SelectMany(d => new[] { ("Input.InSchool", $"{d}:AM"), ("Input.InSchool", $"{d}:PM") })];
        await PostWithVersionAsync(head, $"/Cases/{id}/Agreement", [.. mondayToThursday, ("Input.StartDate", "2026-11-20"), ("Input.ResponsiblePersonAtHome", "Sarah Example"), ("Input.Rationale", "r"),
            ("Input.SchoolProvides", "s"), ("Input.HomeProvides", "h"), ("Input.NationalCurriculumExtent", "n"), ("Input.Assessment", "a"), ("Input.SendProvision", "None"), ("Input.Flexibility", "f")]);

        var gates = $"/Cases/{id}/Gates";
        var start = () => head.PostFormAsync(gates, gates + "?handler=Start");
        var refused = await (await start()).HtmlAsync();
        Assert.Contains("It cannot start yet: the agreement signed by the parent; the agreement signed for the school; the risk assessment approved; the local authority notified", refused, StringComparison.Ordinal);

        // The parent's signature in person needs the scan of the signed paper.
        var page = await (await head.GetAsync(gates)).Content.ReadAsStringAsync();
        using (var form = new MultipartFormDataContent { { new StringContent(HttpClientForms.AntiforgeryToken(page)), "__RequestVerificationToken" }, { new StringContent("Sarah Example"), "ParentName" } })
        {
            Assert.Contains("Attach the scan of the signed agreement", await (await head.PostAsync(gates + "?handler=Parent", form)).HtmlAsync(), StringComparison.Ordinal);
        }

        using (var form = new MultipartFormDataContent { { new StringContent(HttpClientForms.AntiforgeryToken(page)), "__RequestVerificationToken" }, { new StringContent("Sarah Example"), "ParentName" } })
        {
            form.Add(new ByteArrayContent(ParentLetter), "Scan", "signed-agreement.pdf");
            Assert.Equal(HttpStatusCode.Redirect, (await head.PostAsync(gates + "?handler=Parent", form)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(gates, gates + "?handler=School", ("SignerForSchool", "Mrs Head"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(gates.Replace("/Gates", "/Consents"), gates.Replace("/Gates", "/Consents") + "?handler=Record", ("Party", "LocalAuthority"), ("By", "Derby City Council, EHE team"), ("On", "2026-11-20"))).StatusCode);
        Assert.Contains("It cannot start yet: the risk assessment approved", await (await start()).HtmlAsync(), StringComparison.Ordinal);
        // The notification is a letter kept with the case (002 §5.1).
        var notification = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'LocalAuthorityNotification'");
        var notificationText = await PdfText.OfAsync(await (await head.GetAsync($"/Cases/Document/{notification}")).Content.ReadAsByteArrayAsync());
        foreach (var expected in new[] { "Notification of a flexi-schooling arrangement", "Derby City Council, EHE team", "Monday all day", "code C", "Brookside" })
        {
            Assert.Contains(expected, notificationText, StringComparison.Ordinal);
        }

        var risk = $"/Cases/{id}/RiskAssessment";
        await dsl.PostFormAsync(risk, risk + "?handler=Start");
        var xmin = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), $"SELECT xmin::text::bigint FROM risk_assessments WHERE arrangement_id = '{id}'");
        var draft = await (await dsl.GetAsync(risk)).Content.ReadAsStringAsync();
        var fields = Regex.Matches(draft, "name=\"(Rows\\[\\d+\\]\\.\\w+)\"[^>]*?value=\"([^\"]*)\"").Select(m => (m.Groups[1].Value, System.Net.WebUtility.HtmlDecode(m.Groups[2].Value)))
            .Concat(Regex.Matches(draft, "name=\"(Rows\\[\\d+\\]\\.\\w+)\" rows=\"\\d+\">([^<]*)</textarea>").Select(m => (m.Groups[1].Value, System.Net.WebUtility.HtmlDecode(m.Groups[2].Value))))
            .Concat(Regex.Matches(draft, "name=\"(Rows\\[\\d+\\]\\.(?:Likelihood|Impact))\">.*?<option value=\"(\\w+)\" selected", RegexOptions.Singleline).Select(m => (m.Groups[1].Value, m.Groups[2].Value)))
            .Where(f => !f.Item1.EndsWith(".Remove", StringComparison.Ordinal)).ToList();
        Assert.True(fields.Count > 40);
        Assert.Equal(HttpStatusCode.Redirect, (await dsl.PostFormAsync(risk, risk + "?handler=Submit", [.. fields, ("Version", xmin.ToString())])).StatusCode);
        xmin = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), $"SELECT xmin::text::bigint FROM risk_assessments WHERE arrangement_id = '{id}'");
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(risk, risk + "?handler=Approve", ("Version", xmin.ToString()))).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await start()).StatusCode);
        Assert.Equal("Running", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));
        // Friday, all day at home: one expected mark, code C, not expected in school.
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM expected_marks WHERE pupil_id = '{pupil}' AND code = 'C' AND NOT expected_in_school AND sessions = 3 AND weekdays = {1 << 5}"));

        // The register shows it: moved back to the agreed start (a past Friday) so a past register can be opened.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE expected_marks SET \"from\" = '2026-11-20' WHERE pupil_id = '{pupil}'");
        var group = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT registration_group_id FROM pupils WHERE id = '{pupil}'");
        var register = await (await head.GetAsync($"/Attendance/Register/{group}?date=2026-11-20&session=PM")).HtmlAsync();
        Assert.Contains("Expected: C (Flexi-schooling (home))", register, StringComparison.Ordinal);
        Assert.Contains("Running since", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);
    }

    /// <summary>A new case at the school, agreed and with its agreement drawn up (draft 1), waiting for its gates.</summary>
    private async Task<(Guid Case, Guid Pupil, HttpClient Head)> AgreedCaseAsync(string slug, string school, DayOfWeek[]? inSchool = null, DateOnly? admittedBy = null, FlexiFactory? factory = null)
    {
        var head = await (factory ?? Factory).SignInAsync(FlexiFactory.Email("head", slug));
        var pupil = await PupilWithoutCaseAsync(school, admittedBy: admittedBy);
        var id = CaseId(await RequestAsync(head, pupil, ParentLetter, "letter.pdf"));
        await PostWithVersionAsync(head, $"/Cases/{id}/Meeting", ("Input.MeetingOn", "2026-11-18"), ("Input.Attendees", "Parent, head"), ("Input.Notes", "Fridays at home."));
        await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-19")]);
        (string, string)[] sessions = [.. (inSchool ?? [DayOfWeek.Monday]).SelectMany(d => new[] { ("Input.InSchool", $"{d}:AM"), ("Input.InSchool", $"{d}:PM") })];
        await PostWithVersionAsync(head, $"/Cases/{id}/Agreement", [.. sessions, ("Input.StartDate", "2026-11-20"), ("Input.ResponsiblePersonAtHome", "Sarah Example"),
            ("Input.Rationale", "r"), ("Input.SchoolProvides", "s"), ("Input.HomeProvides", "h"), ("Input.NationalCurriculumExtent", "n"), ("Input.Assessment", "a"), ("Input.SendProvision", "None"), ("Input.Flexibility", "f")]);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM flexi_agreements WHERE arrangement_id = '{id}'"));
        return (id, pupil, head);
    }

    /// <summary>A new case at the school taken through every step to running (the steps each have their own tests above).</summary>
    /// <remarks>With <paramref name="factory"/>, every step is taken on that application's clock (a test's chosen day).</remarks>
    private async Task<(Guid Case, Guid Pupil, HttpClient Head)> RunningCaseAsync(string slug, string school, DayOfWeek[]? inSchool = null, DateOnly? admittedBy = null, FlexiFactory? factory = null)
    {
        var (id, pupil, head) = await AgreedCaseAsync(slug, school, inSchool, admittedBy, factory);
        var dsl = await (factory ?? Factory).SignInAsync(FlexiFactory.Email("dsl", slug));
        var gates = $"/Cases/{id}/Gates";
        var page = await (await head.GetAsync(gates)).Content.ReadAsStringAsync();
        using (var form = new MultipartFormDataContent { { new StringContent(HttpClientForms.AntiforgeryToken(page)), "__RequestVerificationToken" }, { new StringContent("Sarah Example"), "ParentName" } })
        {
            form.Add(new ByteArrayContent(ParentLetter), "Scan", "signed.pdf");
            await head.PostAsync(gates + "?handler=Parent", form);
        }

        await head.PostFormAsync(gates, gates + "?handler=School", ("SignerForSchool", "Head"));
        await head.PostFormAsync(gates.Replace("/Gates", "/Consents"), gates.Replace("/Gates", "/Consents") + "?handler=Record", ("Party", "LocalAuthority"), ("By", "The local authority"));
        await head.PostFormAsync(gates.Replace("/Gates", "/Consents"), gates.Replace("/Gates", "/Consents") + "?handler=Record", ("Party", "Trust"), ("By", "Link DPS"));
        var risk = $"/Cases/{id}/RiskAssessment";
        await dsl.PostFormAsync(risk, risk + "?handler=Start");
        var version = () => TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), $"SELECT xmin::text::bigint FROM risk_assessments WHERE arrangement_id = '{id}'");
        await dsl.PostFormAsync(risk, risk + "?handler=Submit", [($"Rows[0].Area", "Safeguarding"), ($"Rows[0].Hazard", "Supervision at home"), ($"Rows[0].Likelihood", "Low"), ($"Rows[0].Impact", "High"),
            ($"Rows[0].Controls", "Parents supervise."), ($"Rows[0].Responsibility", "DSL"), ($"Rows[0].ReviewFrequency", "Termly"), ("Version", (await version()).ToString())]);
        await head.PostFormAsync(risk, risk + "?handler=Approve", ("Version", (await version()).ToString()));
        var started = await head.PostFormAsync(gates, gates + "?handler=Start");
        Assert.True(started.StatusCode == HttpStatusCode.Redirect, System.Text.RegularExpressions.Regex.Match(await started.HtmlAsync(), "govuk-error-summary__list.*?</ul>", RegexOptions.Singleline).Value
            + await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT string_agg(what, '; ' ORDER BY at) FROM arrangement_events WHERE arrangement_id = '{id}'"));
        return (id, pupil, head);
    }

    [Fact]
    public async Task A_parent_ends_an_emet_agreement_four_weeks_after_their_notice_with_the_letter_and_the_register_freed()
    {
        // domain.md worked example 5, through the application: EMET (004 §10.6) gives either party four weeks.
        var (id, pupil, head) = await RunningCaseAsync("millbrook", "Millbrook");
        var end = $"/Cases/{id}/End";
        var today = TestDatabase.AutumnDay;
        var noReason = await (await head.PostFormAsync(end, end, ("By", "Parent"), ("NoticeGivenOn", $"{today:yyyy-MM-dd}"))).HtmlAsync();
        Assert.Contains("Give the reason for ending the arrangement", noReason, StringComparison.Ordinal);
        Assert.Equal("Running", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));

        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(end, end, ("By", "Parent"), ("NoticeGivenOn", $"{today:yyyy-MM-dd}"), ("Reason", "The family is moving away."))).StatusCode);
        var lastDay = today.AddDays(28);
        Assert.Equal(lastDay, await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT ends_on FROM arrangements WHERE id = '{id}' AND stage = 'Ended' AND notice_given_by = 'Parent'"));
        // Home sessions are no longer placed in the register after the last day.
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM expected_marks WHERE pupil_id = '{pupil}' AND withdrawn_at IS NULL AND \"to\" > '{lastDay:yyyy-MM-dd}'"));
        var letter = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'TerminationLetter'");
        var text = await PdfText.OfAsync(await (await head.GetAsync($"/Cases/Document/{letter}")).Content.ReadAsByteArrayAsync());
        foreach (var expected in new[] { "Millbrook", "The family is moving away.", $"4 weeks' notice from {today:d MMMM yyyy}", $"{lastDay:dddd d MMMM yyyy}" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task At_ddat_the_school_gives_two_weeks_notice_and_parents_have_no_notice_route_of_their_own()
    {
        // domain.md worked example 5, the DDAT half: 000 §7.
        var (id, _, head) = await RunningCaseAsync("ashby", "Ashby");
        var end = $"/Cases/{id}/End";
        var form = await (await head.GetAsync(end)).HtmlAsync();
        Assert.DoesNotContain("The parents (", form, StringComparison.Ordinal);
        var today = $"{TestDatabase.AutumnDay:yyyy-MM-dd}";
        var parent = await (await head.PostFormAsync(end, end, ("By", "Parent"), ("NoticeGivenOn", today), ("Reason", "Asked by the parent."))).HtmlAsync();
        Assert.Contains("gives no notice route to parents", parent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(end, end, ("By", "School"), ("NoticeGivenOn", today), ("Reason", "Attendance at school sessions has fallen."))).StatusCode);
        Assert.Equal(TestDatabase.AutumnDay.AddDays(14), await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT ends_on FROM arrangements WHERE id = '{id}'"));
        var casePage = await (await head.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains("the last day is", casePage, StringComparison.Ordinal);
        // The arrangement runs through its notice: "Ending" until the last day, not "Ended".
        Assert.Contains("govuk-tag--orange\">Ending<", casePage, StringComparison.Ordinal);
        Assert.Contains($"Notice given: the last day is {TestDatabase.AutumnDay.AddDays(14):d MMM yyyy}", await (await head.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_with_notice_given_reads_ending_until_its_last_day_and_ended_after()
    {
        var lastDay = new DateOnly(2026, 12, 4);
        Assert.Equal("Ending", Web.Pages.Cases.StageTag.For(ArrangementStage.Ended, lastDay, lastDay).Text);
        Assert.Equal("Ended", Web.Pages.Cases.StageTag.For(ArrangementStage.Ended, lastDay, lastDay.AddDays(1)).Text);
        Assert.Equal("Closed: ended with notice", Web.Pages.Cases.IndexModel.NextAction(ArrangementKind.FlexiSchooling, ArrangementStage.Ended, null, lastDay, null, lastDay.AddDays(1)));
    }
}
