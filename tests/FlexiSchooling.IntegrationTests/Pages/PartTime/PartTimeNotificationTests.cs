using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests.Pages.PartTime;

/// <summary>Issue 11: every notification a case needs shows as due, with its deadline, until it is recorded as sent.</summary>
public sealed partial class PartTimeCaseTests
{
    private async Task<Guid> ApprovedAsync(HttpClient head, string school, int yearGroup = 9)
    {
        var id = CaseId(await head.PostFormAsync("/PartTime/Propose", Plan(await PupilAsync(school, yearGroup))));
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
        Assert.Contains($"/Cases/{id}/Consents#party-LocalAuthority", actions, StringComparison.Ordinal);
        var casePage = await (await head.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains("id=\"notifications-due\"", casePage, StringComparison.Ordinal);
        Assert.Contains("by 16 November 2026", casePage, StringComparison.Ordinal);
        var consents = await (await head.GetAsync($"/Cases/{id}/Consents")).HtmlAsync();
        Assert.Contains("id=\"due-LocalAuthority\"", consents, StringComparison.Ordinal);
        Assert.Contains("Overdue", consents, StringComparison.Ordinal);
        Assert.Contains("href=\"https://forms.leicestershire.council.example/reduced-timetables\"", consents, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "LocalAuthority", null, "Leicestershire County Council, CME team")).StatusCode);
        // (The demo's agreed AP placements at the school still owe theirs: only this case's action goes.)
        Assert.DoesNotContain($"/Cases/{id}/Consents#party-LocalAuthority", await (await head.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);

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

    [Fact]
    public async Task A_half_termly_return_lists_the_arrangements_in_place_and_tells_the_authority_of_those_still_owed()
    {
        // St Bede's is in Norfolk, which takes half-termly returns: the part-time timetable starts without waiting for it.
        // On the class's autumn day: the returns page lists the half-terms of the day's academic year.
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "stbedes"));
        var dsl = await Factory.SignInAsync(FlexiFactory.Email("dsl", "stbedes"));
        var id = await ApprovedAsync(head, "St Bede", yearGroup: 5);
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "Parent", "Given", "Sarah Example (mother)", SignedForm)).StatusCode);
        await CaseSteps.ApproveRiskAssessmentAsync(dsl, head, Db, id);
        var consents = $"/Cases/{id}/Consents";
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(consents, consents + "?handler=Start", ("StartedOn", "2026-11-16"))).StatusCode);

        // The returns page: the half-term the case was agreed in lists it, the authority not told yet; earlier ones were sent (nil returns).
        var page = await (await head.GetAsync("/Cases/Returns")).HtmlAsync();
        Assert.Contains("St Bede's Catholic Primary School: Norfolk County Council", page, StringComparison.Ordinal);
        Assert.Contains("1 arrangement", page, StringComparison.Ordinal);
        Assert.Contains("Not yet", page, StringComparison.Ordinal);
        Assert.Contains("a nil return (no arrangements in place)", page, StringComparison.Ordinal);
        var school = await Records.SchoolAsync("St Bede");
        var first = await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT CASE WHEN '2026-11-16' > half_term_end THEN half_term_end + 3 ELSE start_date END FROM terms WHERE school_id = '{school}' AND start_date <= '2026-11-16' AND end_date >= '2026-11-16'");
        var upn = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT p.upn FROM pupils p JOIN arrangements a ON a.pupil_id = p.id WHERE a.id = '{id}'");
        var csv = await (await head.GetAsync($"/Cases/Returns?handler=Csv&school={school}&first={first:yyyy-MM-dd}")).Content.ReadAsStringAsync();
        Assert.Contains($"{upn},", csv, StringComparison.Ordinal);
        Assert.Contains("Part-time timetable", csv, StringComparison.Ordinal);

        // Another trust's head cannot read or record it; a recipient is needed; once recorded it tells the authority of the case.
        var other = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/Cases/Returns?handler=Csv&school={school}&first={first:yyyy-MM-dd}")).StatusCode);
        var url = $"/Cases/Returns?handler=Record&school={school}&first={first:yyyy-MM-dd}";
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostFormAsync("/Cases/Returns", url, ("SentTo", "Norfolk"), ("SentOn", "2026-11-20"))).StatusCode);
        Assert.Contains("Say who it was sent to", await (await head.PostFormAsync("/Cases/Returns", url, ("SentTo", " "), ("SentOn", "2026-11-20"))).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync("/Cases/Returns", url, ("SentTo", "Norfolk County Council, inclusion returns"), ("SentOn", "2026-11-20"))).StatusCode);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM local_authority_returns WHERE school_id = '{school}' AND half_term_first = '{first:yyyy-MM-dd}' AND arrangements = 1"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangement_consents WHERE arrangement_id = '{id}' AND party = 'LocalAuthority' AND answer = 'Told' AND by = 'Norfolk County Council, inclusion returns'"));
        Assert.DoesNotContain("id=\"notifications-due\"", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("already recorded as sent", await (await head.PostFormAsync("/Cases/Returns", url, ("SentTo", "Norfolk"), ("SentOn", "2026-11-20"))).HtmlAsync(), StringComparison.Ordinal);
    }
}
