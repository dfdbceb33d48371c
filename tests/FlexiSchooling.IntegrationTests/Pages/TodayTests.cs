using System.Text.RegularExpressions;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages;

/// <summary>
/// Issue 13, "Today, for each role": the home page lists what is due, overdue and to do for the person signed in, and
/// what waits on others apart from it, each counted; never another school's or trust's work. On the demo's records.
/// </summary>
public sealed class TodayTests : AppTest
{
    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        return start < 0 ? "" : html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    private static int Rows(string section) => Regex.Matches(section, "<tr class=\"govuk-table__row\">").Count - 1; // less the header

    private async Task<string> TodayAsync(string role, string school, FlexiFactory? on = null) =>
        await (await (await (on ?? Factory).SignInAsync(FlexiFactory.Email(role, school))).GetAsync("/")).HtmlAsync();

    [Fact]
    public async Task Today_lists_each_roles_own_actions_grouped_and_counted_and_never_another_schools_or_trusts()
    {
        // On a clock of its own in the template's autumn term (Wednesday 25 November 2026): by May the demo's placements at
        // the unregistered farm have ended and its registration breach with them (found running the tests 160 days ahead).
        using var autumn = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);

        // The AP leader at Ashby Lane: the placement's QA visit is overdue (their own), its reintegration plan to write.
        var ashby = await TodayAsync("apleader", "ashby", autumn);
        Assert.Contains("Visit the provider and record the QA visit (appendix 5)", Section(ashby, "overdue"), StringComparison.Ordinal);
        Assert.Contains("Record the reintegration plan (002 §3.9)", Section(ashby, "to-do"), StringComparison.Ordinal);
        Assert.DoesNotContain("Castle Hill", ashby, StringComparison.Ordinal);
        // Each count is the rows listed under it.
        foreach (var (id, title) in new[] { ("overdue", "overdue"), ("due-soon", "due in the next two weeks"), ("to-do", "to do"), ("waiting", "waiting on others") })
        {
            var count = Regex.Match(ashby, $"<strong>(\\d+)</strong> {title}");
            Assert.Equal(count.Success ? int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0, Math.Max(0, Rows(Section(ashby, id))));
        }

        // The governor decides the off-site direction; the school's AP leader sees it waiting on the governors; no other school's governor sees it.
        Assert.Contains("Decide the off-site direction for the governing body (004 §6.4)", await TodayAsync("governor", "castlehill", autumn), StringComparison.Ordinal);
        Assert.Contains("Waiting for the governing body to decide the off-site direction", Section(await TodayAsync("apleader", "castlehill", autumn), "waiting"), StringComparison.Ordinal);
        var ashbyGovernor = await TodayAsync("governor", "ashby", autumn);
        Assert.DoesNotContain("off-site direction", ashbyGovernor, StringComparison.Ordinal);
        Assert.Contains("Read the report of arrangements and attendance", ashbyGovernor, StringComparison.Ordinal); // the governors' termly report
        Assert.DoesNotContain("Read the report of arrangements", await TodayAsync("head", "ashby", autumn), StringComparison.Ordinal); // a governor's, not the head's

        // The trust lead: the school's overdue visit as waiting on the school, never as their own; the breach at Moorland as theirs.
        var lead = await TodayAsync("trustlead", "northfield", autumn);
        Assert.Contains("Waiting on Ashby Lane", Section(lead, "waiting"), StringComparison.Ordinal);
        Assert.DoesNotContain("Waiting on Ashby Lane", Section(lead, "overdue"), StringComparison.Ordinal);
        Assert.Contains("Registration rule breached", Section(lead, "overdue"), StringComparison.Ordinal);
        Assert.DoesNotContain("Harbour Arts", lead, StringComparison.Ordinal); // another trust's provider

