using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Data.Outbox;

/// <summary>
/// An email waiting to be sent. Written in the same transaction as the change that causes it, so a
/// rolled-back change sends nothing; a background sender delivers it and records the outcome.
/// </summary>
public sealed class OutboxMessage : ITrustStampable
{
    private OutboxMessage() { }

    public OutboxMessage(string to, string subject, string textBody, string htmlBody, DateTimeOffset createdAt)
    {
        Id = Ids.New();
        To = to;
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public string To { get; private set; } = "";

    public string Subject { get; private set; } = "";

    public string TextBody { get; private set; } = "";

    public string HtmlBody { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    public void MarkSent(DateTimeOffset at)
    {
        SentAt = at;
        Attempts++;
        LastError = null;
    }

    public void MarkFailed(string error)
    {
        Attempts++;
        LastError = error.Length > 500 ? error[..500] : error;
    }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
