using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

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

/// <summary>
/// The same answer, after the same work, whether or not the account exists, so the page cannot be used to find accounts:
/// it only queues the request (<see cref="Identity.PasswordResetRequests"/>), and the email follows for an active account.
/// </summary>
public sealed class ForgotPasswordModel(Identity.PasswordResetRequests resets, EmailLinks links) : AppPageModel
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

        resets.Enqueue(Input.Email, links.BaseFor(Request));
        Sent = true;
        return Page();
    }
}
