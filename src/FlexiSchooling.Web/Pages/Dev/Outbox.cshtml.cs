using FlexiSchooling.Data.Outbox;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlexiSchooling.Web.Pages.Dev;

/// <summary>Development only: the emails the product would have sent (invitations, password resets). 404 elsewhere.</summary>
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

        Messages = await Db.OutboxMessages.AsNoTracking().OrderByDescending(m => m.CreatedAt).Take(50).ToListAsync();
        return Page();
    }
}