        // The other trust's lead: their unregistered provider to approve, none of Northfield's work.
        var other = await TodayAsync("trustlead", "staidans", autumn);
        Assert.Contains("Approve the use of this unregistered provider", other, StringComparison.Ordinal);
        Assert.DoesNotContain("Moorland", other, StringComparison.Ordinal);
        Assert.DoesNotContain("Ashby Lane", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_shows_the_trust_lead_each_school_off_track_with_its_overdue_reviews_and_part_time_ends_as_the_records_count_them()
    {
        // On the template's autumn day. Castle Hill's review still to come is moved into the past, unheld: with the one
        // already overdue, two.
        using var autumn = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var today = $"DATE '{TestDatabase.AutumnDay:yyyy-MM-dd}'";
        var castle = await Records.SchoolAsync("Castle Hill");
        var review = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"""
            SELECT r.id FROM arrangement_reviews r JOIN arrangements a ON a.id = r.arrangement_id
             WHERE a.school_id = '{castle}' AND a.stage = 'Running' AND r.kind = 'Scheduled' AND r.held_on IS NULL ORDER BY r.due_on DESC LIMIT 1
            """);
        Assert.NotEqual(Guid.Empty, review);
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE arrangement_reviews SET due_on = {today} - 3 WHERE id = '{review}'");
        var lead = await TodayAsync("trustlead", "northfield", autumn);
        foreach (var school in new[] { "Ashby Lane", "Brookside", "Castle Hill" })
        {
            var id = await Records.SchoolAsync(school);
            var overdue = await Records.CountAsync($"""
                SELECT count(*) FROM arrangement_reviews r JOIN arrangements a ON a.id = r.arrangement_id
                 WHERE a.school_id = '{id}' AND a.stage = 'Running' AND r.kind = 'Scheduled' AND r.held_on IS NULL AND r.due_on < {today}
                """);
            var pastEnd = await Records.CountAsync($"""
                SELECT count(*) FROM part_time_plans p JOIN arrangements a ON a.id = p.arrangement_id
                 WHERE a.school_id = '{id}' AND a.stage = 'Running' AND p.end_date < {today}
                """);
            var item = Regex.Match(Section(lead, "overdue"), $"href=\"/Dashboard\\?school={id}\">Off track: ([^<]*)<");
            Assert.Equal(overdue + pastEnd > 0, item.Success);
            if (item.Success)
            {
                Assert.Contains(overdue == 0 ? "" : overdue == 1 ? "1 review overdue" : $"{overdue} reviews overdue", item.Groups[1].Value, StringComparison.Ordinal);
                Assert.Contains(pastEnd == 0 ? "" : pastEnd == 1 ? "1 part-time timetable past its end date" : $"{pastEnd} part-time timetables past their end date", item.Groups[1].Value, StringComparison.Ordinal);
            }
        }

        Assert.Contains("Off track: 2 reviews overdue", Section(lead, "overdue"), StringComparison.Ordinal);
        // A school's own head is not given the trust's view of it; the other trust's lead sees none of it.
        Assert.DoesNotContain("Off track:", await TodayAsync("head", "castlehill", autumn), StringComparison.Ordinal);
        Assert.DoesNotContain("Castle Hill", await TodayAsync("trustlead", "staidans", autumn), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_gives_the_attendance_officer_the_registers_not_taken_and_the_follow_up_list_and_a_teacher_only_their_own_registers()
    {
        // On the test's own clock, not the machine's: a school day after the template's marks (Wednesday 25 November 2026, whose
        // registers nobody has taken), then a Saturday. The register and the follow-up items are the school day's only.
        async Task<string> TodayOnAsync(FlexiFactory factory, string role) =>
            await (await (await factory.SignInAsync(FlexiFactory.Email(role, "ashby"))).GetAsync("/")).HtmlAsync();
        using var wednesday = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var officer = await wednesday.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var today = await (await officer.GetAsync("/")).HtmlAsync();
        var followUp = await (await officer.GetAsync("/Attendance/FollowUp")).HtmlAsync();
        var listed = Regex.Matches(followUp, "Log a contact<span").Count;
        Assert.True(listed > 0, "the template's November absences put pupils on the follow-up list");
        Assert.Contains($"{listed} pupil{(listed == 1 ? "" : "s")}", today, StringComparison.Ordinal);
        Assert.Contains("Work the absence follow-up list", today, StringComparison.Ordinal);

        // Registers not yet taken this session (the demo's marks end on 20 November), each linking to its register.
        var officersRegisters = Regex.Matches(today, "Take the morning register").Count;
        Assert.True(officersRegisters > 0);
        Assert.Contains("/Attendance/Register/", today, StringComparison.Ordinal);

        // A teacher sees only the registers of their own groups; a governor none.
        var teacher = await TodayOnAsync(wednesday, "teacher");
        Assert.True(Regex.Matches(teacher, "Take the (morning|afternoon) register").Count < officersRegisters);
        Assert.DoesNotContain("Take the", await TodayOnAsync(wednesday, "governor"), StringComparison.Ordinal);

        // On a Saturday there is no register to take and no absence to chase today.
        using var saturday = FlexiFactory.At(Db, new DateOnly(2026, 11, 28), 9, 30);
        var weekend = await TodayOnAsync(saturday, "attendance");
        Assert.DoesNotContain("Take the", weekend, StringComparison.Ordinal);
        Assert.DoesNotContain("Work the absence follow-up list", weekend, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_lists_the_registers_left_incomplete_from_the_school_day_before_and_this_morning_until_they_are_complete()
    {
        // RegisterRules.EarlierSessionsToComplete (003 §3, §7), on the test's own clocks: the template's marks end on Friday 20
        // November 2026, so Monday 23's and Tuesday 24's registers were never taken.
        static async Task<string> OverdueAsync(HttpClient who) => Section(await (await who.GetAsync("/")).HtmlAsync(), "overdue");
        var groups = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db),
            "SELECT count(DISTINCT g.id) FROM registration_groups g JOIN schools s ON s.id = g.school_id JOIN pupils p ON p.registration_group_id = g.id WHERE s.name LIKE 'Ashby%' AND p.admission_date <= '2026-11-24' AND (p.leaving_date IS NULL OR p.leaving_date >= '2026-11-24')");
        var tutorGroup = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT g.id FROM registration_groups g JOIN users u ON u.id = g.tutor_user_id WHERE u.email LIKE 'teacher@ashby%'");

        // Wednesday morning: the officer is given both of Tuesday's sessions, each naming how many registers and linking to that
        // session's registers; a teacher is given neither (Tuesday's are locked: completing them is the officer's).
        using var wednesday = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var officer = await OverdueAsync(await wednesday.SignInAsync(FlexiFactory.Email("attendance", "ashby")));
        Assert.Contains($"{groups} registers", officer, StringComparison.Ordinal);
        Assert.Contains($"Complete the morning registers of Tuesday 24 November: all {groups} are incomplete", officer, StringComparison.Ordinal);
        Assert.Contains($"Complete the afternoon registers of Tuesday 24 November: all {groups} are incomplete", officer, StringComparison.Ordinal);
        Assert.Contains("href=\"/Attendance?date=2026-11-24&session=AM\"", officer, StringComparison.Ordinal);
        Assert.Contains("href=\"/Attendance?date=2026-11-24&session=PM\"", officer, StringComparison.Ordinal);
        Assert.DoesNotContain("Monday 23 November", officer, StringComparison.Ordinal); // only the school day before
        Assert.DoesNotContain("Complete the", await OverdueAsync(await wednesday.SignInAsync(FlexiFactory.Email("teacher", "ashby"))), StringComparison.Ordinal);

        // Monday morning: Friday's registers were all taken, so nothing earlier is listed.
        using var monday = FlexiFactory.At(Db, new DateOnly(2026, 11, 23), 9, 30);
        Assert.DoesNotContain("Complete the", await OverdueAsync(await monday.SignInAsync(FlexiFactory.Email("attendance", "ashby"))), StringComparison.Ordinal);

        // Monday afternoon: the teacher's own morning register, not yet locked, is theirs to complete, and links to it; once
        // taken it goes from the list.
        using var afternoon = FlexiFactory.At(Db, new DateOnly(2026, 11, 23), 14, 0);
        var teacher = await afternoon.SignInAsync(FlexiFactory.Email("teacher", "ashby"));
        var before = await OverdueAsync(teacher);
        Assert.Matches("Complete the morning register of Monday 23 November: 0 of \\d+ marked", before);
        Assert.Contains($"href=\"/Attendance/Register/{tutorGroup}?date=2026-11-23&session=AM\"", before, StringComparison.Ordinal);
        var form = await RegisterForm.OpenAsync(teacher, tutorGroup, new DateOnly(2026, 11, 23));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await form.PostAsync(teacher)).StatusCode);
        Assert.DoesNotContain("Complete the", await OverdueAsync(teacher), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_the_schools_afternoon_register_opens_Today_and_the_registers_page_are_in_the_morning_session()
    {
        // RegisterRules.SessionAt (003 §3): the afternoon begins when the profile's afternoon register opens, not at noon. On
        // Monday 23 November 2026 nobody has taken the teacher's morning register.
        var school = await Records.SchoolAsync("Ashby");
        Domain.Policy.RegisterSettings times;
        await using (var system = Factory.Services.GetRequiredService<FlexiSchooling.Data.SystemDb>().Create())
        {
            times = (await FlexiSchooling.Web.Infrastructure.SchoolRules.ProfileAsync(system, school, new DateOnly(2026, 11, 23))).Settings.Registers;
        }

        Assert.True(times.PmOpens > new TimeOnly(12, 0), "the test needs an afternoon that opens after noon");
        var monday = new DateOnly(2026, 11, 23);
        var minuteBefore = times.PmOpens.AddMinutes(-1);

        // A minute before: the morning register is the one to take (overdue, its register closed hours ago), the afternoon's
        // is not offered, and the registers page opens on the morning's.
        using (var lunchtime = FlexiFactory.At(Db, monday, minuteBefore.Hour, minuteBefore.Minute))
        {
            var teacher = await lunchtime.SignInAsync(FlexiFactory.Email("teacher", "ashby"));
            var today = await (await teacher.GetAsync("/")).HtmlAsync();
            Assert.Matches("Take the morning register \\(0 of \\d+ marked\\)", Section(today, "overdue"));
            Assert.DoesNotContain("Take the afternoon register", today, StringComparison.Ordinal);
            Assert.DoesNotContain("Complete the morning register", today, StringComparison.Ordinal);
            Assert.Contains("Monday 23 November 2026, AM</caption>", await (await teacher.GetAsync("/Attendance")).HtmlAsync(), StringComparison.Ordinal);
        }

        // From the minute it opens: the afternoon register to take, and this morning's to complete.
        using var afternoon = FlexiFactory.At(Db, monday, times.PmOpens.Hour, times.PmOpens.Minute);
        var after = await afternoon.SignInAsync(FlexiFactory.Email("teacher", "ashby"));
        var home = await (await after.GetAsync("/")).HtmlAsync();
        Assert.Matches("Take the afternoon register \\(0 of \\d+ marked\\)", home);
        Assert.Matches("Complete the morning register of Monday 23 November: 0 of \\d+ marked", Section(home, "overdue"));
        Assert.Contains("Monday 23 November 2026, PM</caption>", await (await after.GetAsync("/Attendance")).HtmlAsync(), StringComparison.Ordinal);
    }
}
