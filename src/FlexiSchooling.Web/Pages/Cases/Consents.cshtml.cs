using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>
/// Consents, agreements and notifications, and the start, for any kind that uses the shared mechanism (issue 11: one
/// record per party — parent, local authority, LA SEN team, virtual school head, social worker — with what was asked,
/// the answer, who, when and the evidence). The kind's rules say whom it needs (<see cref="PartTimeRules.Consents"/>);
/// starting needs every gate met. A parent who refuses consent: the case is withdrawn and the pupil stays full time.
/// Once a case of any kind runs, the page records the notifications it still owes: a local authority that takes
/// half-termly returns is told in the return after the start (<see cref="CaseNotifications.BeforeStart"/>).
/// </summary>
public sealed class ConsentsModel(AuditTrail audit, EmailOutbox outbox, EmailLinks links, Documents.DocumentRenderer documents) : CasePageModel
{
    [BindProperty]
    public ConsentParty? Party { get; set; }

    [BindProperty]
    public ConsentAnswer? Answer { get; set; }

    [BindProperty]
    public DateOnly? On { get; set; }

    [BindProperty]
    public string? By { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public IFormFile? Evidence { get; set; }

    [BindProperty]
    public DateOnly? StartedOn { get; set; }

    [BindProperty]
    public string? WithdrawReason { get; set; }

    [BindProperty]
    public string? LinkName { get; set; }

    [BindProperty]
    public string? LinkEmail { get; set; }

    /// <summary>The latest link emailed to the parent while it still works (by the request's clock), if any.</summary>
    public Domain.Flexi.AgreementSignatureLink? OutstandingLink { get; private set; }

    public IReadOnlyList<ConsentRequirement> Requirements { get; private set; } = [];

    public IReadOnlyList<ArrangementConsent> Recorded { get; private set; } = [];

    public IReadOnlyList<Gate> Gates { get; private set; } = [];

    /// <summary>The part-time plan, before the start (null for a running case of another kind).</summary>
    public PartTimePlan? Plan { get; private set; }

    /// <summary>The notifications still owed, each with whom, how and by when (issue 11).</summary>
    public IReadOnlyList<NotificationDue> Due { get; private set; } = [];

    public Domain.Trusts.LocalAuthority Authority { get; private set; } = null!;

    /// <summary>
    /// True for a part-time timetable before its start (consents, the link, the start and withdrawal here); otherwise the
    /// page records only the notifications owed — a flexi arrangement's before its start (its signatures and start are on
    /// its gates page), and any kind's once it runs.
    /// </summary>
    public bool BeforeStart => Case.Stage == ArrangementStage.Agreed && Case.Kind != ArrangementKind.FlexiSchooling;

    /// <summary>An AP case's placement, before the start (null for the other kinds).</summary>
    public Domain.AlternativeProvision.Placement? Placement { get; private set; }

    private string? ProviderName { get; set; }

    public bool IsPlacement => Case.Kind == ArrangementKind.AlternativeProvision;

    /// <summary>What starts: the timetable or the placement, as the page words it.</summary>
    public string Thing => IsPlacement ? "placement" : "timetable";

    public DateOnly? AgreedStart => Plan?.StartDate ?? Placement?.StartDate;

    /// <summary>What the start puts in the register, for the start form.</summary>
    public string StartPlaces => IsPlacement
        ? $"each session at {ProviderName} in the register, coded {Profile.AlternativeProvision.OffSiteCode} and naming the provider, until the planned end"
        : $"the sessions out of school in the register, coded {Profile.PartTime.NotAttendedCode}, phase by phase";

    /// <summary>Who starts it: the part-time approver, or for a placement those who manage cases (the AP leader, the head, the DSL).</summary>
    public string Starter => IsPlacement ? "alternative provision leader or the headteacher" : PartTimeRules.ApproverLabel(Profile.PartTime).ToLowerInvariant();

    /// <summary>Where a case goes back to after a notification is recorded: the page that gathers its start, or the case.</summary>
    private string Back => Case.Stage != ArrangementStage.Agreed ? $"/Cases/{Case.Id}" : Case.Kind == ArrangementKind.FlexiSchooling ? $"/Cases/{Case.Id}/Gates" : $"/Cases/{Case.Id}/Consents";

    public Domain.Policy.PolicyProfileSettings Profile { get; private set; } = null!;

    /// <summary>Whether the signed-in user may start the case (the profile's approver, who approved the plan).</summary>
    public bool CanStart { get; private set; }

    public bool ParentRefused => ArrangementConsent.Latest(Recorded, ConsentParty.Parent) is { Answer: ConsentAnswer.Refused };

    public string? ErrorFor(ConsentParty party, string field) => Party == party ? ModelState.ErrorFor(field) : null;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: false))
        {
            return NotFound();
        }

        await audit.ViewedAsync(nameof(Arrangement), id, Case.SchoolId);
        return Page();
    }

    /// <summary>One party's answer, with its evidence kept with the case (the signed consent form, the email to the LA): saved together or not at all.</summary>
    public async Task<IActionResult> OnPostRecordAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || Requirements.FirstOrDefault(r => r.Party == Party && r.Party != ConsentParty.GoverningBody) is not { } requirement) // governors record their own decision
        {
            return NotFound();
        }

        var now = Time.GetUtcNow();
        try
        {
            var content = await CaseUploads.ReadAsync(Evidence);
            CaseDocument? evidence = null;
            if (content.Length > 0)
            {
                evidence = new CaseDocument(Case.SchoolId, Case.Id, CaseDocumentKind.ConsentEvidence, Evidence!.FileName, CaseDocument.CheckUpload(content), content, CurrentUser.UserId, now);
                Db.CaseDocuments.Add(evidence);
            }

            var answer = requirement.Kind == ConsentKind.Notification ? ConsentAnswer.Told : Answer ?? throw new DomainRuleException("consent-answer", "Choose whether it was given or refused.", "Answer");
            var lettered = requirement.Party is ConsentParty.LocalAuthority or ConsentParty.Trust || (OffSiteDirection && requirement.Party is ConsentParty.Parent or ConsentParty.LocalAuthoritySenTeam);
            var letter = lettered && !string.IsNullOrWhiteSpace(By) ? await NotificationLetterAsync(requirement.Party, On ?? Today, By) : null;
            if (letter is null && Case.Kind == ArrangementKind.FlexiSchooling && requirement.Kind == ConsentKind.Notification && !string.IsNullOrWhiteSpace(By))
            {
                // A flexi notification is its letter, which gives the agreement's sessions and start date.
                throw new DomainRuleException("flexi-notification-letter", "Draw up the agreement first: the letter gives its sessions and start date", "By");
            }

            if (letter is not null)
            {
                // What the party was told is kept with the case as a letter (002 §5.1; 003 "the LA notification"); when
                // nothing else was uploaded (the form's receipt, the email sent) it is the record's evidence. If it cannot
                // be produced, nothing is saved.
                if (await ProduceDocumentAsync(documents, letter, "The notification letter could not be produced, so nothing has been saved. Try again in a moment.", now) is not { } kept)
                {
                    Party = requirement.Party;
                    return Page();
                }

                evidence ??= kept;
            }

            var (consent, recorded) = ArrangementConsent.Record(Case, requirement, answer, On ?? Today, By ?? "", Note, evidence?.Id, Today, CurrentUser.UserId, now);
            Db.ArrangementConsents.Add(consent);
            Db.ArrangementEvents.Add(recorded);
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field switch { "Letter" or "Evidence" => nameof(Evidence), "On" => nameof(On), "By" => nameof(By), "Answer" => nameof(Answer), _ => "" }, e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect(Back);
    }

    /// <summary>
    /// Emails the parent a one-time link to give their written consent by typing their name, as the flexi agreement's
    /// signing link does (ADR 0014); an earlier link stops working. The token is only in the email.
    /// </summary>
    public async Task<IActionResult> OnPostSendLinkAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || Plan is null)
        {
            return NotFound();
        }

        var now = Time.GetUtcNow();
        try
        {
            var (link, token, sent) = Domain.Flexi.AgreementSignatureLink.SendForConsent(Case, Recorded, LinkEmail ?? "", LinkName ?? "", CurrentUser.UserId, now);
            await IssueParentLinkAsync(link, sent, now);
            outbox.Enqueue(link.Email, $"Please give your consent to the part-time timetable for {PupilName}",
                $"Dear {link.ParentName},\n\n{SchoolName} has agreed a part-time timetable for {PupilName}, from {Plan.StartDate:d MMMM yyyy} to {Plan.EndDate:d MMMM yyyy}. It needs your written consent before it starts. Please read the plan and give your consent by typing your name, using this link:\n{links.For(Request, $"/Sign?token={token}")}\n\nThe link works once and expires on {LondonClock.ToLondon(link.ExpiresAt):d MMMM yyyy}. You do not need an account. If you do not agree, do not use the link: your child stays on a full-time timetable. If you would rather sign on paper, contact the school.");
        }
        catch (DomainRuleException e)
        {
            Party = ConsentParty.Parent;
            ModelState.AddModelError(e.Field switch { "Email" => nameof(LinkEmail), "ParentName" => nameof(LinkName), _ => "" }, e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}/Consents");
    }

    /// <summary>Starts the case on its agreed start date, or the day it really began (issue 11), once every gate is met.</summary>
    public async Task<IActionResult> OnPostStartAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || !CanStart || (Plan is null && Placement is null))
        {
            return NotFound();
        }

        try
        {
            var calendar = await SchoolRules.CalendarAsync(Db, Case.SchoolId);
            Db.AddStart(Placement is not null
                ? Domain.AlternativeProvision.PlacementRules.Start(Case, Placement, ProviderName!, Gates, Profile.AlternativeProvision, calendar, StartedOn ?? Placement.StartDate, Today, CurrentUser.UserId, Time.GetUtcNow())
                : PartTimeRules.Start(Case, Plan!, Gates, Profile.PartTime, calendar, Pupil.DateOfBirth, StartedOn ?? Plan!.StartDate, Today, CurrentUser.UserId, Time.GetUtcNow()));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field == "StartedOn" ? nameof(StartedOn) : "", e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }

    /// <summary>The parent refused consent, or the school steps back before the start: the case is withdrawn and the pupil stays full time.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(Guid id)
    {
        if (!await LoadAsync(id, tracked: true) || !BeforeStart)
        {
            return NotFound();
        }

        try
        {
            Db.ArrangementEvents.Add(Case.Withdraw(Today, WithdrawReason ?? "", Today, CurrentUser.UserId, Time.GetUtcNow()));
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field == "Reason" ? nameof(WithdrawReason) : "", e.Message);
            return Page();
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}");
    }

    /// <summary>The notification letter of the case's kind, to whom it was sent, on the day it was sent.</summary>
    private async Task<Documents.CaseDocumentToKeep<Documents.NotificationLetter>?> NotificationLetterAsync(ConsentParty party, DateOnly on, string recipient)
    {
        var school = await Db.Schools.IgnoreQueryFilters([Data.AppDbContext.SchoolScopeFilter]).AsNoTracking().SingleAsync(s => s.Id == Case.SchoolId);
        return Case.Kind switch
        {
            ArrangementKind.PartTimeTimetable when Plan is not null =>
                Documents.PartTimeDocuments.Notification(school, CurrentUser.TrustName, on, recipient, Case, Pupil, Plan, Profile, CurrentUser.DisplayName),
            ArrangementKind.AlternativeProvision when Placement is { OffSiteDirection: true } && party is ConsentParty.Parent or ConsentParty.LocalAuthoritySenTeam =>
                Documents.PlacementDocuments.DirectionNotice(school, CurrentUser.TrustName, on, recipient, Pupil, Placement,
                    await Db.AlternativeProviders.AsNoTracking().SingleAsync(p => p.Id == Placement.ProviderId),
                    await Db.CommissioningAgreements.AsNoTracking().SingleOrDefaultAsync(c => c.ArrangementId == Case.Id), Profile, CurrentUser.DisplayName),
            ArrangementKind.AlternativeProvision when Placement is not null && party == ConsentParty.LocalAuthority =>
                Documents.PlacementDocuments.Notification(school, CurrentUser.TrustName, on, recipient, Pupil, Placement,
                    await Db.AlternativeProviders.AsNoTracking().SingleAsync(p => p.Id == Placement.ProviderId), Profile, CurrentUser.DisplayName),
            ArrangementKind.FlexiSchooling when await Db.FlexiAgreements.AsNoTracking().SingleOrDefaultAsync(a => a.ArrangementId == Case.Id) is { } agreement =>
                Documents.FlexiDocuments.Notification(school, CurrentUser.TrustName, on, recipient, party == ConsentParty.Trust, Pupil, Case, agreement, Profile.Flexi, CurrentUser.DisplayName),
            _ => null,
        };
    }

    private async Task<bool> LoadAsync(Guid id, bool tracked)
    {
        // Every kind records its notifications here, agreed or running; a part-time timetable also its consents and start.
        if (!await LoadCaseAsync(id, Permission.ManageArrangements, tracked)
            || Case.Stage is not (ArrangementStage.Agreed or ArrangementStage.Running))
        {
            return false;
        }

        Profile = (await DecidedUnderAsync()).Settings;
        Authority = await LocalAuthorityAsync();
        Due = await NotificationsDueAsync(Profile);
        Requirements = [.. ConsentRequirements(Profile).Where(r => BeforeStart || Due.Any(d => d.Party == r.Party))];
        if (Requirements.Count == 0)
        {
            return false; // a running case that owes nothing has nothing to record here
        }

        Plan = Case.Kind == ArrangementKind.PartTimeTimetable ? await Db.PartTimePlans.AsNoTracking().SingleAsync(p => p.ArrangementId == id) : null;
        if (IsPlacement)
        {
            Placement = await Db.Placements.AsNoTracking().SingleAsync(p => p.ArrangementId == id);
            ProviderName = await Db.AlternativeProviders.Where(p => p.Id == Placement.ProviderId).Select(p => p.Name).SingleAsync();
        }

        Recorded = await Db.ArrangementConsents.AsNoTracking().Where(c => c.ArrangementId == id).OrderByDescending(c => c.RecordedAt).ToListAsync();
        Gates = BeforeStart ? await StartGatesAsync(null, Profile, Pupil.Flags) : [];
        CanStart = IsPlacement ? CurrentUser.Can(Permission.ManageArrangements, Case.SchoolId) : PartTimeRules.MayApprove(CurrentUser.RolesAt(Case.SchoolId), Profile.PartTime);
        var latest = await Db.AgreementSignatureLinks.AsNoTracking().Where(l => l.ArrangementId == id).OrderByDescending(l => l.CreatedAt).FirstOrDefaultAsync();
        OutstandingLink = latest is not null && latest.IsOutstanding(Time.GetUtcNow()) ? latest : null;
        return true;
    }
}
