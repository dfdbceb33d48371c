using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages.PartTime;

/// <summary>Issue 11: a part-time (reduced) timetable through the application, on the one case page every kind shares.</summary>
public sealed partial class PartTimeCaseTests : AppTest
{
    /// <summary>
    /// The timetables are walked on the template's dates (started on 16 November 2026) and on its autumn day: on a machine's
    /// day past the template's calendar a risk assessment has no term to set its review date in, and "this year's"
    /// half-terms are another year's (found running the tests 400 and 600 days ahead).
    /// </summary>
    protected override DateOnly? ClockDay => TestDatabase.AutumnDay;

    private static readonly byte[] SignedForm = DemoFlexi.MinimalPdf(["Part-time timetable: parent's agreement (003 appendix 1)", "Signed: Sarah Example"]);

    [GeneratedRegex("name=\"Input.Version\" value=\"(\\d+)\"")]
    private static partial Regex VersionField();

    private static readonly string Mornings = string.Join(",", new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }.Select(d => $"{d}:AM"));

    private async Task<Guid> PupilAsync(string school, int yearGroup) => await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"""
        SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id
         WHERE s.name LIKE '{school}%' AND p.year_group = {yearGroup} AND NOT p.ehcp AND NOT p.looked_after AND NOT p.has_social_worker
           AND NOT EXISTS (SELECT 1 FROM arrangements a WHERE a.pupil_id = p.id) AND p.admission_date < '2026-11-01'
         ORDER BY p.upn DESC LIMIT 1
        """);

    private static (string, string)[] Plan(Guid pupil, string end = "2027-02-05", string phase2Hours = "17", params string[] reasons) =>
    [
        ("Input.PupilId", pupil.ToString()), ("Input.ProposedOn", "2026-11-16"),
        .. (reasons.Length == 0 ? ["medical"] : reasons).Select(r => ("Input.Reasons", r)),
        ("Input.SupportPlan", "Individual health care plan with the school nurse; a quiet room at lunch"),
        ("Input.Reintegration", "Mornings until Christmas, then Tuesdays and Thursdays all day"),
        ("Input.WelfareResponsibility", "Mother at home in the afternoons; the head of year phones on Fridays"),
        ("Input.StartDate", "2026-11-16"), ("Input.EndDate", end),
        .. Mornings.Split(',').Select(s => ("Input.Phases[0].InSchool", s)), ("Input.Phases[0].HoursInSchool", "12"),
        ("Input.Phases[1].From", "2027-01-04"), .. Mornings.Split(',').Concat(["Tuesday:PM", "Thursday:PM"]).Select(s => ("Input.Phases[1].InSchool", s)), ("Input.Phases[1].HoursInSchool", phase2Hours),
    ];

    private static Guid CaseId(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}");
        return Guid.Parse(response.Headers.Location!.OriginalString.Split('/')[^1]);
    }

    private static async Task<HttpResponseMessage> PostWithVersionAsync(HttpClient client, string url, params (string, string)[] fields)
    {
        var version = VersionField().Match(await (await client.GetAsync(url)).Content.ReadAsStringAsync()).Groups[1].Value;
        return await client.PostFormAsync(url, url, [.. fields, ("Input.Version", version)]);
    }

    private static async Task<HttpResponseMessage> RecordAsync(HttpClient client, Guid id, string party, string? answer, string by, byte[]? evidence = null)
    {
        var url = $"/Cases/{id}/Consents";
        var page = await (await client.GetAsync(url)).Content.ReadAsStringAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(HttpClientForms.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new StringContent(party), "Party" }, { new StringContent(by), "By" }, { new StringContent("2026-11-16"), "On" },
        };
        if (answer is not null)
        {
            form.Add(new StringContent(answer), "Answer");
        }

        if (evidence is not null)
        {
            var file = new ByteArrayContent(evidence);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "Evidence", "signed-consent.pdf");
        }

        return await client.PostAsync(url + "?handler=Record", form);
    }

    [Fact]
    public async Task A_hinckley_part_time_timetable_runs_from_proposal_through_consent_c2_and_a_fortnightly_review_back_to_full_time()
    {
        // Every step on the test's own clock, Tuesday 1 December 2026 (after the first fortnightly review, before the plan's
        // second phase on 4 January), whatever day the test runs on: from 4 January a step up to 14.5 hours would be less than
        // that phase's 17, and rightly refused.
        var day = new DateOnly(2026, 12, 1);
        using var clocked = FlexiFactory.At(Db, day, 9, 0);
        var head = await clocked.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var dsl = await clocked.SignInAsync(FlexiFactory.Email("dsl", "castlehill"));
        var pupil = await PupilAsync("Castle Hill", 9);
        var before = await Records.CountAsync("SELECT count(*) FROM arrangements");

        // Refused at their fields, nothing saved, what was typed kept: thirteen weeks at Hinckley (worked example 2),
        // behaviour alone (002 §4), and a phase above Year 9's full time of 24 hours (003).
        var tooLong = await (await head.PostFormAsync("/PartTime/Propose", Plan(pupil, end: "2027-02-12"))).HtmlAsync();
        Assert.Contains("id=\"Input_EndDate-error\"", tooLong, StringComparison.Ordinal);
        Assert.Contains("at most 12 weeks: from 16 November 2026 the latest end date is 7 February 2027", tooLong, StringComparison.Ordinal);
        Assert.Contains("Individual health care plan with the school nurse", tooLong, StringComparison.Ordinal);
        Assert.Contains("never used to manage behaviour", await (await head.PostFormAsync("/PartTime/Propose", Plan(pupil, reasons: "behaviour"))).HtmlAsync(), StringComparison.Ordinal);
        var aboveFullTime = await (await head.PostFormAsync("/PartTime/Propose", Plan(pupil, phase2Hours: "26"))).HtmlAsync();
        Assert.Contains("Input_Phases_1__HoursInSchool-error", aboveFullTime, StringComparison.Ordinal);
        Assert.Contains("above full time for Year 9 (24 hours)", aboveFullTime, StringComparison.Ordinal);
        Assert.Equal(before, await Records.CountAsync("SELECT count(*) FROM arrangements"));

        // Proposed: one case page for every kind, the phases as a share of full time.
        var id = CaseId(await head.PostFormAsync("/PartTime/Propose", Plan(pupil)));
        var casePage = await (await head.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains("Part-time timetable:", casePage, StringComparison.Ordinal);
        Assert.Contains("50.0%", casePage, StringComparison.Ordinal);
        Assert.Contains("70.8%", casePage, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Cases/{id}/Approval\"", await (await head.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);

        // Approved by the head (003), which produces the plan and parental agreement for signing.
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, $"/Cases/{id}/Approval", ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-16"))).StatusCode);
        Assert.Equal("Agreed", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));
        var planPdf = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'PartTimePlan'");
        var planText = await PdfText.OfAsync(await (await head.GetAsync($"/Cases/Document/{planPdf}")).Content.ReadAsByteArrayAsync());
        foreach (var expected in new[] { "Part-time (reduced) timetable and parental agreement", "Take full responsibility for my child", "C2", "50.0%", "fortnightly" })
        {
            Assert.Contains(expected, planText, StringComparison.Ordinal);
        }

        // Consent is written: without the signed form it is refused at the field.
        Assert.Contains("Consent is given in writing: attach the signed form.", await (await RecordAsync(head, id, "Parent", "Given", "Sarah Example (mother)")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "Parent", "Given", "Sarah Example (mother)", SignedForm)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "LocalAuthority", null, "Leicestershire County Council, attendance team")).StatusCode);
        var consents = $"/Cases/{id}/Consents";
        // Reading the case's consents is an audited view, as reading the case is.
        var viewsOfCase = $"SELECT count(*) FROM audit_events WHERE action = 'viewed' AND entity_type = 'Arrangement' AND entity_id = '{id}'";
        var viewed = await Records.CountAsync(viewsOfCase);
        await head.GetAsync(consents);
        Assert.Equal(viewed + 1, await Records.CountAsync(viewsOfCase));
        Assert.Contains("It cannot start yet: the risk assessment approved", await (await head.PostFormAsync(consents, consents + "?handler=Start")).HtmlAsync(), StringComparison.Ordinal);

        // The risk assessment with Hinckley's six mandatory factors (003 appendix 4), approved before the start.
        await CaseSteps.ApproveRiskAssessmentAsync(dsl, head, Db, id);
        // Looked at again fortnightly: 002 appendix 7's own cadence, and the timetable's reviews at Hinckley (003 appendix 1).
        await using (var system = clocked.Services.GetRequiredService<FlexiSchooling.Data.SystemDb>().Create())
        {
            var school = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT school_id FROM arrangements WHERE id = '{id}'");
            var today = day;
            var fortnightly = (await FlexiSchooling.Web.Infrastructure.SchoolRules.CalendarAsync(system, school)).NextReviewDate(FlexiSchooling.Domain.Calendar.ReviewCadence.Fortnightly, today);
            Assert.Equal(fortnightly, await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT review_due FROM risk_assessments WHERE arrangement_id = '{id}'"));
        }

        Assert.Equal(6L, await Records.CountAsync($"SELECT count(*) FROM risk_assessments r, jsonb_array_elements(r.rows) row WHERE r.arrangement_id = '{id}' AND (row->>'mandatory')::boolean"));
        // Every gate met: the head's action is now the start itself (003: the head approves and starts at Hinckley).
        Assert.Contains($"href=\"/Cases/{id}/Consents\">Start the part-time timetable", await (await head.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);

        // Its narrative opens for the head, the DSL and trust leads; the SENCO sees the case and that it exists, not its content.
        var riskPdf = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'RiskAssessment'");
        var senco = await clocked.SignInAsync(FlexiFactory.Email("senco", "castlehill"));
        Assert.Equal(HttpStatusCode.NotFound, (await senco.GetAsync($"/Cases/Document/{riskPdf}")).StatusCode);
        var sencoCase = await (await senco.GetAsync($"/Cases/{id}")).HtmlAsync();
        Assert.Contains("Approved risk assessment", sencoCase, StringComparison.Ordinal);
        Assert.DoesNotContain($"/Cases/Document/{riskPdf}", sencoCase, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await dsl.GetAsync($"/Cases/Document/{riskPdf}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await clocked.SignInAsync(FlexiFactory.Email("trustlead", "northfield"))).GetAsync($"/Cases/Document/{riskPdf}")).StatusCode);

        // Started on its agreed start date (a date that has passed, so it is asked for): afternoons out of school as C2.
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(consents, consents + "?handler=Start", ("StartedOn", "2026-11-16"))).StatusCode);
        Assert.Equal(new DateOnly(2026, 11, 16), await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT started_on FROM arrangements WHERE id = '{id}'"));
        Assert.Equal(2L, await Records.CountAsync($"SELECT count(*) FROM expected_marks WHERE pupil_id = '{pupil}' AND code = 'C2' AND NOT expected_in_school"));
        var group = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT registration_group_id FROM pupils WHERE id = '{pupil}'");
        Assert.Contains("Expected: C2 (Part-time timetable)", await (await head.GetAsync($"/Attendance/Register/{group}?date=2026-11-17&session=PM")).HtmlAsync(), StringComparison.Ordinal);

        // The fortnightly review: the parent's signature is part of the record (003 appendix 1).
        var reviewId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM arrangement_reviews WHERE arrangement_id = '{id}' AND due_on = '2026-11-30'");
        var review = $"/Cases/Review/{reviewId}";
        (string, string)[] held = [("Input.HeldOn", "2026-11-30"), ("Input.Attendees", "Head of year, Sarah Example, the pupil"), ("Input.Progress", "Every morning attended"),
            ("Input.ParentEvidence", "Pleased; afternoons at home are calm"), ("Input.PupilView", "Ready for two full days"), ("Input.Outcome", "Continue"), ("Input.OutcomeNotes", "Phase 2 from 4 January as planned")];
        var unsigned = await (await PostWithVersionAsync(head, review, held)).HtmlAsync();
        Assert.Contains("Enter the name the parent signed the review record with", unsigned, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, review, [.. held, ("Input.ParentSignedBy", "Sarah Example")])).StatusCode);
        Assert.Equal(new DateOnly(2026, 12, 14), await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT max(due_on) FROM arrangement_reviews WHERE arrangement_id = '{id}'"));
        var record = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'ReviewRecord'");
        var recordText = await PdfText.OfAsync(await (await head.GetAsync($"/Cases/Document/{record}")).Content.ReadAsByteArrayAsync());
        foreach (var expected in new[] { "Review record", "Part-time timetable", "The parents' view", "Signed by the parent", "Sarah Example", "Phase 2 from 4 January" })
        {
            Assert.Contains(expected, recordText, StringComparison.Ordinal);
        }

        // The review agreed Tuesday afternoons in school sooner: stepped up from tomorrow, the register follows; less time is refused at the field.
        var tomorrow = day.AddDays(1);
        var stepUp = $"/Cases/{id}/StepUp";
        (string, string)[] step = [("Input.From", tomorrow.ToString("yyyy-MM-dd")), .. Mornings.Split(',').Concat(["Tuesday:PM"]).Select(x => ("Input.InSchool", x))];
        var less = await (await PostWithVersionAsync(head, stepUp, [.. step, ("Input.HoursInSchool", "11")])).HtmlAsync();
        Assert.Contains("id=\"Input_HoursInSchool-error\"", less, StringComparison.Ordinal);
        Assert.Contains("never less", less, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, stepUp, [.. step, ("Input.HoursInSchool", "14.5")])).StatusCode);
        var nextTuesday = tomorrow.AddDays(((int)DayOfWeek.Tuesday - (int)tomorrow.DayOfWeek + 7) % 7);
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM expected_marks WHERE pupil_id = '{pupil}' AND withdrawn_at IS NULL AND \"from\" <= '{nextTuesday:yyyy-MM-dd}' AND \"to\" >= '{nextTuesday:yyyy-MM-dd}' AND sessions & 2 <> 0 AND (weekdays = 0 OR weekdays & {1 << (int)DayOfWeek.Tuesday} <> 0)"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM expected_marks WHERE pupil_id = '{pupil}' AND withdrawn_at IS NULL AND \"from\" <= '{nextTuesday.AddDays(-1):yyyy-MM-dd}' AND \"to\" >= '{nextTuesday.AddDays(-1):yyyy-MM-dd}' AND sessions & 2 <> 0 AND (weekdays = 0 OR weekdays & {1 << (int)DayOfWeek.Monday} <> 0)"));
        Assert.Contains("Plan stepped up", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);

        // Back to full time from 4 January: the register places nothing for the pupil from then, and the outcome is kept.
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(head, $"/Cases/{id}/FullTime", ("Input.FullTimeFrom", "2027-01-04"), ("Input.Outcome", "Back to full time after the review; no further support needed"))).StatusCode);
        Assert.Equal("Ended", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM expected_marks WHERE pupil_id = '{pupil}' AND withdrawn_at IS NULL AND \"to\" >= '2027-01-04'"));
        Assert.Contains("full time from 4 January 2027", await (await head.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_emet_the_ap_leader_approves_a_part_time_timetable_and_the_head_alone_cannot()
    {
        // 004 §9.5: "all part-time timetables must be approved by the Alternative Provision Leader".
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "millbrook"));
        var apLeader = await Factory.SignInAsync(FlexiFactory.Email("apleader", "millbrook"));
        var id = CaseId(await head.PostFormAsync("/PartTime/Propose", Plan(await PupilAsync("Millbrook", 8), end: "2027-03-26")));
        Assert.Equal(HttpStatusCode.NotFound, (await head.GetAsync($"/Cases/{id}/Approval")).StatusCode);
        Assert.DoesNotContain($"/Cases/{id}/Approval", await (await head.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Approve or decline the part-time timetable", await (await apLeader.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await PostWithVersionAsync(apLeader, $"/Cases/{id}/Approval", ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-16"))).StatusCode);
        Assert.Equal("Agreed", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));
        Assert.Equal(await Records.UserAsync(FlexiFactory.Email("apleader", "millbrook")), await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT decided_by FROM arrangements WHERE id = '{id}'"));
    }

    [Fact]
    public async Task The_parent_consents_by_typed_name_through_a_one_time_emailed_link_with_the_plan_they_read_kept_as_evidence()
    {
        // 002 §4.2(1) written parental consent, given the way the flexi agreement is signed (ADR 0014): no account, once.
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var id = CaseId(await head.PostFormAsync("/PartTime/Propose", Plan(await PupilAsync("Castle Hill", 8))));
        await PostWithVersionAsync(head, $"/Cases/{id}/Approval", ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-16"));
        var consents = $"/Cases/{id}/Consents";
        Assert.Contains("email address, like name@example.com", await (await head.PostFormAsync(consents, consents + "?handler=SendLink", ("LinkName", "Sarah Example"), ("LinkEmail", "nope"))).HtmlAsync(), StringComparison.Ordinal);
        var email = $"parent-{id:N}@example.org";
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(consents, consents + "?handler=SendLink", ("LinkName", "Sarah Example"), ("LinkEmail", email))).StatusCode);
        var token = Regex.Match(await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT text_body FROM outbox_messages WHERE \"to\" = '{email}'"), @"/Sign\?token=([\w-]+)").Groups[1].Value;
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM agreement_signature_links WHERE token_hash = '{token}'")); // only its hash is kept

        var parent = Factory.NewClient();
        var url = $"/Sign?token={token}";
        Assert.Contains("Give your consent to the part-time timetable for", await (await parent.GetAsync(url)).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal("application/pdf", (await parent.GetAsync($"/Sign?handler=Agreement&token={token}")).Content.Headers.ContentType?.MediaType);
        Assert.Contains("Confirm that you have read the plan", await (await parent.PostFormAsync(url, url, ("token", token), ("TypedName", "Sarah Example"))).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Consent given", await (await parent.PostFormAsync(url, url, ("token", token), ("TypedName", "Sarah Example"), ("Confirmed", "true"))).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync($"""
            SELECT count(*) FROM arrangement_consents c JOIN case_documents d ON d.id = c.evidence_document_id
             WHERE c.arrangement_id = '{id}' AND c.party = 'Parent' AND c.answer = 'Given' AND c.by = 'Sarah Example (typed name through the emailed link)' AND d.kind = 'PartTimePlan'
            """));
        Assert.Contains("already been used", await (await parent.GetAsync(url)).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Completed", await (await head.GetAsync(consents)).HtmlAsync(), StringComparison.Ordinal);
        // Once consent is given, no further link is sent.
        Assert.Contains("still needed", await (await head.PostFormAsync(consents, consents + "?handler=SendLink", ("LinkName", "Sarah Example"), ("LinkEmail", email))).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parent_who_refuses_consent_leaves_the_pupil_full_time()
    {
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var pupil = await PupilAsync("Castle Hill", 10);
        var id = CaseId(await head.PostFormAsync("/PartTime/Propose", Plan(pupil)));
        await PostWithVersionAsync(head, $"/Cases/{id}/Approval", ("Input.Outcome", "Agreed"), ("Input.DecidedOn", "2026-11-16"));
        Assert.Equal(HttpStatusCode.Redirect, (await RecordAsync(head, id, "Parent", "Refused", "Sarah Example (mother)")).StatusCode);
        var consents = $"/Cases/{id}/Consents";
        Assert.Contains("The parent refused consent: the pupil stays on a full-time timetable", await (await head.GetAsync(consents)).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Give the reason it was withdrawn", await (await head.PostFormAsync(consents, consents + "?handler=Withdraw")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(consents, consents + "?handler=Withdraw", ("WithdrawReason", "The parent refused consent"))).StatusCode);
        Assert.Equal("Withdrawn", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT stage FROM arrangements WHERE id = '{id}'"));
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM expected_marks WHERE pupil_id = '{pupil}'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangement_consents WHERE arrangement_id = '{id}' AND party = 'Parent' AND answer = 'Refused'"));
    }

    [Fact]
    public async Task A_missing_welfare_check_is_on_the_follow_up_list_until_the_attendance_officer_records_it()
    {
        // 004 §9.6: on a day with no time in school, an extra safety and welfare check. The demo's Millbrook timetable has no
        // time in school on Fridays, and its latest Friday's check is missing.
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "millbrook"));
        var id = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db),
            "SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name = 'Millbrook Community School' AND a.kind = 'PartTimeTimetable' AND a.stage = 'Running'");
        var missing = await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"""
            SELECT max(m."date") FROM attendance_marks m JOIN arrangements a ON a.pupil_id = m.pupil_id
             WHERE a.id = '{id}' AND extract(isodow FROM m."date") = 5 AND m."date" >= a.started_on
            """);
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM welfare_checks WHERE arrangement_id = '{id}' AND date = '{missing:yyyy-MM-dd}'"));
        Assert.True(await Records.CountAsync($"SELECT count(*) FROM welfare_checks WHERE arrangement_id = '{id}'") >= 1);
        var followUp = await (await officer.GetAsync("/Attendance/FollowUp")).HtmlAsync();
        Assert.Contains($"Not recorded: {missing:ddd d MMM}, a day the part-time timetable gives no time in school", followUp, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Cases/{id}/WelfareChecks\"", followUp, StringComparison.Ordinal);

        // Refused at its field, nothing saved: a day with time in school, and a day already checked.
        var page = $"/Cases/{id}/WelfareChecks";
        var thursday = missing.AddDays(-1).ToString("yyyy-MM-dd");
        Assert.Contains("No welfare check is due on", await (await officer.PostFormAsync(page, ("Input.Date", thursday), ("Input.Method", "Phone"), ("Input.Outcome", "Spoke to mum"))).HtmlAsync(), StringComparison.Ordinal);
        var checkedFriday = missing.AddDays(-7).ToString("yyyy-MM-dd");
        Assert.Contains("already recorded", await (await officer.PostFormAsync(page, ("Input.Date", checkedFriday), ("Input.Method", "Phone"), ("Input.Outcome", "Spoke to mum"))).HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await officer.PostFormAsync(page, ("Input.Date", missing.ToString("yyyy-MM-dd")), ("Input.Method", "HomeVisit"), ("Input.Outcome", "Visited at 11:00: the pupil was working on maths with mum; well and safe."))).StatusCode);
        Assert.DoesNotContain($"Not recorded: {missing:ddd d MMM}", await (await officer.GetAsync("/Attendance/FollowUp")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Home visit", await (await officer.GetAsync(page)).HtmlAsync(), StringComparison.Ordinal);
        // A teacher, who may not see cases, cannot open them at all.
        Assert.Equal(HttpStatusCode.NotFound, (await (await Factory.SignInAsync(FlexiFactory.Email("teacher", "millbrook"))).GetAsync(page)).StatusCode);
    }

    [Fact]
    public async Task The_demo_has_a_running_hinckley_timetable_in_its_eleventh_week_with_a_review_overdue_and_one_approved_by_emets_ap_leader()
    {
        var castleHill = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db),
            "SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name = 'Castle Hill Academy' AND a.kind = 'PartTimeTimetable' AND a.stage = 'Running'");
        var (start, end) = (await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT start_date FROM part_time_plans WHERE arrangement_id = '{castleHill}'"),
            await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT end_date FROM part_time_plans WHERE arrangement_id = '{castleHill}'"));
        var seededOn = DateOnly.FromDateTime(TestDatabase.SeededOn.UtcDateTime);
        Assert.Equal(11, ((seededOn.DayNumber - start.DayNumber) / 7) + 1);
        Assert.True(end <= start.AddDays((12 * 7) - 1));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangement_reviews WHERE arrangement_id = '{castleHill}' AND held_on IS NULL AND due_on < '{seededOn:yyyy-MM-dd}'"));
        Assert.True(await Records.CountAsync($"SELECT count(*) FROM arrangement_reviews WHERE arrangement_id = '{castleHill}' AND held_on IS NOT NULL AND parent_signed_by IS NOT NULL") >= 3);
        // Its sessions out of school are C2 in the demo's register, not counted as expected in school.
        Assert.True(await Records.CountAsync($"SELECT count(*) FROM attendance_marks m JOIN arrangements a ON a.pupil_id = m.pupil_id WHERE a.id = '{castleHill}' AND m.code = 'C2' AND NOT m.expected_in_school") > 0);

        var millbrookApprover = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db),
            "SELECT a.decided_by FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name = 'Millbrook Community School' AND a.kind = 'PartTimeTimetable' AND a.stage = 'Running'");
        Assert.Equal(await Records.UserAsync(FlexiFactory.Email("apleader", "millbrook")), millbrookApprover);

        // The trust lead sees both kinds of case on the one list; the overdue review is on the head's actions.
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var list = await (await head.GetAsync("/Cases?kind=PartTimeTimetable")).HtmlAsync();
        Assert.Contains("Hold the review", list, StringComparison.Ordinal);
        Assert.Contains("Part-time timetable", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Flexi-schooling</td>", list, StringComparison.Ordinal);
        var lead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        Assert.Contains("Review overdue: waiting for the school to hold it", await (await lead.GetAsync("/Cases")).HtmlAsync(), StringComparison.Ordinal);
    }
}
