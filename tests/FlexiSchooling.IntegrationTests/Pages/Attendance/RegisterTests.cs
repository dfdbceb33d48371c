using System.Net;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages.Attendance;

/// <summary>Issue 3, "Taking a register" and "The arithmetic", through the application on real PostgreSQL.</summary>
public sealed class RegisterTests : AppTest
{
    // The template's marks run from 2 to 20 November 2026 (TestDatabase.SeededOn); these days have passed, so they are locked.
    private static readonly DateOnly Friday = new(2026, 11, 20);
    private static readonly DateOnly Thursday = new(2026, 11, 19);

    private async Task<Guid> GroupAsync(string name, string school = "Ashby") =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT g.id FROM registration_groups g JOIN schools s ON s.id = g.school_id WHERE g.name = '{name}' AND s.name LIKE '{school}%'");

    /// <summary>
    /// Removes a group's marks for a session (as if the register was never taken), bypassing the append-only triggers, and
    /// counts their pupils' summaries again from the marks left (<see cref="AttendanceSummaries.RecountAsync"/>): saves move
    /// the summaries from where they stand (ADR 0056), so they must stand where the marks are.
    /// </summary>
    private async Task ClearAsync(Guid group, DateOnly date, string session = "AM")
    {
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"""
            SET session_replication_role = replica;
            DELETE FROM attendance_mark_changes c USING attendance_marks m, pupils p
             WHERE c.mark_id = m.id AND m.pupil_id = p.id AND p.registration_group_id = '{group}' AND m.date = '{date:yyyy-MM-dd}' AND m.session = '{session}';
            DELETE FROM attendance_marks m USING pupils p WHERE m.pupil_id = p.id AND p.registration_group_id = '{group}' AND m.date = '{date:yyyy-MM-dd}' AND m.session = '{session}';
            """);
        var pupils = await TestDatabase.ScalarAsync<Guid[]>(TestDatabase.Super(Db), $"SELECT array_agg(id) FROM pupils WHERE registration_group_id = '{group}'");
        await using var services = TestDatabase.Services(Db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        await AttendanceSummaries.RecountAsync(system, pupils, [date]);
    }

    private async Task<string?> CodeAsync(Guid pupil, DateOnly date, string session = "AM") =>
        await TestDatabase.ScalarAsync<string?>(TestDatabase.Super(Db), $"SELECT (SELECT code FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '{date:yyyy-MM-dd}' AND session = '{session}')");

    [Fact]
    public async Task Saving_a_register_writes_every_mark_its_history_and_the_weekly_summary_together()
    {
        var group = await GroupAsync("Year 3 A");
        await ClearAsync(group, Friday);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var form = await RegisterForm.OpenAsync(head, group, Friday);
        var pupils = form.Pupils;
        Assert.True(pupils.Count >= 10);
        Assert.All(pupils, p => Assert.Equal("/", form.Get(p, "Code"))); // everyone defaults to present
        // The codes and the keyboard are explained on the page itself (issue 13, "Register").
        Assert.Contains("id=\"keyboard-hint\"", form.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"codes\"", form.Html, StringComparison.Ordinal);
        Assert.Contains("Attending any other approved educational activity", form.Html, StringComparison.Ordinal);

        form.Set(pupils[0], "Code", "n").Set(pupils[1], "Code", "L").Set(pupils[1], "MinutesLate", "5").Set(pupils[2], "Code", "I");
        var response = await form.PostAsync(head);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        Assert.Equal(pupils.Count, await Records.CountAsync($"SELECT count(*) FROM attendance_marks m JOIN pupils p ON p.id = m.pupil_id WHERE p.registration_group_id = '{group}' AND m.date = '{Friday:yyyy-MM-dd}' AND m.session = 'AM'"));
        Assert.Equal("N", await CodeAsync(pupils[0], Friday));
        Assert.Equal("L", await CodeAsync(pupils[1], Friday));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes WHERE pupil_id = '{pupils[0]}' AND date = '{Friday:yyyy-MM-dd}' AND session = 'AM' AND new_code = 'N' AND old_code IS NULL"));

        // The weekly summary moved with the marks: N counts as unauthorised, I as authorised.
        var week = AttendanceFigures.WeekOf(Friday);
        Assert.True(await Records.CountAsync($"SELECT unauthorised::bigint FROM attendance_pupil_weeks WHERE pupil_id = '{pupils[0]}' AND week_start = '{week:yyyy-MM-dd}'") >= 1);
        await AssertSummariesMatchMarksAsync();
    }

    [Fact]
    public async Task A_register_lists_its_pupils_on_roll_from_their_admission_day_to_their_leaving_day()
    {
        // Pupil.OnRoll, one expression: compiled for the domain, translated into the register's compiled query and the
        // registers page's counts (Pupil.OnRollOn). Both boundary days are on roll.
        var group = await GroupAsync("Year 5 A");
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var before = (await RegisterForm.OpenAsync(head, group, Thursday)).Pupils;
        var (joiner, leaver) = (before[0], before[1]);
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"""
            UPDATE pupils SET admission_date = '{Friday:yyyy-MM-dd}' WHERE id = '{joiner}';
            UPDATE pupils SET leaving_date = '{Thursday:yyyy-MM-dd}' WHERE id = '{leaver}';
            """);

        var thursday = (await RegisterForm.OpenAsync(head, group, Thursday)).Pupils;
        var friday = (await RegisterForm.OpenAsync(head, group, Friday)).Pupils;
        Assert.DoesNotContain(joiner, thursday);
        Assert.Contains(leaver, thursday);
        Assert.Contains(joiner, friday);
        Assert.DoesNotContain(leaver, friday);
        Assert.Equal(before.Count - 1, thursday.Count);
        Assert.Equal(before.Count - 1, friday.Count);

