using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlexiSchooling.Web.Pages;

[IgnoreAntiforgeryToken]
public sealed class NotFoundModel : PageModel
{
    public int Code { get; private set; } = 404;

    public void OnGet(int? code) => Code = code ?? 404;

    public void OnPost(int? code) => Code = code ?? 404;
}
