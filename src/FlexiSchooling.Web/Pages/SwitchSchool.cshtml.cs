using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages;

/// <summary>The school switcher: remembers the chosen school (one the user holds a role at) in a cookie.</summary>
public sealed class SwitchSchoolModel : AppPageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(Guid schoolId, string? returnUrl)
    {
        if (CurrentUser.Schools.All(s => s.Id != schoolId))
        {
            return NotFound();
        }

        Response.Cookies.Append(CurrentUserMiddleware.SchoolCookie, schoolId.ToString(), new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
        });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
