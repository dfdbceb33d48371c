using System.Text;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace FlexiSchooling.Web.Pages.Account;

public sealed record EmailInput
{
    public string Email { get; init; } = "";
}

public sealed class EmailInputValidator : AbstractValidator<EmailInput>
{
    public EmailInputValidator() =>
        RuleFor(x => x.Email).NotEmpty().WithMessage("Enter your email address")
            .EmailAddress().WithMessage("Enter an email address in the correct format, like name@school.org.uk");
}

/// <summary>The same answer whether or not the account exists, so the page cannot be used to find accounts.</summary>
public sealed class ForgotPasswordModel(UserManager<AppUser> users, AppDbContext db, TenantContext tenant, EmailOutbox outbox, EmailLinks links) : AppPageModel
{
    [BindProperty]
    public EmailInput Input { get; set; } = new();

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        var email = Input.Email.Trim();
        if (await PreSignIn.TrustForLoginAsync(db, users.NormalizeEmail(email)) is { } trustId)
        {
            tenant.SetTrust(trustId);
            if (await users.FindByEmailAsync(email) is { IsDisabled: false } user)
            {
                var token = await users.GeneratePasswordResetTokenAsync(user);
                var link = links.For(Request, $"/Account/ResetPassword?email={Uri.EscapeDataString(email)}&code={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}");
                outbox.Enqueue(email, "Reset your FlexiSchooling password",
                    $"Someone asked to reset the password for this FlexiSchooling account.\n\nTo choose a new password, open this link within 24 hours:\n{link}\n\nIf it was not you, ignore this email: your password has not changed.");
                await db.SaveChangesAsync();
            }
        }

        Sent = true;
        return Page();
    }
}
