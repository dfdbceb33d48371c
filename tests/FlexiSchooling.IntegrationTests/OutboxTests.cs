using System.Collections.Concurrent;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Outbox;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// The outbox's sender with more than one instance of the application (issue 15, "past one machine": docs/scaling.md
/// runs three): each instance's sender polls the same table, and a message must go once, not once for each instance that
/// found it unsent.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    /// <summary>A sender that takes its time (as SMTP does), counting what it was given.</summary>
    private sealed class SlowSender : IEmailSender
    {
        public ConcurrentDictionary<Guid, int> Sent { get; } = new();

        public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            await Task.Delay(100, cancellationToken);
            Sent.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
        }
    }

    [Fact]
    public async Task Outbox_messages_go_once_when_two_instances_senders_poll_at_once()
    {
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT id FROM trusts ORDER BY name LIMIT 1");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), "UPDATE outbox_messages SET sent_at = created_at WHERE sent_at IS NULL");
        await TestDatabase.ExecuteAsync(TestDatabase.Super(_db), $"""
            INSERT INTO outbox_messages (id, trust_id, "to", subject, text_body, html_body, created_at, attempts)
            SELECT gen_random_uuid(), '{trust}', 'parent' || n || '@example.org', 'Please sign', 'A link', '<p>A link</p>', now(), 0
            FROM generate_series(1, 6) n
            """);
        await using var services = TestDatabase.Services(_db);
        var sender = new SlowSender();
        var first = new OutboxSender(services.GetRequiredService<SystemDb>(), sender, TimeProvider.System, NullLogger<OutboxSender>.Instance);
        var second = new OutboxSender(services.GetRequiredService<SystemDb>(), sender, TimeProvider.System, NullLogger<OutboxSender>.Instance);

        var handled = await Task.WhenAll(first.SendPendingAsync(CancellationToken.None), second.SendPendingAsync(CancellationToken.None));

        Assert.Equal(6, handled.Sum());
        Assert.Equal(6, sender.Sent.Count);
        Assert.All(sender.Sent.Values, times => Assert.Equal(1, times));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"));
        Assert.Equal(6L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), "SELECT count(*) FROM outbox_messages WHERE subject = 'Please sign' AND attempts = 1"));
    }
}
