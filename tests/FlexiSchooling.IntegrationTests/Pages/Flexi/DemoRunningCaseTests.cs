using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages.Flexi;

/// <summary>
/// The demo's running flexi-schooling case (what `scripts/run` seeds in the web host): walked through the
/// same domain steps as the pages, its documents produced by the one renderer, its register and its formal
/// review as the application makes them.
/// </summary>
public sealed class DemoRunningCaseTests(DemoRunningCaseDatabase database) : IClassFixture<DemoRunningCaseDatabase>
{
    private FlexiFactory Factory => database.Factory;

    private DemoRecords Records => database.Records;

    private string Db => database.Db;

    [Fact]
    public async Task Demo_running_case_is_running_with_its_documents_home_sessions_coded_C_and_a_formal_review_raised_below_97_percent()
    {
        await DemoSeeder.SeedAsync(Factory.Services, withRunningCase: true); // seeded once: the class's database is seeded already
        Assert.Equal(1L, await Records.CountAsync("SELECT count(*) FROM arrangements WHERE started_on IS NOT NULL AND kind = 'FlexiSchooling'"));
        var id = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM arrangements WHERE started_on IS NOT NULL AND kind = 'FlexiSchooling'");
        // The two running part-time timetables (issue 11) are seeded with their plans as PDFs, as scripts/run seeds them.
        Assert.Equal(2L, await Records.CountAsync("SELECT count(*) FROM arrangements a WHERE a.kind = 'PartTimeTimetable' AND a.stage = 'Running' AND EXISTS (SELECT 1 FROM case_documents d WHERE d.arrangement_id = a.id AND d.kind = 'PartTimePlan')"));

        // Every gate met and started on the first day of the demo's marks (Monday 2 November 2026).
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangements WHERE id = '{id}' AND stage = 'Running' AND started_on = '2026-11-02' AND EXISTS (SELECT 1 FROM arrangement_consents c JOIN case_documents d ON d.id = c.evidence_document_id WHERE c.arrangement_id = arrangements.id AND c.party = 'LocalAuthority' AND d.kind = 'LocalAuthorityNotification')"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM flexi_agreements WHERE arrangement_id = '{id}' AND parent_signed_on IS NOT NULL AND school_signed_on IS NOT NULL"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM risk_assessments WHERE arrangement_id = '{id}' AND status = 'Approved' AND submitted_by <> approved_by"));

        // Home sessions (Mondays and Fridays) in the register as C, not expected in school (000 §5); the agreed
        // sessions expected in school; no other day of the week coded C.
        Assert.Equal(0L, await Records.CountAsync($"""
            SELECT count(*) FROM attendance_marks m JOIN arrangements a ON a.pupil_id = m.pupil_id
             WHERE a.id = '{id}' AND m.date >= '2026-11-02'
               AND ((extract(isodow FROM m.date) IN (1, 5)) <> (m.code = 'C' AND NOT m.expected_in_school AND m.expected_mark_id IS NOT NULL))
            """));
        Assert.True(await Records.CountAsync($"SELECT count(*) FROM attendance_marks m JOIN arrangements a ON a.pupil_id = m.pupil_id WHERE a.id = '{id}' AND m.date >= '2026-11-02' AND m.code = 'C'") >= 12);
        // The first entry of each mark's history says what the register recorded.
        Assert.Equal(0L, await Records.CountAsync($"""
            SELECT count(*) FROM attendance_marks m JOIN arrangements a ON a.pupil_id = m.pupil_id
              JOIN attendance_mark_changes c ON c.mark_id = m.id AND c.old_code IS NULL
             WHERE a.id = '{id}' AND c.new_code <> m.code
            """));

        // The illness on an agreed day takes attendance at the agreed sessions below DDAT's 97%: the formal review is
        // raised, waiting for the Deputy CEO (000 §7), beside the termly review scheduled at the start.
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangement_reviews WHERE arrangement_id = '{id}' AND kind = 'Formal' AND needs_agreement_of = 'Deputy CEO' AND agreed_on IS NULL"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM arrangement_reviews WHERE arrangement_id = '{id}' AND kind = 'Scheduled' AND due_on = '2026-12-18'"));

        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var page = await head.GetAsync($"/Cases/{id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("At the agreed school sessions", html);
        Assert.Contains("Statutory, counting home sessions as absence", html);
        foreach (var document in new[] { "Parent's request", "Decision letter", "Agreement for signing", "Approved risk assessment", "Signed agreement (scan)", "Notification letter" })
        {
            Assert.Contains(document, html);
        }

        // The agreement reads as the pages produce it: the pupil, the sessions in school, DDAT's rules.
        var agreement = await Records.CountAsync($"SELECT count(*) FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'Agreement'");
        Assert.Equal(1L, agreement);
        var agreementId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM case_documents WHERE arrangement_id = '{id}' AND kind = 'Agreement'");
        var text = await PdfText.OfAsync(await head.GetByteArrayAsync($"/Cases/Document/{agreementId}"));
        Assert.Contains("Starts on Monday 2 November 2026", text);
        Assert.Contains("Monday Home Home Tuesday School School Wednesday School School Thursday School School Friday Home Home", text);
        Assert.Contains("97", text);
        Assert.Contains(await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT p.legal_surname FROM pupils p JOIN arrangements a ON a.pupil_id = p.id WHERE a.id = '{id}'"), text);

        // The trust lead is asked to agree the formal review.
        var lead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        Assert.Contains("formal review", WebUtility.HtmlDecode(await (await lead.GetAsync("/Cases")).Content.ReadAsStringAsync()), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The demo shows its formal review whichever day it is seeded (scripts/run seeds on the day it first runs): the
    /// illness covers as many of the latest agreed days as take attendance at the agreed sessions below 97%, and no more.
    /// Seeded on 17 February 2027 one day ill left 97.4% (76 of 78) and no formal review (found seventy-five days ahead).
    /// </summary>
    [Theory]
    [InlineData(9, 1)] // the tests' template, seeded on 21 November 2026: 16 of 18 sessions, 88.9%
    [InlineData(39, 2)] // seeded in February half term: 74 of 78, 94.9%
    public void Demo_case_is_ill_on_as_many_of_its_latest_agreed_days_as_take_it_below_97_percent(int agreedDays, int illDays)
    {
        static List<DateOnly> Days(int count) => [.. Enumerable.Range(0, count).Select(i => new DateOnly(2026, 11, 3).AddDays(i))];
        static List<DateOnly> BothSessions(List<DateOnly> days) => [.. days.SelectMany(d => new[] { d, d })];

        Assert.Equal(Days(agreedDays).TakeLast(illDays).ToHashSet(), DemoRunningCase.IllDays(BothSessions(Days(agreedDays)), 97m).ToHashSet());

        // Any length of case: below 97%, and one ill day fewer would not be.
        for (var count = 1; count <= 150; count++)
        {
            var sessions = BothSessions(Days(count));
            var ill = DemoRunningCase.IllDays(sessions, 97m);
            var attended = sessions.Count(d => !ill.Contains(d));
            Assert.True(attended * 100m / sessions.Count < 97m, $"{count} days");
            Assert.True(ill.Count == 1 || (attended + 2) * 100m / sessions.Count >= 97m, $"{count} days: more ill days than needed");
        }
    }

    [Fact]
    public async Task Dashboard_flexi_pupils_below_threshold_are_counted_as_the_formal_review_rule_counts_since_the_start_or_the_last_formal_review_held()
    {
        // 000 §7: below DDAT's 97% at the agreed school sessions, counted from the start or from the day after the last
        // formal review held. The demo's running case fell below it with an illness on an agreed day (DemoRunningCase).
        var lead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var caseId = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT a.id FROM arrangements a JOIN trusts t ON t.id = a.trust_id WHERE t.name LIKE 'Northfield%' AND a.kind = 'FlexiSchooling' AND a.stage = 'Running'");
        var pupil = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT pupil_id FROM arrangements WHERE id = '{caseId}'");
        var surname = await Records.PupilSurnameAsync(pupil);
        var illness = await TestDatabase.ScalarAsync<DateOnly>(TestDatabase.Super(Db), $"SELECT max(date) FROM attendance_marks WHERE pupil_id = '{pupil}' AND expected_in_school AND category NOT IN ('Present', 'ApprovedEducationalActivity')");
        async Task<string> ListAsync() => await (await lead.GetAsync("/Dashboard/List?measure=FlexiBelowThreshold")).HtmlAsync();
        async Task<int> OnDashboardAsync() => DashboardTests.Numbers(await (await lead.GetAsync("/Dashboard")).HtmlAsync()).Where(n => n.Href.Contains("measure=FlexiBelowThreshold", StringComparison.Ordinal)).Sum(n => n.Number);

        var list = await ListAsync();
        Assert.Equal(1, DashboardTests.Listed(list));
        Assert.Equal(2, await OnDashboardAsync()); // the school's cell and the trust's total
        Assert.Contains(surname, list, StringComparison.Ordinal);
        Assert.Matches("% of agreed school sessions since the start on \\d+ \\w+ 2026 \\(threshold 97%\\)", list);

        // The school adopts a profile with a threshold of 80% from 2 November: the case keeps the 97% it was decided
        // under (ADR 0007), so the pupil is still below it.
        var admin = await Factory.SignInAsync(FlexiFactory.Email("trustadmin", "northfield"));
        var school = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT school_id FROM arrangements WHERE id = '{caseId}'");
        var form = $"/Admin/Policy/New?school={school}&source=hinckley-attendance-2025-26";
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync(form, "/Admin/Policy/New",
            ("school", school.ToString()), ("source", "hinckley-attendance-2025-26"), ("Input.ApprovedBy", "Local governing body"), ("Input.ApprovedOn", "2026-11-01"),
            ("Input.EffectiveFrom", "2026-11-02"), ("Input.NextReviewDate", "2027-11-01"), ("Input.FlexiFormalReviewBelowPercent", "80"), ("Input.FlexiSchoolNoticeWeeks", "2"),
            ("Input.PartTimeMaxWeeks", "12"), ("Input.RegistersAmOpens", "08:30"), ("Input.RegistersPmOpens", "13:30"), ("Input.RegistersOpenMinutes", "20"))).StatusCode);
        list = await ListAsync();
        Assert.Equal(1, DashboardTests.Listed(list));
        Assert.Contains("(threshold 97%)", list, StringComparison.Ordinal);

        // The formal review held the day before the illness: the count starts again the next day, and the illness is in it.
        // (The class's other test reads the formal review open: it is left open again at the end.)
        async Task HoldAsync(DateOnly? on) => await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE arrangement_reviews SET held_on = {(on is { } d ? $"'{d:yyyy-MM-dd}'" : "NULL")} WHERE arrangement_id = '{caseId}' AND kind = 'Formal'");
        try
        {
            await HoldAsync(illness.AddDays(-1));
            list = await ListAsync();
            Assert.Equal(1, DashboardTests.Listed(list));
            Assert.Contains($"since the formal review held on {illness.AddDays(-1):d MMM yyyy}", list, StringComparison.Ordinal);

            // Held on the day of the illness: every agreed session since was attended, so the pupil is not below it —
            // though the school year's figure still is.
            await HoldAsync(illness);
            Assert.Equal(0, DashboardTests.Listed(await ListAsync()));
            Assert.Equal(0, await OnDashboardAsync());
        }
        finally
        {
            await HoldAsync(null);
        }
    }
}

/// <summary>
/// The class's database, migrated and seeded by the host as `scripts/run` does (the tests' template has no running case),
/// once for both its tests: seeding the running case renders its documents, about half a minute here.
/// </summary>
public sealed class DemoRunningCaseDatabase : IAsyncLifetime
{
    public FlexiFactory Factory { get; private set; } = null!;

    public DemoRecords Records { get; private set; } = null!;

    public string Db { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateEmptyAsync();
        await using (var services = TestDatabase.Services(Db, pooling: false))
        {
            await services.GetRequiredService<FlexiSchooling.Data.SystemDb>().MigrateAsync();
        }

        // Seeded and read on the template's autumn day, so the case's dates (its start on 2 November 2026) are the same
        // whichever day the tests run: the demo's dates follow the day it is seeded (DemoCalendar).
        Factory = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        Records = new DemoRecords(Db);
        await DemoSeeder.SeedAsync(Factory.Services, withRunningCase: true);
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return TestDatabase.DropAsync(Db);
    }
}
