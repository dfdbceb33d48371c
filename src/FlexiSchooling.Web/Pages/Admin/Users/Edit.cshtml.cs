using FlexiSchooling.Data.Identity;
using FlexiSchooling.Data.Audit;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Identity;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Admin.Users;

public sealed record RoleInput
{
    public StaffRole? Role { get; init; }

    public Guid? SchoolId { get; init; }
}

public sealed class RoleInputValidator : AbstractValidator<RoleInput>
{
    public RoleInputValidator() => RuleFor(x => x.Role).NotNull().WithMessage("Choose a role");
}

public sealed record RoleRow(Guid Id, StaffRole Role, Guid? SchoolId, string Where);

/// <summary>
/// A user's roles, sessions and access. Removing a role, disabling the account or resetting two-factor also ends every
/// session the person has (issue 14, item 1), so a copied cookie is worth nothing from that moment; an administrator
/// can end them on their own too.
/// </summary>
public sealed class EditModel(UserManager<AppUser> users, SessionStore sessions, AuditTrail audit) : AppPageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public RoleInput Input { get; set; } = new();

    public string Name { get; private set; } = "";

    public string Email { get; private set; } = "";

    public bool Disabled { get; private set; }

    public bool HasPassword { get; private set; }

    public bool TwoFactor { get; private set; }

    public bool IsSelf => Id == CurrentUser.UserId;

    public Guid? OwnSession => IsSelf ? CurrentUser.SessionId : null;

    public IReadOnlyList<RoleRow> Roles { get; private set; } = [];

    public IReadOnlyList<UserSession> Sessions { get; private set; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> SchoolOptions => RoleOptions.Schools(CurrentUser.Schools);

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() is null ? NotFound() : Page();

    public async Task<IActionResult> OnPostAddRoleAsync()
    {
        if (await LoadAsync() is null)
        {
            return NotFound();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        if (!await ValidateAsync(Input))
        {
            return Page();
        }

        if (Input.SchoolId is { } school && CurrentUser.Schools.All(s => s.Id != school))
        {
            ModelState.AddModelError("Input.SchoolId", "Choose one of the trust's schools");
            return Page();
        }

        if (Roles.Any(r => r.Role == Input.Role && r.SchoolId == Input.SchoolId))
        {
            ModelState.AddModelError("Input.Role", "This person already holds that role there");
            return Page();
        }

        Db.RoleAssignments.Add(new RoleAssignment(Id, Input.Role!.Value, Input.SchoolId));
        try
        {
            await Db.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Someone else added the same role a moment ago.
            ModelState.AddModelError("Input.Role", "This person already holds that role there");
            await LoadAsync();
            return Page();
        }

        return RedirectToPage(new { id = Id });
    }

    public async Task<IActionResult> OnPostRemoveRoleAsync(Guid assignmentId)
    {
        var assignment = await Db.RoleAssignments.SingleOrDefaultAsync(a => a.Id == assignmentId && a.UserId == Id);
        if (assignment is null)
        {
            return NotFound();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        if (IsSelf && assignment.Role == StaffRole.TrustAdmin && !await Db.RoleAssignments.AnyAsync(a => a.UserId == Id && a.Role == StaffRole.TrustAdmin && a.Id != assignmentId))
        {
            await LoadAsync();
            ModelState.AddModelError("", "You cannot remove your own trust administrator role: ask another administrator.");
            return Page();
        }

        Db.RoleAssignments.Remove(assignment);
        await Db.SaveChangesAsync();
        await sessions.EndAllAsync(Id, SessionEndReasons.RoleRemoved, CurrentUser.UserId, except: IsSelf ? CurrentUser.SessionId : null);
        return RedirectToPage(new { id = Id });
    }

    public Task<IActionResult> OnPostDisableAsync() => SetDisabledAsync(true);

    public Task<IActionResult> OnPostEnableAsync() => SetDisabledAsync(false);

    private async Task<IActionResult> SetDisabledAsync(bool disabled)
    {
        var user = await users.FindByIdAsync(Id.ToString());
        if (user is null || IsSelf)
        {
            return NotFound();
        }

        user.IsDisabled = disabled;
        await users.UpdateSecurityStampAsync(user);
        if (disabled)
        {
            await sessions.EndAllAsync(Id, SessionEndReasons.AccountDisabled, CurrentUser.UserId);
        }

        return RedirectToPage(new { id = Id });
    }

    /// <summary>Ends every session the person has, on every device; they sign in again (a lost or shared computer).</summary>
    public async Task<IActionResult> OnPostEndSessionsAsync()
    {
        if (await LoadAsync() is null)
        {
            return NotFound();
        }

        await sessions.EndAllAsync(Id, SessionEndReasons.EndedByAdmin, CurrentUser.UserId, except: IsSelf ? CurrentUser.SessionId : null);
        return RedirectToPage(new { id = Id });
    }

    /// <summary>
    /// For a person who has lost their phone: the authenticator key and recovery codes go, two-factor is off until they
    /// set it up again at their next sign-in (required where the trust requires it), and every session ends.
    /// </summary>
    public async Task<IActionResult> OnPostResetTwoFactorAsync()
    {
        var user = await users.FindByIdAsync(Id.ToString());
        if (user is null || IsSelf)
        {
            return NotFound();
        }

        if (ConfirmationNeeded() is { } confirm)
        {
            return confirm;
        }

        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
        await users.UpdateSecurityStampAsync(user);
        await sessions.EndAllAsync(Id, SessionEndReasons.TwoFactorReset, CurrentUser.UserId);
        await audit.SecurityAsync(AuditActions.TwoFactorReset, CurrentUser.TrustId, Id);
        return RedirectToPage(new { id = Id });
    }

    private async Task<AppUser?> LoadAsync()
    {
        var user = await Db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == Id);
        if (user is null)
        {
            return null;
        }

        Name = user.DisplayName;
        Email = user.Email ?? "";
        Disabled = user.IsDisabled;
        HasPassword = user.PasswordHash is not null;
        TwoFactor = user.TwoFactorEnabled;
        var assignments = await Db.RoleAssignments.AsNoTracking().Where(a => a.UserId == Id).ToListAsync();
        var schools = CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name);
        Sessions = await sessions.ActiveAsync(Id);
        Roles = [.. assignments.OrderBy(a => a.Role).Select(a => new RoleRow(a.Id, a.Role, a.SchoolId, a.SchoolId is { } s ? schools.GetValueOrDefault(s, "") : "Trust-wide"))];
        return user;
    }
}
