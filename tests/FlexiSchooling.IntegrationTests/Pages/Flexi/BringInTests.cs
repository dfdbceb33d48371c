using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages.Flexi;

/// <summary>Issue 11: an arrangement agreed on paper is brought in with its original dates, marked as entered afterwards, and runs like any other.</summary>
public sealed partial class FlexiCaseTests
{
    [Fact]
    public async Task An_arrangement_agreed_on_paper_is_brought_in_with_its_original_dates_and_runs_like_any_other()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "brookside"));
        var dsl = await Factory.SignInAsync(FlexiFactory.Email("dsl", "brookside"));
        var pupil = await PupilWithoutCaseAsync("Brookside", admittedBy: new DateOnly(2026, 9, 1));
        Assert.Contains("id=\"Input_EnteredAfterwards\" name=\"Input.EnteredAfterwards\" type=\"checkbox\" value=\"true\" aria-describedby=\"Input_EnteredAfterwards-hint\" checked=\"checked\"",
            await (await head.GetAsync("/Flexi/Request?existing=true")).HtmlAsync(), StringComparison.Ordinal);

        // Each step with its original date, in September, from the paper file.
        var id = CaseId(await RequestAsync(head, pupil, ParentLetter, "letter.pdf", requestedOn: "2026-09-07", enteredAfterwards: true));
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, $"/Cases/{id}/Meeting", ("Input.MeetingOn", "2026-09-09"), ("Input.Attendees", "Parent, head"), ("Input.Notes", "Fridays at home."))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, $"/Cases/{id}/Decision", [.. Criteria(), ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-09-10")])).StatusCode);
        (string, string)[] mondayToThursday = [.. new[] { "Monday", "Tuesday", "Wednesday", "Thursday" }.SelectMany(d => new[] { ("Input.InSchool", $"{d}:AM"), ("Input.InSchool", $"{d}:PM") })];
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, $"/Cases/{id}/Agreement", [.. mondayToThursday, ("Input.StartDate", "2026-09-14"), ("Input.ResponsiblePersonAtHome", "Sarah Example"), ("Input.Rationale", "r"),
            ("Input.SchoolProvides", "s"), ("Input.HomeProvides", "h"), ("Input.NationalCurriculumExtent", "n"), ("Input.Assessment", "a"), ("Input.SendProvision", "None"), ("Input.Flexibility", "f")])).StatusCode);

        // The paper agreement was signed in September, before it was entered: its signatures keep their dates.
        var gates = $"/Cases/{id}/Gates";
        var page = await (await head.GetAsync(gates)).Content.ReadAsStringAsync();
        using (var form = new MultipartFormDataContent { { new StringContent(HttpClientForms.AntiforgeryToken(page)), "__RequestVerificationToken" }, { new StringContent("Sarah Example"), "ParentName" }, { new StringContent("2026-09-11"), "ParentSignedOn" } })
        {
            form.Add(new ByteArrayContent(ParentLetter), "Scan", "signed-agreement.pdf");
            Assert.Equal(HttpStatusCode.Redirect, (await head.PostAsync(gates + "?handler=Parent", form)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(gates, gates + "?handler=School", ("SignerForSchool", "Mrs Head"), ("SchoolSignedOn", "2026-09-11"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(gates.Replace("/Gates", "/Consents"), gates.Replace("/Gates", "/Consents") + "?handler=Record", ("Party", "LocalAuthority"), ("By", "Derby City Council, inclusion team"), ("On", "2026-09-11"))).StatusCode);
        Assert.Equal(new DateOnly(2026, 9, 11), await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT parent_signed_on FROM flexi_agreements WHERE arrangement_id = '{id}'"));
        await CaseSteps.ApproveRiskAssessmentAsync(dsl, head, Db, id);
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(gates, gates + "?handler=Start", ("StartedOn", "2026-09-14"))).StatusCode);

        // It runs like any other: from its original start, its home sessions in the register and its first review on the cadence.
        Assert.Equal(new DateOnly(2026, 9, 14), await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT started_on FROM arrangements WHERE id = '{id}'"));
        Assert.Equal(new DateOnly(2026, 9, 14), await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT min(\"from\") FROM expected_marks WHERE pupil_id = '{pupil}' AND code = 'C' AND withdrawn_at IS NULL"));
        await using (var system = Factory.Services.GetRequiredService<FlexiSchooling.Data.SystemDb>().Create())
        {
            var school = await Records.SchoolAsync("Brookside");
            var cadence = (await FlexiSchooling.Web.Infrastructure.SchoolRules.ProfileAsync(system, school, new DateOnly(2026, 9, 10))).Settings.Flexi.ReviewCadence;
            var due = (await FlexiSchooling.Web.Infrastructure.SchoolRules.CalendarAsync(system, school)).NextReviewDate(cadence, new DateOnly(2026, 9, 14));
            Assert.Equal(due, await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT min(due_on) FROM arrangement_reviews WHERE arrangement_id = '{id}'"));
        }

        // Marked as entered afterwards, by whom, on the case and in its history.
        var casePage = await (await head.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains("id=\"entered-afterwards\"", casePage, StringComparison.Ordinal);
        var headName = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT display_name FROM users WHERE email = '{FlexiFactory.Email("head", "brookside")}'");
        Assert.Contains($"brought in by {headName} on", casePage, StringComparison.Ordinal);
        Assert.Contains("Brought in from paper records", casePage, StringComparison.Ordinal);
        Assert.Contains("Running since", casePage, StringComparison.Ordinal);

        // Its paper records are kept with it; a risk assessment on paper opens only for those who read safeguarding narratives.
        async Task<HttpResponseMessage> PaperAsync(HttpClient client, bool risk)
        {
            var html = await (await client.GetAsync($"/Cases/{id}")).Content.ReadAsStringAsync();
            using var form = new MultipartFormDataContent { { new StringContent(HttpClientForms.AntiforgeryToken(html)), "__RequestVerificationToken" }, { new StringContent(risk ? "true" : "false"), "PaperRiskAssessment" } };
            var file = new ByteArrayContent(ParentLetter);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            form.Add(file, "PaperRecord", risk ? "risk-assessment-2026-09.pdf" : "decision-letter-2026-09.pdf");
            return await client.PostAsync($"/Cases/{id}?handler=PaperRecord", form);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await PaperAsync(head, risk: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PaperAsync(dsl, risk: true)).StatusCode);
        var paperRisk = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'ScannedRiskAssessment'");
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'ScannedRecord' AND file_name = 'decision-letter-2026-09.pdf'"));
        var senco = await Factory.SignInAsync(FlexiFactory.Email("senco", "brookside"));
        Assert.Equal(HttpStatusCode.NotFound, (await senco.GetAsync($"/Cases/Document/{paperRisk}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dsl.GetAsync($"/Cases/Document/{paperRisk}")).StatusCode);
    }
}
