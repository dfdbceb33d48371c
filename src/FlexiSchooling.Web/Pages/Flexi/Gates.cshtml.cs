using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

using FlexiSchooling.Web.Pages.Cases;

namespace FlexiSchooling.Web.Pages.Flexi;

/// <summary>
/// Everything that must be true before a flexi arrangement starts, as a task list with who acts: the
/// agreement signed by the parent and the school, the risk assessment approved, the local authority (and,
/// where the profile says, the trust) notified. Starting places the home sessions in the register as
/// expected marks with the profile's code, not expected in school (000 §5: home sessions are authorised
/// absence, code C; the agreed school sessions are compulsory).
/// </summary>
public sealed class GatesModel(EmailOutbox outbox, EmailLinks links) : FlexiCasePageModel
{
    [BindProperty]
    public string? LinkName { get; set; }

    [BindProperty]
    public string? LinkEmail { get; set; }

    /// <summary>The latest signing link emailed to the parent while it still works (by the request's clock), if any.</summary>
    public AgreementSignatureLink? OutstandingLink { get; private set; }

    [BindProperty]
    public string? ParentName { get; set; }

    [BindProperty]
    public DateOnly? ParentSignedOn { get; set; }

    [BindProperty]
    public string? SignerForSchool { get; set; }

    [BindProperty]
    public DateOnly? SchoolSignedOn { get; set; }

    [BindProperty]
    public IFormFile? Scan { get; set; }

    public FlexiAgreement? Agreement { get; private set; }

    public IReadOnlyList<Gate> Gates { get; private set; } = [];

    public FlexiSettings Settings { get; private set; } = null!;

    /// <summary>The notifications recorded for the case: recorded, with the letter, on the shared notifications page.</summary>
    public IReadOnlyList<ArrangementConsent> Notified { get; private set; } = [];

    /// <summary>The notifications still owed, each with whom, how and by when (issue 11).</summary>
    public IReadOnlyList<NotificationDue> Due { get; private set; } = [];

    public Domain.Trusts.LocalAuthority Authority { get; private set; } = null!;

    /// <summary>The day it really began, asked for when the agreed start date has passed (issue 11).</summary>
    [BindProperty]
    public DateOnly? StartedOn { get; set; }

    public bool CanSignForSchool => CurrentUser.Can(Permission.DecideArrangements, Case.SchoolId);

    public async Task<IActionResult> OnGetAsync(Guid id) => await LoadAsync(id, tracked: false) ? Page() : NotFound();

    /// <summary>The parent's signature in person on paper, with the signed agreement's scan kept with the case.</summary>
    public async Task<IActionResult> OnPostParentAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || Agreement is null)
        {
            return NotFound();
        }

        byte[] content;
        string contentType;
        try
        {
            content = await CaseUploads.ReadAsync(Scan);
            contentType = content.Length == 0 ? throw new DomainRuleException("sign-scan", "Attach the scan of the signed agreement.", "Letter") : CaseDocument.CheckUpload(content);
            Db.ArrangementEvents.Add(Agreement.Sign(Case, parent: true, ParentName ?? "", ParentSignedOn ?? Today, Today, CurrentUser.UserId, Time.GetUtcNow()));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field switch { "Letter" => nameof(Scan), "SignedBy" => nameof(ParentName), "SignedOn" => nameof(ParentSignedOn), _ => "" }, e.Message);
            return Page();
        }

        Db.CaseDocuments.Add(new CaseDocument(Case.SchoolId, Case.Id, CaseDocumentKind.SignedAgreement, Scan!.FileName, contentType, content, CurrentUser.UserId, Time.GetUtcNow()));
        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}/Gates");
    }

    /// <summary>The headteacher's signature for the school.</summary>
    public async Task<IActionResult> OnPostSchoolAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || Agreement is null || !CanSignForSchool)
        {
            return NotFound();
        }

        try
        {
            Db.ArrangementEvents.Add(Agreement.Sign(Case, parent: false, SignerForSchool ?? "", SchoolSignedOn ?? Today, Today, CurrentUser.UserId, Time.GetUtcNow()));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field switch { "SignedBy" => nameof(SignerForSchool), "SignedOn" => nameof(SchoolSignedOn), _ => "" }, e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}/Gates");
    }

    public async Task<IActionResult> OnPostStartAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || !CanSignForSchool)
        {
            return NotFound();
        }

        try
        {
            Db.AddStart(FlexiRules.Start(Case, Agreement!, Gates, Settings, await SchoolRules.CalendarAsync(Db, Case.SchoolId), StartedOn ?? Agreement!.StartDate, Today, CurrentUser.UserId, Time.GetUtcNow()));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field == "StartedOn" ? nameof(StartedOn) : "", e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }

    /// <summary>
    /// Emails the parent a one-time link to sign the current draft by typing their name (issue 4, step 6); an
    /// earlier link stops working. The token is only in the email.
    /// </summary>
    public async Task<IActionResult> OnPostSendLinkAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || Agreement is null)
        {
            return NotFound();
        }

        var now = Time.GetUtcNow();
        try
        {
            var (link, token, sent) = AgreementSignatureLink.Send(Case, Agreement, LinkEmail ?? "", LinkName ?? "", CurrentUser.UserId, now);
            await IssueParentLinkAsync(link, sent, now);
            outbox.Enqueue(link.Email, $"Please sign the flexi-schooling agreement for {PupilName}",
                $"Dear {link.ParentName},\n\n{SchoolName} has drawn up the flexi-schooling agreement for {PupilName}. Please read it and sign it by typing your name, using this link:\n{links.For(Request, $"/Sign?token={token}")}\n\nThe link works once and expires on {LondonClock.ToLondon(link.ExpiresAt):d MMMM yyyy}. You do not need an account. If you would rather sign on paper, contact the school.");
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field switch { "Email" => nameof(LinkEmail), "ParentName" => nameof(LinkName), _ => "" }, e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}/Gates");
    }

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements, tracked) || Case.Stage != ArrangementStage.Agreed)
        {
            return false;
        }

        var agreements = Db.FlexiAgreements.Where(a => a.ArrangementId == id);
        Agreement = await (tracked ? agreements : agreements.AsNoTracking()).SingleOrDefaultAsync();
        var profile = (await DecidedUnderAsync()).Settings;
        Settings = profile.Flexi;
        Gates = await StartGatesAsync(Agreement, profile, Pupil.Flags);
        Notified = await RecordedConsentsAsync();
        Due = await NotificationsDueAsync(profile);
        Authority = await LocalAuthorityAsync();
        var latest = await Db.AgreementSignatureLinks.AsNoTracking().Where(l => l.ArrangementId == id).OrderByDescending(l => l.CreatedAt).FirstOrDefaultAsync();
        OutstandingLink = latest is not null && latest.IsOutstanding(Time.GetUtcNow()) ? latest : null;
        ParentName ??= Case.RequestedBy;
        LinkName ??= Case.RequestedBy;
        SignerForSchool ??= CurrentUser.DisplayName;
        return true;
    }
}
