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

/// <summary>Delivers queued messages for every trust (system context on the owner connection); retries up to five times.</summary>
public sealed class OutboxSender(SystemDb systemDb, IEmailSender sender, TimeProvider time, ILogger<OutboxSender> logger)
    // Every five seconds, the first five seconds after start, not while the server is starting (PeriodicJob).
    : PeriodicJob(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), time, logger)
{
    public const int MaxAttempts = 5;

    protected override Task PassAsync(CancellationToken cancellationToken) => SendPendingAsync(cancellationToken);

    public async Task<int> SendPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = systemDb.Create();
        var pending = await db.OutboxMessages.Where(m => m.SentAt == null && m.Attempts < MaxAttempts).OrderBy(m => m.CreatedAt).Take(50).ToListAsync(cancellationToken);
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
        return pending.Count;
    }
}
