using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages.PartTime;

/// <summary>Issue 11: every notification a case needs shows as due, with its deadline, until it is recorded as sent.</summary>
public sealed partial class PartTimeCaseTests
{
    private async Task<Guid> ApprovedAsync(HttpClient head, string school)
    {
        var id = CaseId(await head.PostFormAsync("/PartTime/Propose", Plan(await PupilAsync(school, 9))));
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, $"/Cases/{id}/Approval", ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-16"))).StatusCode);
        return id;
    }

    [Fact]
    public async Task A_notification_shows_as_due_with_its_deadline_until_it_is_recorded_as_sent()
    {
        // Leicestershire wants its online form on the day it is agreed (003: "notify … immediately, using this link").
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var id = await ApprovedAsync(head, "Castle Hill");

        var actions = await (await head.GetAsync("/Cases")).HtmlAsync();
        Assert.Contains("Tell Children missing education and part-time timetables team, Leicestershire County Council: Its online form, on the day it is agreed", actions, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Cases/{id}/Consents\"", actions, StringComparison.Ordinal);
        var casePage = await (await head.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains("id=\"notifications-due\"", casePage, StringComparison.Ordinal);
        Assert.Contains("by 16 November 2026", casePage, StringComparison.Ordinal);
        var consents = await (await head.GetAsync($"/Cases/{id}/Consents")).HtmlAsync();
        Assert.Contains("id=\"due-LocalAuthority\"", consents, StringComparison.Ordinal);
        Assert.Contains("Overdue", consents, StringComparison.Ordinal);
        Assert.Contains("href=\"https://forms.leicestershire.council.example/reduced-timetables\"", consents, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "LocalAuthority", null, "Leicestershire County Council, CME team")).StatusCode);
        Assert.DoesNotContain("Tell Children missing education", await (await head.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);

        // What the authority was told is kept with the case as the notification letter, the record's evidence (003 "the LA notification").
        var letter = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT evidence_document_id FROM arrangement_consents WHERE arrangement_id = '{id}' AND party = 'LocalAuthority'");
        Assert.Equal("LocalAuthorityNotification", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT kind FROM case_documents WHERE id = '{letter}'"));
        var text = await PdfText.OfAsync(await (await head.GetAsync($"/Cases/Document/{letter}")).Content.ReadAsByteArrayAsync());
        foreach (var expected in new[] { "Notification of a part-time (reduced) timetable", "Leicestershire County Council, CME team", "not used to manage behaviour", "50.0% of full time", "C2", "Back to full time by" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("id=\"notifications-due\"", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_authority_that_takes_half_termly_returns_does_not_hold_the_start_and_is_told_after_it()
    {
        // Castle Hill's authority moves to half-termly returns, ten days after the half-term ends.
        var admin = await Factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var la = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM local_authorities WHERE name = 'Leicestershire County Council'");
        var edit = $"/Admin/LocalAuthorities/Edit/{la}";
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(admin, edit, ("Input.Name", "Leicestershire County Council"), ("Input.Code", "855"), ("Input.Notice", "HalfTermlyReturn"),
            ("Input.Address", "returns@leicestershire.council.example"), ("Input.WithinDays", "10"))).StatusCode);

        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var dsl = await Factory.SignInAsync(FlexiFactory.Email("dsl", "castlehill"));
        var id = await ApprovedAsync(head, "Castle Hill");
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "Parent", "Given", "Sarah Example (mother)", SignedForm)).StatusCode);
        await CaseSteps.ApproveRiskAssessmentAsync(dsl, head, Db, id);
        var consents = $"/Cases/{id}/Consents";
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(consents, consents + "?handler=Start", ("StartedOn", "2026-11-16"))).StatusCode);
        Assert.Equal("Running", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));

        // Due in the return after the half-term the agreement fell in: its last day, plus ten days.
        var school = await Records.SchoolAsync("Castle Hill");
        var halfTermEnd = await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"""
            SELECT CASE WHEN half_term_start IS NOT NULL AND '2026-11-16' < half_term_start THEN half_term_start - 1 ELSE end_date END
              FROM terms WHERE school_id = '{school}' AND start_date <= '2026-11-16' AND end_date >= '2026-11-16'
            """);
        var casePage = await (await head.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains($"by {halfTermEnd.AddDays(10):d MMMM yyyy}", casePage, StringComparison.Ordinal);
        Assert.Contains("A half-termly return to returns@leicestershire.council.example", casePage, StringComparison.Ordinal);

        // Recorded once the return is sent: the page for a running case holds only what is still owed.
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "LocalAuthority", null, "Leicestershire County Council, returns")).StatusCode);
        Assert.DoesNotContain("id=\"notifications-due\"", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await head.GetAsync(consents)).StatusCode);
    }
}
