using FlexiSchooling.Data;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Account;

/// <summary>An invited user sets their password through the emailed link (the token's hash finds the trust).</summary>
public sealed class AcceptInvitationModel(UserManager<AppUser> users, AppDbContext db, TenantContext tenant, AuditTrail audit) : AppPageModel
{
    [BindProperty]
    public NewPasswordInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    public bool Usable { get; private set; }

    public string Email { get; private set; } = "";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        var (invitation, user) = await LoadAsync();
        if (invitation is null || user is null)
        {
            return Page();
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        var result = await users.AddPasswordAsync(user, Input.Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError("Input.Password", error.Description);
            }

            return Page();
        }

        user.EmailConfirmed = true;
        invitation.Accept(Time.GetUtcNow());
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await audit.SecurityAsync(AuditActions.InvitationAccepted, user.TrustId, user.Id);
        return RedirectToPage("Login", new { message = "invited" });
    }

    private async Task<(Invitation?, AppUser?)> LoadAsync()
    {
        if (string.IsNullOrEmpty(Token) || Token.Length > 100)
        {
            return (null, null);
        }

        var hash = Invitation.Hash(Token);
        if (await PreSignIn.TrustForInvitationAsync(db, hash) is not { } trustId)
        {
            return (null, null);
        }

        tenant.SetTrust(trustId);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.TokenHash == hash);
        var user = invitation is null ? null : await users.FindByIdAsync(invitation.UserId.ToString());
        Usable = invitation is not null && user is { IsDisabled: false, PasswordHash: null } && invitation.IsUsable(Time.GetUtcNow());
        Email = user?.Email ?? "";
        return Usable ? (invitation, user) : (null, null);
    }
}
