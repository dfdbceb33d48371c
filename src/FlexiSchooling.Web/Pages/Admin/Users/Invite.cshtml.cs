using FlexiSchooling.Data.Identity;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Admin.Users;

public sealed record InviteInput
{
    public string DisplayName { get; init; } = "";

    public string Email { get; init; } = "";

    public StaffRole? Role { get; init; }

    public Guid? SchoolId { get; init; }
}

public sealed class InviteInputValidator : AbstractValidator<InviteInput>
{
    public InviteInputValidator()
    {
        RuleFor(x => x.DisplayName).NotEmpty().WithMessage("Enter the person's full name").MaximumLength(200).WithMessage("Name must be 200 characters or fewer");
        RuleFor(x => x.Email).NotEmpty().WithMessage("Enter their email address").EmailAddress().WithMessage("Enter an email address in the correct format, like name@school.org.uk").MaximumLength(256).WithMessage("Email must be 256 characters or fewer");
        RuleFor(x => x.Role).NotNull().WithMessage("Choose a role");
    }
}

/// <summary>
/// Creates the account (no password yet), its first role and an invitation, and queues the email,
/// all in one transaction: nothing is half-created if any step fails.
/// </summary>
public sealed class InviteModel(UserManager<AppUser> users, EmailOutbox outbox, EmailLinks links) : AppPageModel
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    [BindProperty]
    public InviteInput Input { get; set; } = new();

    public IReadOnlyList<KeyValuePair<string, string>> SchoolOptions => RoleOptions.Schools(CurrentUser.Schools);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        if (Input.SchoolId is { } school && CurrentUser.Schools.All(s => s.Id != school))
        {
            ModelState.AddModelError("Input.SchoolId", "Choose one of the trust's schools");
            return Page();
        }

        if (// Sign-in names are unique across all trusts, so ask the cross-trust lookup, not just this trust.
            await PreSignIn.TrustForLoginAsync(Db, users.NormalizeEmail(Input.Email.Trim())) is not null)
        {
            ModelState.AddModelError("Input.Email", "An account already exists for this email address");
            return Page();
        }

        // A new account with a role is a change of access: the password again first (issue 14, item 2).
        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        var email = Input.Email.Trim();
        var user = new AppUser
        {
            Id = Ids.New(),
            TrustId = CurrentUser.TrustId,
            UserName = email,
            Email = email,
            DisplayName = Input.DisplayName.Trim(),
            CreatedAt = Time.GetUtcNow(),
            LockoutEnabled = true,
        };
        // Checked before anything is written: the role must suit its scope (trust-wide or a school).
        var assignment = new RoleAssignment(user.Id, Input.Role!.Value, Input.SchoolId);
        await using var transaction = await Db.Database.BeginTransactionAsync();
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            ModelState.AddModelError("Input.Email", created.Errors.First().Description);
            return Page();
        }

        Db.RoleAssignments.Add(assignment);
        var token = Invitation.NewToken();
        Db.Invitations.Add(new Invitation(user.Id, Invitation.Hash(token), Time.GetUtcNow() + InvitationLifetime, CurrentUser.UserId));
        outbox.Enqueue(email, "You have been invited to FlexiSchooling",
            $"{CurrentUser.DisplayName} has invited you to FlexiSchooling for {CurrentUser.TrustName}.\n\nTo set up your account, open this link within 7 days:\n{links.For(Request, $"/Account/AcceptInvitation?token={token}")}\n\nYou will also set up two-factor authentication with an app on your phone.");
        await Db.SaveChangesAsync();
        await transaction.CommitAsync();
        return RedirectToPage("Edit", new { id = user.Id });
    }
}
