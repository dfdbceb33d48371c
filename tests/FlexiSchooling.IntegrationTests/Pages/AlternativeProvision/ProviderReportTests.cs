using System.Text.RegularExpressions;
using FlexiSchooling.Data;
using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexiSchooling.IntegrationTests.Pages.AlternativeProvision;

/// <summary>
/// Issue 13, "Today" for the attendance officer: "provider reports missing at 10:00" (002 §4.4: attendance updates by
/// 10:00 daily). On the demo's placement running at Ashby Lane (Riverside Skills Centre, Thursdays and Fridays), with the
/// clock set to the next day the pupil is due there.
/// </summary>
public sealed class ProviderReportTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    /// <summary>The demo's running placement at a school, and the next school day from the autumn day its pupil is due at the provider — by the rule the product uses.</summary>
    private async Task<(Guid Case, string Pupil, DateOnly Day)> NextDueAsync(string school)
    {
        await using var services = TestDatabase.Services(_db);
        await using var db = services.GetRequiredService<SystemDb>().Create();
        var running = await (from a in db.Arrangements.AsNoTracking()
                             join p in db.Placements.AsNoTracking() on a.Id equals p.ArrangementId
                             join s in db.Schools.AsNoTracking() on a.SchoolId equals s.Id
                             join u in db.Pupils.AsNoTracking() on a.PupilId equals u.Id
                             where s.Name.StartsWith(school) && a.Stage == Domain.Arrangements.ArrangementStage.Running
                             select new { Case = a, Placement = p, Pupil = u.LegalSurname + ", " + (u.PreferredForename ?? u.LegalForename) }).SingleAsync();
        var calendar = await SchoolRules.CalendarAsync(db, running.Case.SchoolId);
        // From the template's autumn day: the demo's placement runs into the spring, so a later machine's day finds it ended
        // (found running the tests 600 days ahead).
        var day = TestDatabase.AutumnDay;
        while (!ProviderReport.DueAtProvider(running.Case.Stage, running.Case.StartedOn, running.Placement, calendar, day))
        {
            day = day.AddDays(1);
            Assert.True(day < TestDatabase.AutumnDay.AddDays(60), "the demo's placement is never due at the provider");
        }

        return (running.Case.Id, running.Pupil, day);
    }

    [Fact]
    public async Task Today_lists_a_providers_daily_report_missing_after_ten_until_it_is_recorded_and_never_at_another_school()
    {
        var (id, pupil, day) = await NextDueAsync("Ashby");
        var clock = AdjustableTime.AtLondon(day, 9, 50);
        using var factory = new FlexiFactory(_db) { ConfigureServices = services => services.AddSingleton<TimeProvider>(clock) };
        var officer = await factory.SignInAsync(FlexiFactory.Email("attendance", "ashby"));
        const string item = "Chase Riverside Skills Centre's daily report: due by 10:00";

        // Before 10:00 the report waits on the provider: not the officer's action yet.
        Assert.DoesNotContain(item, await (await officer.GetAsync("/")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Today's report is due by <strong>10:00</strong>", await (await officer.GetAsync($"/Cases/{id}/ProviderReports")).HtmlAsync(), StringComparison.Ordinal);

        // After it, the officer is to chase it: overdue, dated today, linking to where it is recorded; the case says so too.
        clock.Advance(TimeSpan.FromMinutes(15)); // 10:05 (a session idle for 30 minutes would end)
        var today = await (await officer.GetAsync("/")).HtmlAsync();
        var overdue = today[today.IndexOf("id=\"overdue\"", StringComparison.Ordinal)..];
        Assert.Contains(item, overdue[..overdue.IndexOf("</table>", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains($"/Cases/{id}/ProviderReports", today, StringComparison.Ordinal);
        Assert.Contains(pupil, today, StringComparison.Ordinal);
        Assert.Contains("Missing today", await (await officer.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);

        // The same school's teacher does not chase absence; another school's officer never sees this pupil.
        Assert.DoesNotContain(item, await (await (await factory.SignInAsync(FlexiFactory.Email("teacher", "ashby"))).GetAsync("/")).HtmlAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(pupil, await (await (await factory.SignInAsync(FlexiFactory.Email("attendance", "castlehill"))).GetAsync("/")).HtmlAsync(), StringComparison.Ordinal);

        // An absence without what the provider said is refused at its field, keeping what was typed; nothing is saved.
        var page = $"/Cases/{id}/ProviderReports";
        (string, string)[] Report(string outcome, string said) =>
            [("Input.Date", day.ToString("yyyy-MM-dd")), ("Input.Outcome", outcome), ("Input.Detail", said), ("Input.Channel", "Phone"), ("Input.ReceivedAt", "10:02")];
        var refused = await (await officer.PostFormAsync(page, [.. Report("Absent", " ")])).HtmlAsync();
        Assert.Contains("Enter what the provider said about the absence", refused, StringComparison.Ordinal);
        Assert.Contains("value=\"10:02\"", refused, StringComparison.Ordinal);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM provider_reports WHERE arrangement_id = '{id}' AND date = '{day:yyyy-MM-dd}'"));

        var posted = await officer.PostFormAsync(page, [.. Report("Absent", "Parent rang the centre: pupil unwell")]);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, posted.StatusCode);
        var saved = await (await officer.GetAsync(posted.Headers.Location!.OriginalString)).HtmlAsync();
        Assert.Contains("Code the pupil's sessions at the provider in the register", saved, StringComparison.Ordinal);
        Assert.Matches(new Regex("Absent</strong></td>\\s*<td class=\"govuk-table__cell app-pre-line[^\"]*\">Parent rang the centre: pupil unwell"), saved);
        Assert.Contains("Received</strong> Today's report has come in", saved, StringComparison.Ordinal);
        Assert.Equal("Absent/Phone/10:02:00", await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db),
            $"SELECT outcome || '/' || channel || '/' || received_at::text FROM provider_reports WHERE arrangement_id = '{id}' AND date = '{day:yyyy-MM-dd}'"));
        Assert.DoesNotContain(item, await (await officer.GetAsync("/")).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Provider's report recorded", await (await officer.GetAsync($"/Cases/{id}")).HtmlAsync(), StringComparison.Ordinal);
    }
}
