using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

using FlexiSchooling.Web.Pages.Cases;

namespace FlexiSchooling.Web.Pages.Flexi;

/// <summary>
/// Ending a running arrangement with the notice of the profile it was decided under (000 §7: two weeks,
/// by the school; 004 §10.6: four weeks, by either party — worked example 5): the last day from
/// <see cref="FlexiRules.EndDate"/>, the termination letter as PDF, home sessions no longer placed in the
/// register after the last day, and the case closed with its history.
/// </summary>
public sealed class EndModel(DocumentRenderer documents) : FlexiCasePageModel
{
    [BindProperty]
    public NoticeGivenBy? By { get; set; }

    [BindProperty]
    public DateOnly? NoticeGivenOn { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public FlexiSettings Settings { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        By = NoticeGivenBy.School;
        NoticeGivenOn = Today;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true))
        {
            return NotFound();
        }

        if (By is null)
        {
            ModelState.AddModelError(nameof(By), "Choose who gave notice");
            return Page();
        }

        var noticeOn = NoticeGivenOn ?? Today;
        DateOnly lastDay;
        var now = Time.GetUtcNow();
        try
        {
            lastDay = FlexiRules.EndDate(noticeOn, By.Value, Settings);
            Db.ArrangementEvents.Add(Case.GiveNotice(By.Value.ToString(), noticeOn, lastDay, Reason ?? "", Today, CurrentUser.UserId, now));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field switch { "By" => nameof(By), "NoticeGivenOn" => nameof(NoticeGivenOn), "Reason" => nameof(Reason), _ => "" }, e.Message);
            return Page();
        }

        // Home sessions stop being placed in the register after the last day.
        foreach (var expected in await Db.ExpectedMarks.Where(m => m.PupilId == Case.PupilId && m.Source == FlexiRules.HomeSessionsSource && m.WithdrawnAt == null).ToListAsync())
        {
            expected.EndAfter(lastDay, now);
        }

        var school = await Db.Schools.AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        if (!await KeepDocumentAsync(documents, FlexiDocuments.Termination(school, CurrentUser.TrustName, Today, Case, Pupil, Settings, CurrentUser.DisplayName), "The letter could not be produced, so nothing has been saved. Try again in a moment.", now))
        {
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.DecideArrangements, tracked) || Case.Stage != ArrangementStage.Running)
        {
            return false;
        }

        Settings = (await DecidedUnderAsync()).Settings.Flexi;
        return true;
    }
}
