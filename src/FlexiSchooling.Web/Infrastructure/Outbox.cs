using System.Net;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>Queues an email in the caller's unit of work: it is sent only if the change commits.</summary>
public sealed class EmailOutbox(AppDbContext db, TimeProvider time)
{
    public void Enqueue(string to, string subject, string text)
    {
        var html = "<p>" + WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>";
        db.OutboxMessages.Add(new OutboxMessage(to, subject, text, html, time.GetUtcNow()));
    }
}

public interface IEmailSender
{
    Task SendAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>The local sender: each message becomes an .eml file in the mail folder, listed on /Dev/Outbox.</summary>
public sealed class FolderEmailSender(IOptions<SecurityOptions> options, IHostEnvironment environment) : IEmailSender
{
    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var folder = options.Value.MailDirectory ?? Path.Combine(environment.ContentRootPath, ".mail");
        Directory.CreateDirectory(folder);
        var eml = $"To: {message.To}\r\nSubject: {message.Subject}\r\nDate: {message.CreatedAt:R}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{message.TextBody}\r\n";
        await File.WriteAllTextAsync(Path.Combine(folder, $"{message.CreatedAt:yyyyMMddHHmmss}-{message.Id:N}.eml"), eml, cancellationToken);
    }
}

/// <summary>
/// Delivers queued messages for every trust (system context on the owner connection); retries up to five times. Every
/// instance of the application runs one (docs/scaling.md runs three), so a pass claims what it sends: the messages are
/// read <c>FOR UPDATE SKIP LOCKED</c> in a transaction held until their outcomes are saved, and another instance's pass
/// skips them rather than send them too. An instance stopped half-way leaves its messages unsent and unlocked, to be sent
/// by the next pass — at least once, and never by two at once.
/// </summary>
public sealed class OutboxSender(SystemDb systemDb, IEmailSender sender, TimeProvider time, ILogger<OutboxSender> logger)
    // Every five seconds, the first five seconds after start, not while the server is starting (PeriodicJob).
    : PeriodicJob(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), time, logger)
{
    public const int MaxAttempts = 5;

    protected override Task PassAsync(CancellationToken cancellationToken) => SendPendingAsync(cancellationToken);

    public async Task<int> SendPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = systemDb.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var pending = await db.OutboxMessages.FromSql($"""
            SELECT * FROM outbox_messages WHERE sent_at IS NULL AND attempts < {MaxAttempts}
            ORDER BY created_at LIMIT 50 FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);
        foreach (var message in pending)
        {
            try
            {
                await sender.SendAsync(message, cancellationToken);
                message.MarkSent(Time.GetUtcNow());
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                message.MarkFailed(e.Message);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return pending.Count;
    }
}
