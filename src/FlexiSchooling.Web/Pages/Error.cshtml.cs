using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FlexiSchooling.Web.Pages;

/// <summary>The generic error page: a reference (the correlation id in the logs), never a stack trace.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Reference { get; private set; } = "";

    public void OnGet() => Reference = HttpContext.TraceIdentifier;

    public void OnPost() => Reference = HttpContext.TraceIdentifier;
}
