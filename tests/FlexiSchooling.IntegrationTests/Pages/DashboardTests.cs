using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>
/// Issue 13, "The trust dashboard": per school, every number is the length of the list behind it and equals the records
/// counted straight from the database; the lists filter and export; no number or list crosses a school or a trust.
/// </summary>
public sealed class DashboardTests : AppTest
{
    private static readonly string[] Measures =
        ["Running", "InProgress", "ReviewOverdue", "ReviewDueSoon", "FormalReviewOpen", "PartTimePastEnd", "PartTimeEndingSoon", "FlexiBelowThreshold", "ProviderNeedsAction", "PersistentAbsence", "SevereAbsence"];

    /// <summary>Each linked number on the dashboard with the list it opens: (href, number).</summary>
    internal static List<(string Href, int Number)> Numbers(string html) =>
        [.. Regex.Matches(html, "<a class=\"govuk-link\" href=\"(/Dashboard/List\\?[^\"]+)\">(\\d+)<span").Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>How many pupils a list says it has.</summary>
    internal static int Listed(string html) => Regex.Match(html, "<p class=\"govuk-body\">(\\d+) pupils?") is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;

    [Fact]
    public async Task Dashboard_numbers_equal_their_lists_and_the_records_behind_them_and_never_cross_a_school_or_trust()
    {
        var lead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var html = await (await lead.GetAsync("/Dashboard")).HtmlAsync();
        var numbers = Numbers(html);
        Assert.NotEmpty(numbers);
        foreach (var (href, number) in numbers)
        {
            var list = await (await lead.GetAsync(href)).HtmlAsync();
            Assert.True(number == Listed(list), $"{href}: the dashboard says {number}, the list has {Listed(list)}");
            Assert.Equal(number, Regex.Matches(list, "<tr class=\"govuk-table__row\">").Count - 1);
        }

        // The same counts straight from the records, school by school.
        foreach (var school in new[] { "Ashby Lane", "Brookside", "Castle Hill" })
        {
            var id = await Records.SchoolAsync(school);
            var running = await Records.CountAsync($"SELECT count(*) FROM arrangements WHERE school_id = '{id}' AND stage = 'Running'");
            var overdue = await Records.CountAsync($"""
                SELECT count(*) FROM arrangement_reviews r JOIN arrangements a ON a.id = r.arrangement_id
                 WHERE a.school_id = '{id}' AND a.stage = 'Running' AND r.kind = 'Scheduled' AND r.held_on IS NULL
                   AND r.due_on < (now() AT TIME ZONE 'Europe/London')::date
                """);
            var inProgress = await Records.CountAsync($"SELECT count(*) FROM arrangements WHERE school_id = '{id}' AND stage IN ('Requested', 'MeetingHeld', 'Proposed', 'Agreed')");
            Assert.Equal(running, Sum(numbers, "Running", id));
            Assert.Equal(overdue, Sum(numbers, "ReviewOverdue", id));
            Assert.Equal(inProgress, Sum(numbers, "InProgress", id));
        }

        // The other trust's lead sees none of Northfield's schools; a head sees only their own school, and asking for another is not found.
        var other = await (await (await Factory.SignInAsync(FlexiFactory.Email("trustlead", "staidans"))).GetAsync("/Dashboard")).HtmlAsync();
        Assert.DoesNotContain("Ashby Lane", other, StringComparison.Ordinal);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var own = await (await head.GetAsync("/Dashboard")).HtmlAsync();
        Assert.Contains("data-school=\"Ashby Lane", own, StringComparison.Ordinal);
        Assert.DoesNotContain("Castle Hill", own, StringComparison.Ordinal);
        var castle = await Records.SchoolAsync("Castle Hill");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await head.GetAsync($"/Dashboard/List?measure=Running&school={castle}")).StatusCode);
        var teacher = await (await Factory.SignInAsync(FlexiFactory.Email("teacher", "ashby"))).GetAsync("/Dashboard");
        Assert.Contains("AccessDenied", teacher.Headers.Location?.ToString() ?? "", StringComparison.Ordinal); // a teacher sees no cases
    }

    [Fact]
    public async Task Dashboard_lists_filter_by_kind_year_and_vulnerable_group_and_export_the_same_rows_as_CSV()
    {
        var lead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var all = Listed(await (await lead.GetAsync("/Dashboard/List?measure=Running")).HtmlAsync());
        var byKind = 0;
        foreach (var kind in new[] { "FlexiSchooling", "PartTimeTimetable", "AlternativeProvision" })
        {
            var n = Listed(await (await lead.GetAsync($"/Dashboard/List?measure=Running&kind={kind}")).HtmlAsync());
            Assert.Equal(await Records.CountAsync($"SELECT count(*) FROM arrangements a JOIN schools s ON s.id = a.school_id JOIN trusts t ON t.id = s.trust_id WHERE t.name LIKE 'Northfield%' AND a.stage = 'Running' AND a.kind = '{kind}'"), n);
            byKind += n;
        }

        Assert.Equal(all, byKind);
        var ehcp = Listed(await (await lead.GetAsync("/Dashboard/List?measure=Running&group=Ehcp")).HtmlAsync());
        Assert.Equal(await Records.CountAsync("SELECT count(*) FROM arrangements a JOIN pupils p ON p.id = a.pupil_id JOIN schools s ON s.id = a.school_id JOIN trusts t ON t.id = s.trust_id WHERE t.name LIKE 'Northfield%' AND a.stage = 'Running' AND p.ehcp"), ehcp);
        var year = await Records.CountAsync("SELECT min(p.year_group)::bigint FROM arrangements a JOIN pupils p ON p.id = a.pupil_id WHERE a.stage = 'Running'");
        Assert.Equal(await Records.CountAsync($"SELECT count(*) FROM arrangements a JOIN pupils p ON p.id = a.pupil_id JOIN schools s ON s.id = a.school_id JOIN trusts t ON t.id = s.trust_id WHERE t.name LIKE 'Northfield%' AND a.stage = 'Running' AND p.year_group = {year}"),
            Listed(await (await lead.GetAsync($"/Dashboard/List?measure=Running&year={year}")).HtmlAsync()));

        var csv = await lead.GetAsync("/Dashboard/List?measure=Running&handler=Csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("School,UPN,Pupil,Year,Arrangement", lines[0], StringComparison.Ordinal);
        Assert.Equal(all, lines.Length - 1);
    }

    [Fact]
    public async Task Dashboard_draws_each_chart_with_its_table_of_numbers()
    {
        var html = await (await (await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"))).GetAsync("/Dashboard")).HtmlAsync();
        foreach (var chart in new[] { "trend", "over-time", "on-time" })
        {
            Assert.Matches($"<svg class=\"app-chart\" id=\"{chart}-chart\"[^>]*role=\"img\" aria-labelledby=\"{chart}-chart-title {chart}-chart-desc\"", html);
            Assert.Contains($"id=\"{chart}-table\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dashboard_reviews_on_time_chart_counts_the_years_reviews_as_the_records_do_for_every_kind_and_one()
    {
        // On the template's autumn day, so "this school year" is the demo's (found running the tests 400 days ahead).
        using var autumn = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var lead = await autumn.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var today = $"DATE '{TestDatabase.AutumnDay:yyyy-MM-dd}'";
        // The chart counts reviews grouped by their dates (TrustPicture.ReviewDatesAsync); the records are counted here one by one.
        foreach (var (query, kind) in new[] { ("", ""), ("?kind=FlexiSchooling", "AND a.kind = 'FlexiSchooling'") })
        {
            var html = await (await lead.GetAsync("/Dashboard" + query)).HtmlAsync();
            var table = Regex.Match(html, "id=\"on-time-table\".*?</table>", RegexOptions.Singleline).Value;
            int Row(string name) => Regex.Match(table, $"<th scope=\"row\" class=\"govuk-table__header\">{name}</th>(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value is var cells
                ? Regex.Matches(cells, ">(\\d+)</td>").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) : 0;
            var due = $"""
                FROM arrangement_reviews r JOIN arrangements a ON a.id = r.arrangement_id JOIN schools s ON s.id = a.school_id JOIN trusts t ON t.id = s.trust_id
                 WHERE t.name LIKE 'Northfield%' AND r.kind = 'Scheduled' {kind}
                   AND r.due_on >= make_date(extract(year FROM {today} - 243)::int, 9, 1)
                   AND r.due_on < {today}
                """;
            var onTime = await Records.CountAsync($"SELECT count(*) {due} AND r.held_on <= r.due_on");
            var late = await Records.CountAsync($"SELECT count(*) {due} AND r.held_on > r.due_on");
            var overdue = await Records.CountAsync($"SELECT count(*) {due} AND r.held_on IS NULL");
            Assert.True(onTime + late + overdue > 0 || query != "", "the demo trust has reviews due this school year");
            Assert.Equal((onTime, late, overdue), (Row("Held on time"), Row("Held late"), Row("Overdue, not held")));
        }
    }

    [Fact]
    public async Task Governors_report_counts_the_terms_cases_and_reviews_names_no_pupil_and_is_kept_to_the_readers_schools()
    {
        // On the test's own clock, in the autumn term (Wednesday 25 November 2026), and the records read as of that day: "the
        // term" is the autumn term whatever day the test runs on.
        using var autumn = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var governor = await autumn.SignInAsync(FlexiFactory.Email("governor", "castlehill"));
        var html = await (await governor.GetAsync("/Dashboard/Governors")).HtmlAsync();
        Assert.Contains("Castle Hill", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Ashby Lane", html, StringComparison.Ordinal);
        // The term's cases straight from the records: started in the term, per kind.
        var castle = await Records.SchoolAsync("Castle Hill");
        var term = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT name FROM terms WHERE school_id = '{castle}' AND start_date <= '{TestDatabase.AutumnDay:yyyy-MM-dd}'::date ORDER BY start_date DESC LIMIT 1");
        Assert.Contains(term, html, StringComparison.Ordinal);
        foreach (var (kind, label) in new[] { ("FlexiSchooling", "Flexi-schooling"), ("PartTimeTimetable", "Part-time timetable"), ("AlternativeProvision", "Alternative provision") })
        {
            var started = await Records.CountAsync($"""
                SELECT count(*) FROM arrangements a, terms t WHERE t.school_id = '{castle}' AND t.name = '{term}' AND a.school_id = '{castle}' AND a.kind = '{kind}'
                   AND a.started_on BETWEEN t.start_date AND least(t.end_date, '{TestDatabase.AutumnDay:yyyy-MM-dd}'::date)
                """);
            Assert.Matches($"<tr><th scope=\"row\">{label}</th><td class=\"num\">\\d+</td><td class=\"num\">\\d+</td><td class=\"num\">{started}</td>", html);
        }

        // No pupil named: none of the school's surnames appears in the report.
        var surnames = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT string_agg(DISTINCT p.legal_surname, '|') FROM pupils p JOIN arrangements a ON a.pupil_id = p.id WHERE a.school_id = '{castle}'");
        var report = html[html.IndexOf("class=\"app-report\"", StringComparison.Ordinal)..];
        Assert.All(surnames.Split('|'), s => Assert.DoesNotContain(s, report, StringComparison.Ordinal));

        // The PDF is the same report.
        var pdf = await governor.GetAsync("/Dashboard/Governors?handler=Pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var text = await PdfText.OfAsync(await pdf.Content.ReadAsByteArrayAsync());
        Assert.Contains("Off-site directions made", text, StringComparison.Ordinal);
        Assert.Contains("Attendance by week in the term", text, StringComparison.Ordinal);

        // Another school is not found for this governor; the trust lead has the whole trust; a teacher has none.
        var ashby = await Records.SchoolAsync("Ashby Lane");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await governor.GetAsync($"/Dashboard/Governors?school={ashby}")).StatusCode);
        var lead = await (await (await autumn.SignInAsync(FlexiFactory.Email("trustlead", "northfield"))).GetAsync("/Dashboard/Governors")).HtmlAsync();
        Assert.Contains("the 3 schools of Northfield", lead, StringComparison.Ordinal);
        var teacher = await (await autumn.SignInAsync(FlexiFactory.Email("teacher", "ashby"))).GetAsync("/Dashboard/Governors");
        Assert.Contains("AccessDenied", teacher.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_trend_keeps_closed_weeks_summed_and_a_change_to_a_weeks_marks_sums_it_again()
    {
        // On the test's own clock (Wednesday 25 November 2026), so that the week of 9 November is a closed week inside the trend
        // whatever day the test runs on.
        using var autumn = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        // ADR 0026: the first view keeps each school's closed weeks summed; they equal the pupils' weeks summed afresh.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), "DELETE FROM attendance_school_weeks"); // the demo's rebuild kept them: start cold
        var lead = await autumn.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        await lead.GetAsync("/Dashboard");
        var ashby = await Records.SchoolAsync("Ashby Lane");
        var week = new DateOnly(2026, 11, 9);
        const string Fresh = "SELECT sum(present + approved_activity)::bigint FROM attendance_pupil_weeks WHERE school_id = '{0}' AND week_start = '2026-11-09'";
        var kept = $"SELECT coalesce(sum(attending), -1)::bigint FROM attendance_school_weeks WHERE school_id = '{ashby}' AND week_start = '2026-11-09'";
        Assert.Equal(await Records.CountAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Fresh, ashby)), await Records.CountAsync(kept));
        Assert.True(await Records.CountAsync("SELECT count(*) FROM attendance_school_weeks") >= 9); // three closed weeks of marks, three schools

        // An attendance officer changes a mark of that week (a locked register, so with its reason): the kept sum goes in the same save.
        var officer = await autumn.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var group = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT id FROM registration_groups WHERE school_id = '{ashby}' AND name = 'Year 6 A'");
        var form = await RegisterForm.OpenAsync(officer, group, week.AddDays(1));
        var pupil = form.Pupils[0];
        form.Set(pupil, "Code", form.Get(pupil, "Code") == "/" ? "I" : "/").Set(pupil, "Reason", "Doctor's note seen");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await form.PostAsync(officer)).StatusCode);
        Assert.Equal(-1L, await Records.CountAsync(kept));
        Assert.True(await Records.CountAsync($"SELECT count(*) FROM attendance_school_weeks WHERE week_start = '2026-11-09' AND school_id <> '{ashby}'") > 0); // other schools' sums stay

        // The next view sums it again from the truth, and the page shows that figure.
        var html = await (await lead.GetAsync("/Dashboard")).HtmlAsync();
        var fresh = await Records.CountAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Fresh, ashby));
        Assert.Equal(fresh, await Records.CountAsync(kept));
        var possible = await Records.CountAsync($"SELECT sum(possible)::bigint FROM attendance_pupil_weeks WHERE school_id = '{ashby}' AND week_start = '2026-11-09'");
        var percent = Math.Round(100m * fresh / possible, 1).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%";
        var row = html[html.IndexOf("id=\"trend-table\"", StringComparison.Ordinal)..];
        row = row[row.IndexOf("Ashby Lane", StringComparison.Ordinal)..row.IndexOf("</tr>", row.IndexOf("Ashby Lane", StringComparison.Ordinal), StringComparison.Ordinal)];
        Assert.Contains(percent, row, StringComparison.Ordinal);
    }

    private static int Sum(List<(string Href, int Number)> numbers, string measure, Guid school) =>
        numbers.Where(n => n.Href.Contains($"measure={measure}&", StringComparison.Ordinal) && n.Href.Contains($"school={school}", StringComparison.Ordinal)).Sum(n => n.Number);
}
