using System.Text;
using System.Threading.Channels;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace FlexiSchooling.Web.Identity;

/// <summary>
/// Requests to reset a password, answered after the page has replied (issue 14, item 4: "at a reset, the same work, so
/// the same time"). Looking the account up, making its token and queueing its email took time only when the account
/// existed, so the reply's timing said whether it did; the page now only queues the request, for any address, and
/// <see cref="PasswordResetSender"/> does the rest. Bounded: a flood drops requests rather than memory.
/// </summary>
public sealed class PasswordResetRequests
{
    private readonly Channel<(string Email, string LinkBase)> _channel =
        Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<(string Email, string LinkBase)> Reader => _channel.Reader;

    /// <summary>Queues a request; the same, and as quick, whether or not the address has an account.</summary>
    public void Enqueue(string email, string linkBase) => _channel.Writer.TryWrite((email.Trim(), linkBase));
}

/// <summary>Sends the reset email for each queued request whose address has an active account; nothing for any other.</summary>
public sealed class PasswordResetSender(PasswordResetRequests requests, IServiceScopeFactory scopes, ILogger<PasswordResetSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (email, linkBase) in requests.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(email, linkBase);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "A password reset request could not be answered");
            }
        }
    }

    private async Task SendAsync(string email, string linkBase)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var db = services.GetRequiredService<AppDbContext>();
        if (await PreSignIn.TrustForLoginAsync(db, users.NormalizeEmail(email)) is not { } trustId)
        {
            return;
        }

        services.GetRequiredService<TenantContext>().SetTrust(trustId);
        if (await users.FindByEmailAsync(email) is not { IsDisabled: false } user)
        {
            return;
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = $"{linkBase}/Account/ResetPassword?email={Uri.EscapeDataString(email)}&code={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}";
        services.GetRequiredService<EmailOutbox>().Enqueue(email, "Reset your FlexiSchooling password",
            $"Someone asked to reset the password for this FlexiSchooling account.\n\nTo choose a new password, open this link within 24 hours:\n{link}\n\nIf it was not you, ignore this email: your password has not changed.");
        await db.SaveChangesAsync();
    }
}
