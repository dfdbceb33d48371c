using FlexiSchooling.Data.Outbox;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlexiSchooling.Web.Pages.Dev;

/// <summary>Development only: the emails the product would have sent to the signed-in person (invitations, password resets). 404 elsewhere.</summary>
public sealed class OutboxModel(IWebHostEnvironment environment, IOptions<SecurityOptions> options) : AppPageModel
{
    public IReadOnlyList<OutboxMessage> Messages { get; private set; } = [];

    public string Folder => options.Value.MailDirectory ?? "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (!environment.IsDevelopment())
        {
            return NotFound();
        }

        // Only the signed-in person's own mail (issue 14, item 5): a reset link or a parent's signing link is the key to
        // someone else's account or signature. Mail to others stays in the folder on the machine running the product.
        var own = await Db.Users.AsNoTracking().Where(u => u.Id == CurrentUser.UserId).Select(u => u.NormalizedEmail).SingleAsync();
        Messages = await Db.OutboxMessages.AsNoTracking().Where(m => m.To.ToUpper() == own).OrderByDescending(m => m.CreatedAt).Take(50).ToListAsync();
        return Page();
    }
}