        await using var services = TestDatabase.Services(Db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        foreach (var (day, expected) in new[] { (Thursday, thursday), (Friday, friday) })
        {
            var listed = await system.Pupils.Where(p => p.RegistrationGroupId == group).Where(Domain.Pupils.Pupil.OnRollOn(day)).Select(p => p.Id).ToListAsync();
            Assert.Equal(expected.Order(), listed.Order());
            var pupils = await system.Pupils.Where(p => p.RegistrationGroupId == group).ToListAsync();
            Assert.Equal(expected.Order(), pupils.Where(p => p.IsOnRoll(day)).Select(p => p.Id).Order());
        }
    }

    [Fact]
    public async Task The_same_submission_twice_saves_once()
    {
        var group = await GroupAsync("Year 4 A");
        await ClearAsync(group, Friday);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var form = await RegisterForm.OpenAsync(head, group, Friday);
        form.Set(form.Pupils[0], "Code", "M");
        Assert.Equal(HttpStatusCode.Redirect, (await form.PostAsync(head)).StatusCode);
        var changes = await Records.CountAsync("SELECT count(*) FROM attendance_mark_changes");
        var again = await form.PostAsync(head);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(changes, await Records.CountAsync("SELECT count(*) FROM attendance_mark_changes"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM register_submissions WHERE group_id = '{group}'"));

        // Repeated after someone else has changed that mark: still recognised as saved, and their mark stands.
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var theirs = await RegisterForm.OpenAsync(officer, group, Friday);
        theirs.Set(theirs.Pupils[0], "Code", "I").Set(theirs.Pupils[0], "Reason", "Parent phoned: ill");
        Assert.Equal(HttpStatusCode.Redirect, (await theirs.PostAsync(officer)).StatusCode);
        var late = await form.PostAsync(head);
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Contains("saved=true", late.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal("I", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT code FROM attendance_marks WHERE pupil_id = '{form.Pupils[0]}' AND date = '{Friday:yyyy-MM-dd}' AND session = 'AM'"));
    }

    [Fact]
    public async Task A_new_register_saved_in_one_batch_is_audited_as_a_register_with_marks_is()
    {
        // A register none of whose pupils had a mark is saved in one batch (AttendanceBulkWrites.SaveNewRegisterAsync, ADR
        // 0054); one that had marks through Entity Framework in a transaction. Both leave the same audit row for the
        // submission: who, in which role, at which school, under the request's correlation id.
        var group = await GroupAsync("Year 4 A");
        await ClearAsync(group, Friday);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var fresh = await RegisterForm.OpenAsync(head, group, Friday);
        Assert.Equal(HttpStatusCode.Redirect, (await fresh.PostAsync(head)).StatusCode);
        var resaved = await RegisterForm.OpenAsync(head, group, Thursday); // the template's marks are there
        Assert.Equal(HttpStatusCode.Redirect, (await resaved.PostAsync(head)).StatusCode);

        var rows = await TestDatabase.ScalarAsync<string[]>(TestDatabase.Super(Db), $"""
            SELECT array_agg(concat_ws('|', a.entity_type, a.action, a.user_id, coalesce(a.role, 'no role'), a.school_id = g.school_id,
                                       a.trust_id = g.trust_id, a.correlation_id IS NOT NULL, a.occurred_at >= s.submitted_at) ORDER BY s.date)
              FROM register_submissions s JOIN audit_events a ON a.entity_id = s.id::text JOIN registration_groups g ON g.id = s.group_id
             WHERE s.group_id = '{group}'
            """);
        var user = await Records.UserAsync(FlexiFactory.Email("head", "ashby"));
        Assert.Equal(2, rows.Length);
        Assert.Equal(rows[0], rows[1]);
        Assert.StartsWith($"RegisterSubmission|created|{user}|", rows[0], StringComparison.Ordinal);
        Assert.EndsWith("|t|t|t|t", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain("no role", rows[0], StringComparison.Ordinal);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM register_submissions WHERE group_id = '{group}' AND date = '{Friday:yyyy-MM-dd}'"));
        Assert.Equal(fresh.Pupils.Count, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes c JOIN pupils p ON p.id = c.pupil_id WHERE p.registration_group_id = '{group}' AND c.date = '{Friday:yyyy-MM-dd}' AND c.session = 'AM' AND c.old_code IS NULL"));
        await AssertSummariesMatchMarksAsync();
    }

    [Fact]
    public async Task The_same_new_register_posted_twice_at_once_is_saved_once()
    {
        // A double click on a register with no marks yet: both saves in one batch each, at the same moment. The second's
        // submission fails on its primary key, which rolls its whole batch back, and it is answered as saved.
        var group = await GroupAsync("Year 4 A");
        await ClearAsync(group, Friday);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var form = await RegisterForm.OpenAsync(head, group, Friday);
        form.Set(form.Pupils[0], "Code", "M");
        var responses = await Task.WhenAll(form.PostAsync(head), form.PostAsync(head));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM register_submissions WHERE group_id = '{group}' AND date = '{Friday:yyyy-MM-dd}'"));
        Assert.Equal(form.Pupils.Count, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes c JOIN pupils p ON p.id = c.pupil_id WHERE p.registration_group_id = '{group}' AND c.date = '{Friday:yyyy-MM-dd}' AND c.session = 'AM'"));
        Assert.Equal("M", await CodeAsync(form.Pupils[0], Friday));
        await AssertSummariesMatchMarksAsync();
    }

    [Fact]
    public async Task Two_registers_of_the_same_pupils_saved_at_the_same_moment_both_count_in_their_summaries()
    {
        // The morning and afternoon registers of one group saved at once (a teacher catching up while the officer corrects):
        // both touch the same pupils' week and year. Each save waits on the summary rows the other is writing; whichever
        // goes second must count the first's marks too. The rows are held by a third transaction until both saves wait on
        // them, so the two meet there every time rather than by chance.
        var group = await GroupAsync("Year 2 A");
        await ClearAsync(group, Friday);
        await ClearAsync(group, Friday, "PM");
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var morning = await RegisterForm.OpenAsync(head, group, Friday);
        var afternoon = await RegisterForm.OpenAsync(officer, group, Friday, "PM");
        morning.Set(morning.Pupils[0], "Code", "I").Set(morning.Pupils[1], "Code", "N");
        afternoon.Set(afternoon.Pupils[0], "Code", "M");

        await using var holder = new Npgsql.NpgsqlConnection(TestDatabase.Super(Db));
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRows = new Npgsql.NpgsqlCommand($"SELECT 1 FROM attendance_pupil_weeks w JOIN pupils p ON p.id = w.pupil_id WHERE p.registration_group_id = '{group}' AND w.week_start = '{AttendanceFigures.SummaryWeekOf(Friday):yyyy-MM-dd}' FOR UPDATE OF w", holder, hold))
        {
            Assert.True(await lockRows.ExecuteScalarAsync() is not null);
        }

        var saves = Task.WhenAll(morning.PostAsync(head), afternoon.PostAsync(officer));
        Assert.Equal(2L, await WaitingOnLocksAsync(2, holder.ProcessID));
        await hold.CommitAsync();
        Assert.All(await saves, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Equal("I", await CodeAsync(morning.Pupils[0], Friday));
        Assert.Equal("M", await CodeAsync(afternoon.Pupils[0], Friday, "PM"));
        await AssertSummariesMatchMarksAsync();
    }

    [Fact]
    public async Task A_second_person_saving_the_same_register_sees_which_marks_changed_and_chooses()
    {
        var group = await GroupAsync("Year 5 A");
        await ClearAsync(group, Friday);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var first = await RegisterForm.OpenAsync(head, group, Friday);
        var second = await RegisterForm.OpenAsync(officer, group, Friday);
        var (a, b, c) = (first.Pupils[0], first.Pupils[1], first.Pupils[2]);

        first.Set(a, "Code", "I");
        Assert.Equal(HttpStatusCode.Redirect, (await first.PostAsync(head)).StatusCode);

        // The second person typed present for A (the default), medical for B, and left C present as the first did.
        second.Set(b, "Code", "M");
        var (conflict, again) = await second.PostAndReadAsync(officer);
        Assert.Equal(HttpStatusCode.OK, conflict.StatusCode);
        Assert.Contains("Someone else saved 2 mark(s)", again.Html, StringComparison.Ordinal);
        Assert.Equal("theirs", again.Get(a, "Choice"));
        Assert.Equal("theirs", again.Get(b, "Choice"));
        Assert.Null(again.Get(c, "Choice"));      // the same mark: no conflict
        Assert.Equal("/", await CodeAsync(b, Friday)); // nothing of the second save yet

        // Keep their illness for A; use my medical appointment for B.
        again.Set(b, "Choice", "mine").Set(b, "Reason", "Appointment letter seen"); // the day has passed: a change needs a reason
        Assert.Equal(HttpStatusCode.Redirect, (await again.PostAsync(officer)).StatusCode);
        Assert.Equal("I", await CodeAsync(a, Friday));
        Assert.Equal("M", await CodeAsync(b, Friday));
    }

    [Fact]
    public async Task Register_never_marks_present_by_default_an_empty_mark_is_refused_and_mark_everyone_present_is_chosen()
    {
        // Issue 13: "an explicit 'mark all present' instead of a silent default". 23 November has no marks in the demo.
        var group = await GroupAsync("Year 5 A");
        var monday = new DateOnly(2026, 11, 23);
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var blank = await RegisterForm.OpenAsync(officer, group, monday, allPresent: false);
        Assert.All(blank.Pupils, p => Assert.Equal("", blank.Get(p, "Code")));
        Assert.Contains($"{blank.Pupils.Count} pupils have no mark yet", blank.Html, StringComparison.Ordinal);
        Assert.Contains("Mark everyone not yet marked as present", blank.Html, StringComparison.Ordinal);

        // Saving with marks missing saves nothing and says, at each empty mark, what to enter.
        blank.Set(blank.Pupils[0], "Code", "N");
        var (refused, again) = await blank.PostAndReadAsync(officer);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(blank.Pupils.Count - 1, System.Text.RegularExpressions.Regex.Matches(again.Html, "<li><a href=\"#Rows_\\d+__Code\">[^<]*: enter a mark").Count); // each empty mark, named
        Assert.Equal("N", again.Get(blank.Pupils[0], "Code")); // what was typed is kept
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM attendance_marks WHERE date = '2026-11-23' AND pupil_id IN (SELECT id FROM pupils WHERE registration_group_id = '{group}')"));

        // Chosen: everyone not yet marked is present, and the one typed differently keeps their mark.
        var present = await RegisterForm.OpenAsync(officer, group, monday);
        Assert.All(present.Pupils, p => Assert.Equal("/", present.Get(p, "Code")));
        present.Set(present.Pupils[0], "Code", "N");
        Assert.Equal(HttpStatusCode.Redirect, (await present.PostAsync(officer)).StatusCode);
        Assert.Equal("N", await CodeAsync(present.Pupils[0], monday));
        Assert.Equal("/", await CodeAsync(present.Pupils[1], monday));
    }

    [Fact]
    public async Task Register_marked_present_with_the_button_is_saved_by_save_register()
    {
        // The button posts to a handler of its own, and the page it answers with has that handler in its address: a form
        // posting back to its page's address marked everyone present again at each "Save register" and never saved (found
        // through the load balancer, BalancerJourneyTests). 23 November has no marks in the demo.
        var group = await GroupAsync("Year 5 A");
        var monday = new DateOnly(2026, 11, 23);
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var blank = await RegisterForm.OpenAsync(officer, group, monday, allPresent: false);
        blank.Set(blank.Pupils[0], "Code", "N");

        var present = await blank.MarkEveryonePresentAsync(officer);
        Assert.Contains("handler=Present", present.Url, StringComparison.Ordinal);
        Assert.Equal("N", present.Get(present.Pupils[0], "Code"));
        Assert.All(present.Pupils.Skip(1), p => Assert.Equal("/", present.Get(p, "Code")));
        Assert.Equal(0L, await Records.CountAsync($"SELECT count(*) FROM attendance_marks WHERE date = '2026-11-23' AND pupil_id IN (SELECT id FROM pupils WHERE registration_group_id = '{group}')"));

        var saved = await present.PostAsync(officer);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("N", await CodeAsync(present.Pupils[0], monday));
        Assert.Equal("/", await CodeAsync(present.Pupils[^1], monday));
    }

    [Fact]
    public async Task A_saved_mark_changed_on_todays_open_register_asks_its_reason_at_its_field()
    {
        // Today is a school day after the template's marks (Wednesday 25 November 2026, 09:05), whatever day the test runs
        // on: a weekend or a holiday has no open register to change.
        var group = await GroupAsync("Year 4 B");
        var today = TestDatabase.AutumnDay;
        using var factory = FlexiFactory.At(Db, today, 9, 5);
        var officer = await factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var form = await RegisterForm.OpenAsync(officer, group, today);
        Assert.DoesNotContain("This register is locked", form.Html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await form.PostAsync(officer)).StatusCode); // everyone present, saved
        var saved = await RegisterForm.OpenAsync(officer, group, today, allPresent: false);
        Assert.Contains("Reason for change (if you change a saved mark)", saved.Html, StringComparison.Ordinal);
        var pupil = saved.Pupils[0];
        saved.Set(pupil, "Code", "I");
        var (refused, again) = await saved.PostAndReadAsync(officer);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("give a reason for changing it to I", again.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"Rows_0__Reason-error\"", again.Html, StringComparison.Ordinal);
        Assert.Equal("/", await CodeAsync(pupil, today));
        again.Set(pupil, "Reason", "Sent home unwell at 9:20");
        Assert.Equal(HttpStatusCode.Redirect, (await again.PostAsync(officer)).StatusCode);
        Assert.Equal("I", await CodeAsync(pupil, today));
    }

    [Fact]
    public async Task A_locked_mark_needs_a_reason_and_the_change_is_in_the_pupils_history()
    {
        var group = await GroupAsync("Year 6 A");
        var head = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var form = await RegisterForm.OpenAsync(head, group, Thursday);
        Assert.Contains("This register is locked", form.Html, StringComparison.Ordinal);
        var pupil = form.Pupils[0];
        var before = await CodeAsync(pupil, Thursday);
        var newCode = before == "M" ? "I" : "M";

        form.Set(pupil, "Code", newCode);
        var (refused, again) = await form.PostAndReadAsync(head);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("give a reason for changing the mark", again.Html, StringComparison.Ordinal);
        Assert.Equal(before, await CodeAsync(pupil, Thursday));
        Assert.Equal(newCode, again.Get(pupil, "Code")); // what was typed is kept

        again.Set(pupil, "Reason", "Parent phoned: dental appointment");
        Assert.Equal(HttpStatusCode.Redirect, (await again.PostAsync(head)).StatusCode);
        Assert.Equal(newCode, await CodeAsync(pupil, Thursday));
        var history = await (await head.GetAsync($"/Pupils/{pupil}/Attendance")).HtmlAsync();
        Assert.Contains("Parent phoned: dental appointment", history, StringComparison.Ordinal);
        Assert.Contains($"{before} → {newCode}", history, StringComparison.Ordinal);

        // A teacher (who may take only their own group's register) cannot change a locked register at all.
        var teacher = await Factory.SignInAsync(FlexiFactory.Email("teacher", "ashby"));
        var tutorGroup = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT g.id FROM registration_groups g JOIN users u ON u.id = g.tutor_user_id WHERE u.email LIKE 'teacher@ashby%'");
        var locked = await RegisterForm.OpenAsync(teacher, tutorGroup, Thursday);
        Assert.Contains("Only an attendance officer or the headteacher can change it", locked.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Late_after_the_register_closed_must_be_U_at_the_schools_register_times()
    {
        // Castle Hill follows the Hinckley policy: the register is open 20 minutes (003 §3).
        var group = await GroupAsync("8 Elm", "Castle Hill");
        await ClearAsync(group, Friday);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "castlehill"));
        var form = await RegisterForm.OpenAsync(head, group, Friday);
        Assert.Contains("closes 20 minutes later", form.Html, StringComparison.Ordinal);
        var pupil = form.Pupils[0];
        form.Set(pupil, "Code", "L").Set(pupil, "MinutesLate", "25");
        var (response, again) = await form.PostAndReadAsync(head);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("is U, not L", again.Html, StringComparison.Ordinal);
        Assert.Null(await CodeAsync(pupil, Friday)); // the whole register waits for the correction

        again.Set(pupil, "Code", "U");
        Assert.Equal(HttpStatusCode.Redirect, (await again.PostAsync(head)).StatusCode);
        Assert.Equal("U", await CodeAsync(pupil, Friday));
    }

    [Fact]
    public async Task Teachers_see_their_own_groups_and_attendance_officers_the_school()
    {
        var teacher = await Factory.SignInAsync(FlexiFactory.Email("teacher", "ashby"));
        var html = await (await teacher.GetAsync($"/Attendance?date={Friday:yyyy-MM-dd}&session=AM")).HtmlAsync();
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "/Attendance/Register/"));
        var other = await GroupAsync("Year 3 B");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync($"/Attendance/Register/{other}?date={Friday:yyyy-MM-dd}")).StatusCode);

        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var all = await (await officer.GetAsync($"/Attendance?date={Friday:yyyy-MM-dd}&session=AM")).HtmlAsync();
        Assert.Equal(14, System.Text.RegularExpressions.Regex.Matches(all, "/Attendance/Register/").Count); // Reception to Year 6, two forms each
    }

    [Fact]
    public async Task There_is_no_register_on_a_day_that_is_not_a_school_day()
    {
        var group = await GroupAsync("Year 3 A");
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var saturday = Friday.AddDays(1);
        var html = await (await head.GetAsync($"/Attendance/Register/{group}?date={saturday:yyyy-MM-dd}")).HtmlAsync();
        Assert.Contains("This is not a school day", html, StringComparison.Ordinal);
        var index = await (await head.GetAsync($"/Attendance?date={saturday:yyyy-MM-dd}")).HtmlAsync();
        Assert.Contains("is not a school day", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_day_without_registers_links_to_the_school_days_either_side_that_have_come()
    {
        // Wednesday 25 November 2026. Saturday 21st: Friday 20th before it, Monday 23rd after it (come).
        using var wednesday = FlexiFactory.At(Db, TestDatabase.AutumnDay, 9, 30);
        var officer = await wednesday.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var past = await (await officer.GetAsync("/Attendance?date=2026-11-21&session=PM")).HtmlAsync();
        Assert.Contains("Saturday 21 November 2026 is not a school day", past, StringComparison.Ordinal);
        Assert.Contains("href=\"/Attendance?date=2026-11-20&session=PM\">Registers of the school day before, Friday 20 November 2026", past, StringComparison.Ordinal);
        Assert.Contains("href=\"/Attendance?date=2026-11-23&session=PM\">Registers of the school day after, Monday 23 November 2026", past, StringComparison.Ordinal);

        // Saturday 28th: Friday 27th before it; Monday 30th has not come, so no link to registers not yet taken.
        var coming = await (await officer.GetAsync("/Attendance?date=2026-11-28&session=AM")).HtmlAsync();
        Assert.Contains("Registers of the school day before, Friday 27 November 2026", coming, StringComparison.Ordinal);
        Assert.DoesNotContain("school day after", coming, StringComparison.Ordinal);

        // Followed, the link is that day's registers.
        var friday = await (await officer.GetAsync("/Attendance?date=2026-11-20&session=PM")).HtmlAsync();
        Assert.Contains("Ashby Lane Primary School, Friday 20 November 2026, PM", friday, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approved_leave_is_prefilled_and_not_counted_as_a_session_expected_in_school()
    {
        var group = await GroupAsync("Year 2 A");
        await ClearAsync(group, Friday, "PM");
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var pupil = (await RegisterForm.OpenAsync(officer, group, Friday, "PM")).Pupils[0];
        var leave = await officer.PostFormAsync($"/Pupils/{pupil}/Leave",
            ("Input.From", $"{Friday:yyyy-MM-dd}"), ("Input.To", $"{Friday:yyyy-MM-dd}"), ("Input.Sessions", "PM"), ("Input.Code", "M"), ("Input.Note", "Orthodontist"));
        Assert.Equal(HttpStatusCode.Redirect, leave.StatusCode);

        var form = await RegisterForm.OpenAsync(officer, group, Friday, "PM");
        Assert.Equal("M", form.Get(pupil, "Code"));
        Assert.Contains("Expected: M (Leave of absence)", form.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await form.PostAsync(officer)).StatusCode);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '{Friday:yyyy-MM-dd}' AND session = 'PM' AND code = 'M' AND NOT expected_in_school"));
        await AssertSummariesMatchMarksAsync();
    }

    [Fact]
    public async Task A_reason_behind_a_code_is_one_of_the_schools_own_and_is_kept_with_the_mark()
    {
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), "UPDATE schools SET attendance_sub_reasons = E'C: Performance licence\\nC: Music exam' WHERE name LIKE 'Ashby%'");
        var group = await GroupAsync("Year 3 A");
        await ClearAsync(group, Friday);
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var form = await RegisterForm.OpenAsync(head, group, Friday);
        Assert.Contains("Reason behind the code", form.Html, StringComparison.Ordinal);
        Assert.Contains("C: Music exam", form.Html, StringComparison.Ordinal);
        var (pupil, other) = (form.Pupils[0], form.Pupils[1]);

        // A reason the school does not keep behind that code: refused next to the field, nothing saved.
        form.Set(pupil, "Code", "C").Set(pupil, "SubReason", "Music exam").Set(other, "Code", "I").Set(other, "SubReason", "Music exam");
        var (refused, again) = await form.PostAndReadAsync(head);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Rows_1__SubReason-error", again.Html, StringComparison.Ordinal);
        Assert.Contains("This school has no reasons behind I", again.Html, StringComparison.Ordinal);
        Assert.Null(await CodeAsync(pupil, Friday));

        form.Set(other, "SubReason", "");
        Assert.Equal(HttpStatusCode.Redirect, (await form.PostAsync(head)).StatusCode);
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_marks WHERE pupil_id = '{pupil}' AND date = '{Friday:yyyy-MM-dd}' AND code = 'C' AND sub_reason = 'Music exam'"));
        Assert.Equal(1L, await Records.CountAsync($"SELECT count(*) FROM attendance_mark_changes WHERE pupil_id = '{pupil}' AND date = '{Friday:yyyy-MM-dd}' AND sub_reason = 'Music exam'"));
        var reopened = await RegisterForm.OpenAsync(head, group, Friday);
        Assert.Contains("<option value=\"Music exam\" selected=\"selected\">C: Music exam</option>", reopened.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_pupil_in_a_register_post_is_refused()
    {
        var group = await GroupAsync("Year 3 A");
        var head = await Factory.SignInAsync(FlexiFactory.Email("head", "ashby"));
        var form = await RegisterForm.OpenAsync(head, group, Friday);
        var outsider = await Records.PupilAtAsync("Brookside");
        form.Set(form.Pupils[0], "PupilId", outsider.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await form.PostAsync(head)).StatusCode);
    }

    [Fact]
    public async Task Summaries_equal_a_recomputation_from_raw_marks_on_random_data()
    {
        var random = new Random(20261122);
        var codes = AttendanceCodeSet.Dfe2024.Codes.Where(c => c.Code is not ("L" or "U")).Select(c => c.Code).ToArray();
        await using var services = TestDatabase.Services(Db);
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), "SELECT id FROM trusts ORDER BY name LIMIT 1");
        for (var round = 0; round < 5; round++)
        {
            using var scope = services.CreateScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust, Guid.Empty, true, [], "Test", null);
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var marks = await db.AttendanceMarks.OrderBy(m => m.Id).Skip(random.Next(0, 2000)).Take(300).ToListAsync();
            var registers = Domain.Policy.PolicyTemplates.Get(Domain.Policy.PolicyTemplates.Ddat).Settings.Registers;
            // Each changed mark moves its week and year by its new figures less its old (SummaryMove), as a save does.
            var moved = new List<SummaryMove>();
            foreach (var mark in marks)
            {
                var before = mark.Counted;
                db.MarkChanges.AddRange(mark.Change(new MarkEntry(codes[random.Next(codes.Length)], null, null, ExpectedInSchool: random.Next(4) != 0), registers, mark.Date, null, DateTimeOffset.UtcNow, "random test data"));
                if (SummaryMove.Changed(mark, before) is { } move)
                {
                    moved.Add(move);
                }
            }

            var (newMarks, history) = (new List<AttendanceMark>(), new List<MarkChange>());
            if (round == 0)
            {
                // Marks either side of 1 September 2026 (a Tuesday): that week's rows split between two academic years.
                foreach (var (pupilId, schoolId) in marks.Select(m => (m.PupilId, m.SchoolId)).Distinct().Take(20))
                {
                    foreach (var day in new DateOnly[] { new(2026, 8, 31), new(2026, 9, 1) })
                    {
                        var (fresh, change) = AttendanceMark.Record(schoolId, pupilId, day, Session.AM, new MarkEntry(codes[random.Next(codes.Length)], null, null), registers, day, null, DateTimeOffset.UtcNow, null);
                        newMarks.Add(fresh);
                        history.Add(change);
                    }
                }
            }

            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.SaveChangesAsync();
            await AttendanceBulkWrites.InsertAsync(db, newMarks, history, moved);
            await transaction.CommitAsync();
        }

        await AssertSummariesMatchMarksAsync();

        // And the rebuild command reaches the same figures from scratch.
        await using (var system = services.GetRequiredService<SystemDb>().Create())
        {
            await AttendanceSummaries.RebuildAllAsync(system);
        }

        await AssertSummariesMatchMarksAsync();
    }

    [Fact]
    public async Task Summaries_after_imports_adding_new_marks_and_changing_existing_ones_in_the_same_weeks_equal_a_recomputation()
    {
        // An import adds its new marks to the summaries as it writes them and recomputes only the weeks whose existing
        // marks it changed: random files over 16-27 November 2026 (marks exist to the 20th) mix both in the same weeks,
        // the same pupil's included (a file names each session once: the import refuses a file that names one twice).
        var random = new Random(20261201);
        var codes = AttendanceCodeSet.Dfe2024.Codes.Where(c => c.Code is not ("L" or "U")).Select(c => c.Code).ToArray();
        var school = await Records.SchoolAsync("Ashby");
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT trust_id FROM schools WHERE id = '{school}'");
        var officer = await Records.UserAsync(FlexiFactory.Email("attendance", "ashby"));
        var upns = new List<string>();
        await using (var services = TestDatabase.Services(Db))
        await using (var system = services.GetRequiredService<SystemDb>().Create())
        {
            upns = await system.Pupils.Where(p => p.SchoolId == school && p.AdmissionDate <= new DateOnly(2026, 11, 16)).OrderBy(p => p.Upn).Select(p => p.Upn).Take(80).ToListAsync();
        }

        var days = Enumerable.Range(0, 12).Select(d => new DateOnly(2026, 11, 16).AddDays(d)).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        for (var round = 0; round < 4; round++)
        {
            var csv = new System.Text.StringBuilder("UPN,Date,Session,Code\n");
            var named = new HashSet<(string, DateOnly, string)>();
            for (var row = 0; row < 400; row++)
            {
                var session = (upns[random.Next(upns.Count)], days[random.Next(days.Count)], random.Next(2) == 0 ? "AM" : "PM");
                if (named.Add(session))
                {
                    csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{session.Item1},{session.Item2:yyyy-MM-dd},{session.Item3},{codes[random.Next(codes.Length)]}\n");
                }
            }

            using var scope = Factory.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetUser(trust, officer, false, [school], "Attendance officer", school);
            var applier = scope.ServiceProvider.GetRequiredService<FlexiSchooling.Web.Infrastructure.ImportApplier>();
            var (check, batch) = await applier.CheckAsync(school, ImportKind.Marks, csv.ToString(), $"random-{round}.csv");
            Assert.True(batch is not null, string.Join("; ", check.Errors.Take(3)));
            var result = await applier.ConfirmAsync(batch);
            Assert.True(result.Valid, string.Join("; ", result.Errors.Take(3)));
            Assert.True(round == 0 || (result.Created > 0 && result.Changed > 0), $"round {round}: {result.Created} new, {result.Changed} changed");
        }

        await AssertSummariesMatchMarksAsync();
    }

    [Fact]
    public async Task The_summaries_check_finds_a_mark_written_by_hand_until_the_summaries_are_rebuilt()
    {
        // ADR 0056: saves move the summaries, so a mark corrected by hand in the database leaves its week and year wrong
        // until they are rebuilt; --check-attendance-summaries (AttendanceSummaries.DriftAsync) says so, changing nothing.
        await using var services = TestDatabase.Services(Db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        Assert.Equal((0, 0), await AttendanceSummaries.DriftAsync(system, Friday));
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE attendance_marks SET code = 'O', category = 'Unauthorised' WHERE id = (SELECT id FROM attendance_marks WHERE date = '{Friday:yyyy-MM-dd}' AND category = 'Present' ORDER BY id LIMIT 1)");
        Assert.Equal((1, 1), await AttendanceSummaries.DriftAsync(system, Friday));
        Assert.Equal((1, 1), await AttendanceSummaries.DriftAsync(system, Friday)); // the check changed nothing
        await AttendanceSummaries.RebuildAllAsync(system);
        Assert.Equal((0, 0), await AttendanceSummaries.DriftAsync(system, Friday));
    }

    private AttendanceSummaryCheckJobAt NightlyCheck(DateOnly day, int hour) => new(Db, day, hour);

    /// <summary>The nightly job on the test's database with its clock at an hour of a day in England.</summary>
    private sealed class AttendanceSummaryCheckJobAt(string db, DateOnly day, int hour)
    {
        public async Task<FlexiSchooling.Web.Infrastructure.SummaryCheck?> RunAsync()
        {
            await using var services = TestDatabase.Services(db);
            var job = new FlexiSchooling.Web.Infrastructure.AttendanceSummaryCheckJob(services.GetRequiredService<SystemDb>(), AdjustableTime.AtLondon(day, hour, 30), Microsoft.Extensions.Logging.Abstractions.NullLogger<FlexiSchooling.Web.Infrastructure.AttendanceSummaryCheckJob>.Instance);
            return await job.CheckTonightAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_nightly_check_counts_again_the_figures_of_marks_changed_by_hand_once_a_night_and_only_at_night()
    {
        // ADR 0057: what the summaries check finds, the night's job mends — the figures of the pupils whose differ, counted
        // again from their marks — once a night whichever instance runs it, and never while registers are being taken.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"""
            CREATE TEMP TABLE chosen AS SELECT m.id, m.pupil_id FROM attendance_marks m JOIN schools s ON s.id = m.school_id
             WHERE m.date = '{Friday:yyyy-MM-dd}' AND m.category = 'Present' AND s.name LIKE 'Ashby%' ORDER BY m.id LIMIT 1;
            UPDATE attendance_marks SET code = 'O', category = 'Unauthorised' WHERE id = (SELECT id FROM chosen);
            DELETE FROM attendance_pupil_weeks WHERE (pupil_id, week_start) = (
              SELECT pupil_id, week_start FROM attendance_pupil_weeks
               WHERE week_start = '{AttendanceFigures.SummaryWeekOf(Thursday).AddDays(-7):yyyy-MM-dd}' AND pupil_id <> (SELECT pupil_id FROM chosen)
                 AND trust_id = (SELECT trust_id FROM attendance_marks WHERE id = (SELECT id FROM chosen)) ORDER BY pupil_id LIMIT 1);
            """);
        var saturday = Friday.AddDays(1);
        Assert.Null(await NightlyCheck(saturday, 0).RunAsync());
        Assert.Null(await NightlyCheck(saturday, 14).RunAsync());
        Assert.Equal((2, 1), await DriftAsync(saturday));

        var found = await NightlyCheck(saturday, 2).RunAsync();
        Assert.NotNull(found);
        Assert.Equal(new FlexiSchooling.Web.Infrastructure.SummaryCheck(Trusts: 1, Weeks: 2, Years: 1, Pupils: 2), found);
        Assert.Equal((0, 0), await DriftAsync(saturday));
        await AssertSummariesMatchMarksAsync();
        Assert.Equal("1 2 1 2", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Db), $"SELECT trusts || ' ' || weeks || ' ' || years || ' ' || pupils FROM maintenance.attendance_summary_checks WHERE checked_on = '{saturday:yyyy-MM-dd}'"));
        // Each pupil counted again has it in the audit trail, the application's own change, under the pupil and their school.
        Assert.Equal(2L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db),
            "SELECT count(*) FROM audit_events a JOIN pupils p ON p.id::text = a.entity_id AND p.trust_id = a.trust_id AND p.school_id = a.school_id"
            + " WHERE a.action = 'attendance-recounted' AND a.entity_type = 'Pupil' AND a.role = 'System' AND a.user_id IS NULL"));
        var lead = await Factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var audit = await (await lead.GetAsync("/Audit?action=attendance-recounted")).HtmlAsync();
        Assert.Contains("2 matching entries", audit, StringComparison.Ordinal);
        Assert.Contains("FlexiSchooling itself", audit, StringComparison.Ordinal);

        // Once a night: a mark changed by hand after the night's check waits for the next night's.
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE attendance_marks SET code = 'I', category = 'Authorised' WHERE id = (SELECT id FROM attendance_marks WHERE date = '{Thursday:yyyy-MM-dd}' AND category = 'Present' ORDER BY id LIMIT 1)");
        Assert.Null(await NightlyCheck(saturday, 5).RunAsync());
        Assert.Equal((1, 1), await DriftAsync(saturday));
        var sunday = await NightlyCheck(saturday.AddDays(1), 1).RunAsync();
        Assert.Equal(new FlexiSchooling.Web.Infrastructure.SummaryCheck(Trusts: 1, Weeks: 1, Years: 1, Pupils: 1), sunday);
        await AssertSummariesMatchMarksAsync();
        Assert.Equal(2L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), "SELECT count(*) FROM maintenance.attendance_summary_checks"));
    }

    [Fact]
    public async Task A_register_saved_while_the_nightly_repair_counts_its_pupils_again_is_counted_once()
    {
        // ADR 0057: the repair counts a pupil's figures from the marks while saves may be moving them. A save held in flight
        // (its marks written, its week rows held by a third transaction) when the repair starts: the repair waits for it,
        // then counts its marks; the figures must equal the marks, neither the save's move lost nor counted twice.
        var group = await GroupAsync("Year 3 A");
        await ClearAsync(group, Friday, "PM");
        var officer = await Factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        var afternoon = await RegisterForm.OpenAsync(officer, group, Friday, "PM");
        afternoon.Set(afternoon.Pupils[0], "Code", "M").Set(afternoon.Pupils[1], "Code", "O");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Db), $"UPDATE attendance_marks SET code = 'O', category = 'Unauthorised' WHERE pupil_id = '{afternoon.Pupils[0]}' AND date = '{Friday:yyyy-MM-dd}' AND session = 'AM'");

        await using var holder = new Npgsql.NpgsqlConnection(TestDatabase.Super(Db));
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockRows = new Npgsql.NpgsqlCommand($"SELECT 1 FROM attendance_pupil_weeks w JOIN pupils p ON p.id = w.pupil_id WHERE p.registration_group_id = '{group}' AND w.week_start = '{AttendanceFigures.SummaryWeekOf(Friday):yyyy-MM-dd}' FOR UPDATE OF w", holder, hold))
        {
            Assert.True(await lockRows.ExecuteScalarAsync() is not null);
        }

        var save = afternoon.PostAsync(officer);
        Assert.Equal(1L, await WaitingOnLocksAsync(1, holder.ProcessID));
        await using var services = TestDatabase.Services(Db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Db), $"SELECT trust_id FROM registration_groups WHERE id = '{group}'");
        var repair = AttendanceSummaries.RepairDriftAsync(system, trust, AdjustableTime.AtLondon(Friday, 20, 0).GetUtcNow());
        Assert.Equal(2L, await WaitingOnLocksAsync(2, holder.ProcessID));
        await hold.CommitAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await save).StatusCode);
        Assert.Contains(afternoon.Pupils[0], (await repair).Pupils);
        Assert.Equal("M", await CodeAsync(afternoon.Pupils[0], Friday, "PM"));
        Assert.Equal((0, 0), await DriftAsync(Friday));
        await AssertSummariesMatchMarksAsync();
    }

    /// <summary>Waits (up to 15 s) until <paramref name="wanted"/> of the test database's backends other than the holder wait on a lock; how many do.</summary>
    private async Task<long> WaitingOnLocksAsync(long wanted, int holder)
    {
        var waiting = 0L;
        for (var tries = 0; tries < 300 && waiting < wanted; tries++)
        {
            await Task.Delay(50);
            waiting = await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Db), $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{Db}' AND wait_event_type = 'Lock' AND pid <> {holder}");
        }

        return waiting;
    }

    private async Task<(int Weeks, int Years)> DriftAsync(DateOnly today)
    {
        await using var services = TestDatabase.Services(Db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        return await AttendanceSummaries.DriftAsync(system, today);
    }

    /// <summary>Every weekly and yearly summary row equals the domain's arithmetic over the raw marks, and none is missing.</summary>
    private async Task AssertSummariesMatchMarksAsync()
    {
        await using var services = TestDatabase.Services(Db);
        await using var system = services.GetRequiredService<SystemDb>().Create();
        var marks = await system.AttendanceMarks.AsNoTracking().Select(m => new { m.PupilId, m.SchoolId, m.Date, m.Category, m.ExpectedInSchool }).ToListAsync();
        var expected = marks.GroupBy(m => (m.PupilId, m.SchoolId, AttendanceFigures.SummaryWeekOf(m.Date)))
            .ToDictionary(g => g.Key, g => AttendanceFigures.From(g.Select(m => (m.Category, m.ExpectedInSchool))));
        var actual = (await system.AttendancePupilWeeks.AsNoTracking().ToListAsync()).ToDictionary(w => (w.PupilId, w.SchoolId, w.WeekStart), w => w.Figures);
        Assert.True(expected.Count > 1000);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, figures) in expected)
        {
            Assert.Equal(figures, actual[key]);
        }

        var expectedYears = marks.GroupBy(m => (m.PupilId, m.SchoolId, AcademicYear.Containing(m.Date).Start))
            .ToDictionary(g => g.Key, g => AttendanceFigures.From(g.Select(m => (m.Category, m.ExpectedInSchool))));
        var actualYears = (await system.AttendancePupilYears.AsNoTracking().ToListAsync()).ToDictionary(y => (y.PupilId, y.SchoolId, y.YearStart), y => y.Figures);
        Assert.Equal(expectedYears.Count, actualYears.Count);
        foreach (var (key, figures) in expectedYears)
        {
            Assert.Equal(figures, actualYears[key]);
        }
    }
}
