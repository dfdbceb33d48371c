using System.Net;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Pages.Attendance;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FlexiSchooling.IntegrationTests.Pages.Attendance;

/// <summary>Issue 3, "Follow-up" and the trust view, through the application.</summary>
public sealed class FollowUpTests : AppTest
{
    [Fact]
    public async Task A_week_of_absence_lists_contact_and_home_visit_with_reasons_and_a_logged_visit_closes_it()
    {
        // A pupil present until 13 November, then absent (O) every session from 16 to 20 November.
        var pupil = await Records.PupilAtAsync("Ashby");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"""
            UPDATE attendance_marks SET code = '/', category = 'Present' WHERE pupil_id = '{pupil}' AND date < '2026-11-16' AND session = 'AM';
            UPDATE attendance_marks SET code = '\', category = 'Present' WHERE pupil_id = '{pupil}' AND date < '2026-11-16' AND session = 'PM';
            UPDATE attendance_marks SET code = 'O', category = 'Unauthorised' WHERE pupil_id = '{pupil}' AND date BETWEEN '2026-11-16' AND '2026-11-20';
            UPDATE pupils SET has_social_worker = false, sen_support = false, ehcp = false, looked_after = false, pupil_premium = false,
                   child_protection_plan = false, child_in_need_plan = false WHERE id = '{pupil}';
            """);
        // On a school day of its own: the list asks for no first-day contact on a day without school (a weekend, a holiday).
        using var wednesday = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var officer = await wednesday.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var html = await (await officer.GetAsync("/Attendance/FollowUp")).HtmlAsync();
        var row = html[html.IndexOf($"/Pupils/{pupil}\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("First-day contact", row, StringComparison.Ordinal);
        Assert.Contains("Absent since Mon 16 Nov (5 school days)", row, StringComparison.Ordinal);
        Assert.Contains("Day 5 of absence: a home visit is due from day 3", row, StringComparison.Ordinal);

        // The list groups by urgency and filters by what is due and by registration group (issue 13).
        Assert.Contains("id=\"follow-up-contact\"", html, StringComparison.Ordinal);
        var visits = await (await officer.GetAsync("/Attendance/FollowUp?What=HomeVisit")).HtmlAsync();
        Assert.Contains($"/Pupils/{pupil}\"", visits, StringComparison.Ordinal);
        var group = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT g.name FROM registration_groups g JOIN pupils p ON p.registration_group_id = g.id WHERE p.id = '{pupil}'");
        var otherGroup = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT g.name FROM registration_groups g JOIN schools s ON s.id = g.school_id WHERE s.name LIKE 'Ashby%' AND g.name <> '{group}' LIMIT 1");
        Assert.Contains($"/Pupils/{pupil}\"", await (await officer.GetAsync($"/Attendance/FollowUp?Group={Uri.EscapeDataString(group)}")).HtmlAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain($"/Pupils/{pupil}\"", await (await officer.GetAsync($"/Attendance/FollowUp?Group={Uri.EscapeDataString(otherGroup)}")).HtmlAsync(), StringComparison.Ordinal);

        // The contact form shows whom to call, with their numbers (issue 13), and takes an outcome over several lines.
        var form = await (await officer.GetAsync($"/Pupils/{pupil}/Contacts")).HtmlAsync();
        var parent = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT name FROM pupil_contacts WHERE pupil_id = '{pupil}' ORDER BY has_parental_responsibility DESC, name LIMIT 1");
        Assert.Contains(System.Net.WebUtility.HtmlEncode(parent), form, StringComparison.Ordinal);
        Assert.Contains("<textarea class=\"govuk-textarea\" id=\"Input_Outcome\"", form, StringComparison.Ordinal);
        var logged = await officer.PostFormAsync($"/Pupils/{pupil}/Contacts",
            ("Input.Method", "HomeVisit"), ("Input.ReachedSomeone", "true"), ("Input.Outcome", "Mother at home; pupil unwell.\nReturning Monday"));
        Assert.Equal(HttpStatusCode.Redirect, logged.StatusCode);
        var after = await (await officer.GetAsync("/Attendance/FollowUp")).HtmlAsync();
        var afterRow = after.Contains($"/Pupils/{pupil}\"", StringComparison.Ordinal) ? after[after.IndexOf($"/Pupils/{pupil}\"", StringComparison.Ordinal)..] : "";
        afterRow = afterRow.Length > 0 ? afterRow[..afterRow.IndexOf("</tr>", StringComparison.Ordinal)] : "";
        Assert.DoesNotContain("Home visit", afterRow, StringComparison.Ordinal);
        Assert.DoesNotContain("First-day contact", afterRow, StringComparison.Ordinal);

        // The contact log refuses an empty outcome, next to the field.
        var refused = await officer.PostFormAsync($"/Pupils/{pupil}/Contacts", ("Input.Method", "Call"), ("Input.Outcome", ""));
        Assert.Contains("Enter the outcome of the contact", await refused.HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_reads_a_windows_absences_through_the_index_of_absences_alone()
    {
        // The list reads only the window's absences and N marks (AbsenceDays.AbsenceOrNoReasonYet), through the partial
        // index made for that read (migration 0041), and each pupil's two days as the top of the pupil's own index range:
        // at the benchmark's full scale the read of every mark was 86-130 ms of PostgreSQL's time (docs/performance.md,
        // forty-seventh session). Both are held here for the plan PostgreSQL may keep for a prepared statement — the
        // application's statements are prepared once used a few times (PreparedStatements) — which is planned for any
        // values (a generic plan):
        // - only a filter of constants proves the index's predicate there (one of parameters is proved only when planned for
        //   their values), so were the categories a parameter, or the definition and the predicate to drift apart, the plan
        //   would not name the index;
        // - each day read as max(date) was, there, every mark of the pupil's window summed at the benchmark's full scale
        //   (PostgreSQL turns a max into the index's first row only when it estimates that cheaper): 151 ms a school against
        //   24 read as the first row of the pupil's index range backwards (ORDER BY date DESC LIMIT 1).
        // Sequential scans are turned off: on the demo's few thousand marks a whole-table read may be the cheaper.
        var school = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM schools WHERE name LIKE 'Ashby%'");
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT trust_id FROM schools WHERE id = '{school}'");
        var options = new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(TestDatabase.App(Db)).AddInterceptors(new TenantCommandInterceptor(), new TenantTransactionInterceptor()).Options;
        await using var db = AppDbContext.For(options, TenantContext.ForTrust(trust));
        var from = new DateOnly(2026, 9, 21);
        Assert.True(await db.AttendanceMarks.CountAsync(m => m.SchoolId == school && m.Date >= from && m.Date <= TestDatabase.AutumnDay) > 1000, "the demo has marks in the window");
        var calendar = await FlexiSchooling.Web.Infrastructure.SchoolRules.CalendarAsync(db, school);

        var absences = await GenericPlanAsync(db, FollowUpModel.AbsencesRead(db, school, from, TestDatabase.AutumnDay));
        Assert.Contains(absences, line => line.Contains("IX_attendance_marks_absences", StringComparison.Ordinal));

        // The days' reads are held by their shape, not their plan: whether PostgreSQL turns a max into the first row depends
        // on its estimates, which for the demo's few marks a pupil make both plans alike.
        var pupils = FollowUpModel.PupilsWithTheirDays(db, school, from, TestDatabase.AutumnDay, calendar).ToQueryString();
        Assert.DoesNotContain("max(", pupils, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(pupils, @"ORDER BY a\d*\.date DESC\s+LIMIT 1"));
    }

    /// <summary>The plan of a query prepared and planned for any values (<c>plan_cache_mode = force_generic_plan</c>).</summary>
    private static async Task<List<string>> GenericPlanAsync<T>(AppDbContext db, IQueryable<T> query)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(); // the trust is set for it as it begins
        await using var read = query.CreateDbCommand();
        var parameters = read.Parameters.Cast<Npgsql.NpgsqlParameter>().ToList();
        var sql = read.CommandText;
        foreach (var (parameter, i) in parameters.Select((p, i) => (p, i)).OrderByDescending(x => x.p.ParameterName.Length))
        {
            sql = sql.Replace(parameter.ParameterName, $"${i + 1}", StringComparison.Ordinal);
        }

        // EXECUTE's arguments cannot be the protocol's parameters: the values are written in, as literals of their types.
        static (string Type, string Literal) Typed(object? value) => value switch
        {
            bool b => ("boolean", b ? "true" : "false"),
            Guid g => ("uuid", $"'{g}'::uuid"),
            DateOnly d => ("date", $"'{d:yyyy-MM-dd}'::date"),
            string text => ("text", $"'{text.Replace("'", "''", StringComparison.Ordinal)}'"),
            IEnumerable<Guid> ids => ("uuid[]", $"'{{{string.Join(",", ids)}}}'::uuid[]"),
            IEnumerable<DateOnly> days => ("date[]", $"'{{{string.Join(",", days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))}}}'::date[]"),
            IEnumerable<string> texts => ("text[]", $"ARRAY[{string.Join(", ", texts.Select(t => $"'{t.Replace("'", "''", StringComparison.Ordinal)}'"))}]::text[]"),
            _ => throw new InvalidOperationException($"A parameter of type {value?.GetType()} in the read: add it here."),
        };

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        foreach (var statement in new[]
        {
            "SET LOCAL enable_seqscan = off",
            "SET LOCAL plan_cache_mode = force_generic_plan",
            $"PREPARE read ({string.Join(", ", parameters.Select(p => Typed(p.Value).Type))}) AS {sql}",
        })
        {
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync();
        }

        command.CommandText = $"EXPLAIN EXECUTE read ({string.Join(", ", parameters.Select(p => Typed(p.Value).Literal))})";
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        command.CommandText = "DEALLOCATE read"; // not undone by the transaction's rolling back as it is disposed
        await command.ExecuteNonQueryAsync();
        return plan;
    }

    [Fact]
    public async Task Sessions_an_arrangement_agreed_away_from_school_are_never_chased()
    {
        // The same week away, but as agreed home sessions (C, not expected in school): no first-day contact, no home visit.
        var pupil = await Records.PupilAtAsync("Ashby");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"""
            UPDATE attendance_marks SET code = '/', category = 'Present', expected_in_school = true WHERE pupil_id = '{pupil}' AND date < '2026-11-16' AND session = 'AM';
            UPDATE attendance_marks SET code = '\', category = 'Present', expected_in_school = true WHERE pupil_id = '{pupil}' AND date < '2026-11-16' AND session = 'PM';
            UPDATE attendance_marks SET code = 'C', category = 'Authorised', expected_in_school = false WHERE pupil_id = '{pupil}' AND date BETWEEN '2026-11-16' AND '2026-11-20';
            """);
        // On the school day the test above is chased on, so "never chased" is not merely a day without chasing.
        using var wednesday = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var officer = await wednesday.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var html = await (await officer.GetAsync("/Attendance/FollowUp")).HtmlAsync();
        var at = html.IndexOf($"/Pupils/{pupil}\"", StringComparison.Ordinal);
        var row = at < 0 ? "" : html[at..html.IndexOf("</tr>", at, StringComparison.Ordinal)];
        Assert.DoesNotContain("First-day contact", row, StringComparison.Ordinal);
        Assert.DoesNotContain("Home visit", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_overview_shows_each_school_a_user_may_see_with_its_own_thresholds()
    {
        var lead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var html = await (await lead.GetAsync("/Attendance/Overview")).HtmlAsync();
        Assert.Contains("Ashby Lane Primary School", html, StringComparison.Ordinal);
        Assert.Contains("Castle Hill Academy", html, StringComparison.Ordinal);
        Assert.Contains("wave 3 (&lt;93%)", await (await lead.GetAsync("/Attendance/Overview")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("St Bede", html, StringComparison.Ordinal);

        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var own = await (await head.GetAsync("/Attendance/Overview")).HtmlAsync();
        Assert.Contains("Ashby Lane Primary School", own, StringComparison.Ordinal);
        Assert.DoesNotContain("Castle Hill Academy", own, StringComparison.Ordinal);
    }
}
