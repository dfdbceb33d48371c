using FlexiSchooling.Data.Identity;
using FlexiSchooling.Web.Identity;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Account;

/// <summary>
/// "Your sessions" (issue 14, item 1): everywhere the person is signed in, each of which they can end — a computer left
/// signed in at another school, a phone lost — or all at once. An ended session's cookie gets the sign-in page.
/// </summary>
public sealed class SessionsModel(SessionStore sessions, SignInManager<AppUser> signIn) : AppPageModel
{
    public SessionsTable Table { get; private set; } = new([], null, EndEach: true);

    public async Task OnGetAsync() => Table = new(await sessions.ActiveAsync(CurrentUser.UserId), CurrentUser.SessionId, EndEach: true);

    public async Task<IActionResult> OnPostEndAsync(Guid sessionId)
    {
        if (sessionId == CurrentUser.SessionId)
        {
            await signIn.SignOutAsync();
            return RedirectToPage("Logout");
        }

        // Another person's session id is simply not found: the store ends only this person's.
        await sessions.EndAsync(CurrentUser.UserId, sessionId, SessionEndReasons.EndedByUser, CurrentUser.UserId);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEndOthersAsync()
    {
        await sessions.EndAllAsync(CurrentUser.UserId, SessionEndReasons.EndedByUser, CurrentUser.UserId, except: CurrentUser.SessionId);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEndAllAsync()
    {
        await sessions.EndAllAsync(CurrentUser.UserId, SessionEndReasons.EndedByUser, CurrentUser.UserId);
        await signIn.SignOutAsync();
        return RedirectToPage("Logout");
    }
}
