using System.Net;
using FlexiSchooling.IntegrationTests.Infrastructure;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 15, "past one machine": docs/scaling.md runs three instances behind a load balancer, each running every
/// background job. Two instances here — two hosts of the application on one database, each with a data folder of its own
/// as on machines of their own (the data-protection keys are the database's, ADR 0050) — with a person's requests going
/// to either, as a balancer would send them. (The same through HAProxy, each instance its own process:
/// BalancerJourneyTests in the browser tests.)
/// </summary>
public sealed class SeveralInstancesTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await TestDatabase.DropAsync(_db);

    private FlexiFactory Instance() => new(_db);

    [Fact]
    public async Task Several_instances_share_a_sign_in_and_a_form_and_send_each_email_once()
    {
        using var first = Instance();
        using var second = Instance();

        // Signed in on one, the next request reaches the other: the same cookie, the session in the database.
        var lead = new CookieContainer();
        await first.SignInAsync(FlexiFactory.Email("trustlead", "northfield"), cookies: lead);
        using var home = await second.NewClient(lead).GetAsync("/Dashboard");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Ashby Lane", await home.HtmlAsync(), StringComparison.Ordinal);

        // A form from one posted to the other (the antiforgery token and cookie made with the ring's keys), asking for a
        // password reset; the instance that took it queues the email, and both instances' senders poll the outbox. Here
        // the two senders' passes fall as their timers do (this passed against the sender before it claimed its messages,
        // three runs of three): OutboxTests makes two passes overlap and shows that a message goes once all the same.
        var email = FlexiFactory.Email("senco", "brookside");
        var visitor = new CookieContainer();
        var form = await (await first.NewClient(visitor).GetAsync("/Account/ForgotPassword")).Content.ReadAsStringAsync();
        using var asked = await second.NewClient(visitor).PostAsync("/Account/ForgotPassword", new FormUrlEncodedContent(
            [new("Input.Email", email), new("__RequestVerificationToken", HttpClientForms.AntiforgeryToken(form))]));
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("id=\"forgot-confirmation\"", await asked.HtmlAsync(), StringComparison.Ordinal); // taken, not refused

        var sent = $"SELECT count(*) FROM outbox_messages WHERE \"to\" = '{email}' AND sent_at IS NOT NULL";
        await Eventually.WaitAsync(async () => await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), sent) > 0, TimeSpan.FromSeconds(20));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), sent));
        await Task.Delay(TimeSpan.FromSeconds(6)); // a pass more of each instance's sender (every five seconds)
        // Each instance writes the mail it sends into its own folder: between them, one.
        var mails = new[] { first, second }.Select(i => Path.Combine(i.DataDirectory, "mail")).Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*.eml")).Where(f => File.ReadAllText(f).Contains($"To: {email}", StringComparison.Ordinal)).ToList();
        Assert.Single(mails);
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), $"SELECT count(*) FROM outbox_messages WHERE \"to\" = '{email}' AND attempts = 1"));
    }
}
