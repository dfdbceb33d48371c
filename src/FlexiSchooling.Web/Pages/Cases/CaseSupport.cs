using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>
/// The case pages' shared loading for every kind of arrangement: the case, its pupil, and the permission at its
/// school (404 otherwise). A page for one kind's own step names that kind in <see cref="OnlyKind"/>, so another
/// kind's case answers 404 there.
/// </summary>
public abstract class CasePageModel : AppPageModel
{
    /// <summary>The kind of case this page serves; null for the shared pages (case, risk assessment, review, documents).</summary>
    protected virtual ArrangementKind? OnlyKind => null;

    public Arrangement Case { get; private set; } = null!;

    public Pupil Pupil { get; private set; } = null!;

    public string PupilName => Documents.FlexiDocuments.PupilName(Pupil);

    public string SchoolName { get; private set; } = "";

    /// <summary>Whether the case is an off-site direction (004 §6): an AP placement the governing body directs.</summary>
    public bool OffSiteDirection { get; private set; }

    protected async Task<bool> LoadCaseAsync(Guid id, Permission permission, bool tracked = false)
    {
        var kind = OnlyKind;
        var query = Db.Arrangements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(a => a.Id == id && (kind == null || a.Kind == kind));
        var found = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync();
        if (found is null || !await CanAsync(found.SchoolId, permission))
        {
            return false;
        }

        Case = found;
        Pupil = await Db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking().SingleAsync(p => p.Id == found.PupilId);
        SchoolName = CurrentUser.Schools.FirstOrDefault(s => s.Id == found.SchoolId)?.Name ?? "";
        OffSiteDirection = found.Kind == ArrangementKind.AlternativeProvision
            && await Db.Placements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AnyAsync(p => p.ArrangementId == found.Id && p.OffSiteDirection);
        return true;
    }

    /// <summary>The policy profile version the case was decided under: a case keeps its rules when the profile changes.</summary>
    protected Task<Domain.Policy.PolicyProfileVersion> DecidedUnderAsync() => SchoolRules.DecidedUnderAsync(Db, Case);

    /// <summary>
    /// Produces a document as PDF and keeps it with the case, as part of the caller's save (ADR 0013). When it
    /// cannot be produced, <paramref name="failure"/> is shown and false returned, so the caller saves nothing.
    /// </summary>
    protected async Task<bool> KeepDocumentAsync<TModel>(Documents.DocumentRenderer documents, Documents.CaseDocumentToKeep<TModel> document, string failure, DateTimeOffset now) =>
        await ProduceDocumentAsync(documents, document, failure, now) is not null;

    /// <summary>As <see cref="KeepDocumentAsync"/>, giving the document kept (for a record that cites it as evidence), or null.</summary>
    protected async Task<CaseDocument?> ProduceDocumentAsync<TModel>(Documents.DocumentRenderer documents, Documents.CaseDocumentToKeep<TModel> document, string failure, DateTimeOffset now)
    {
        byte[] pdf;
        try
        {
            pdf = await documents.PdfAsync(document.Template, document.Model, HttpContext.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            ModelState.AddModelError("", failure);
            return null;
        }

        var kept = new CaseDocument(Case.SchoolId, Case.Id, document.Kind, document.FileName, "application/pdf", pdf, CurrentUser.UserId, now);
        Db.CaseDocuments.Add(kept);
        return kept;
    }

    /// <summary>
    /// After a stale save (someone else changed the case first): the case's current version, for the form shown again
    /// with the user's input kept, so their next save is checked against what they can now see.
    /// </summary>
    protected async Task<uint> CurrentCaseVersionAsync()
    {
        ModelState.Remove("Input.Version");
        return (await Db.Arrangements.AsNoTracking().SingleAsync(a => a.Id == Case.Id)).Version;
    }

    /// <summary>The consents, agreements and notifications recorded for the case.</summary>
    protected Task<List<ArrangementConsent>> RecordedConsentsAsync() =>
        Db.ArrangementConsents.AsNoTracking().Where(c => c.ArrangementId == Case.Id).ToListAsync();

    /// <summary>The school's local authority, with how it wants to be told (issue 11), read once per request.</summary>
    protected async Task<Domain.Trusts.LocalAuthority> LocalAuthorityAsync() => _localAuthority ??= await SchoolRules.LocalAuthorityAsync(Db, Case.SchoolId);

    private Domain.Trusts.LocalAuthority? _localAuthority;

    /// <summary>Whom the case's kind asks or tells before it starts (each kind's rules: <c>FlexiRules.Consents</c>, <c>PartTimeRules.Consents</c>).</summary>
    protected IReadOnlyList<ConsentRequirement> ConsentRequirements(Domain.Policy.PolicyProfileSettings profile) => CaseRules.Consents(Case.Kind, profile, Pupil.Flags, OffSiteDirection);

    /// <summary>
    /// Issues a parent's one-time link (to sign an agreement, or to consent) as part of the caller's save: any earlier
    /// link of the case still unused stops working (ADR 0014). The caller sends the email, in its kind's words.
    /// </summary>
    protected async Task IssueParentLinkAsync(Domain.Flexi.AgreementSignatureLink link, ArrangementEvent sent, DateTimeOffset now)
    {
        foreach (var earlier in await Db.AgreementSignatureLinks.Where(l => l.ArrangementId == Case.Id && l.UsedAt == null && l.WithdrawnAt == null).ToListAsync())
        {
            earlier.Withdraw(now);
        }

        Db.AgreementSignatureLinks.Add(link);
        Db.ArrangementEvents.Add(sent);
    }

    /// <summary>The notifications the case still owes, each with its deadline (<see cref="CaseNotifications.Due"/>).</summary>
    protected async Task<IReadOnlyList<NotificationDue>> NotificationsDueAsync(Domain.Policy.PolicyProfileSettings profile) =>
        CaseNotifications.Due(Case, ConsentRequirements(profile), await LocalAuthorityAsync(), await SchoolRules.CalendarAsync(Db, Case.SchoolId), await RecordedConsentsAsync(), Today,
            await DirectionNoticeByAsync());

    /// <summary>For an off-site direction, the last day its written notices may be given before its planned first day; otherwise null.</summary>
    protected async Task<DateOnly?> DirectionNoticeByAsync() => !OffSiteDirection ? null
        : Domain.AlternativeProvision.PlacementRules.DirectionNoticeBy(await SchoolRules.CalendarAsync(Db, Case.SchoolId),
            await Db.Placements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(p => p.ArrangementId == Case.Id).Select(p => p.StartDate).SingleAsync());

    /// <summary>For a placement at an unregistered provider, whether its initial visit (002 appendix 1b) is reported; null where it is not a gate.</summary>
    private async Task<bool?> InitialVisitGateAsync() =>
        await (from p in Db.Placements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter])
               join v in Db.AlternativeProviders on p.ProviderId equals v.Id
               where p.ArrangementId == Case.Id && v.Registration == Domain.AlternativeProvision.ProviderRegistration.Unregistered
               select (bool?)(p.InitialVisitOn != null)).SingleOrDefaultAsync();

    /// <summary>The case's start gates, from its kind's rules, with its approved risk assessment if it has one.</summary>
    protected async Task<IReadOnlyList<Gate>> StartGatesAsync(Domain.Flexi.FlexiAgreement? agreement, Domain.Policy.PolicyProfileSettings profile, PupilFlags flags)
    {
        var approved = await Db.RiskAssessments.AsNoTracking()
            .Where(a => a.ArrangementId == Case.Id && a.Status == Domain.RiskAssessments.RiskAssessmentStatus.Approved).FirstOrDefaultAsync();
        var authority = await LocalAuthorityAsync();
        return Case.Kind switch
        {
            ArrangementKind.FlexiSchooling => Domain.Flexi.FlexiRules.StartGates(agreement, approved, await RecordedConsentsAsync(), profile.Flexi, authority),
            ArrangementKind.PartTimeTimetable => Domain.PartTime.PartTimeRules.StartGates(await RecordedConsentsAsync(), approved, flags, authority),
            ArrangementKind.AlternativeProvision => Domain.AlternativeProvision.PlacementRules.StartGates(await RecordedConsentsAsync(), approved,
                await Db.CommissioningAgreements.AnyAsync(c => c.ArrangementId == Case.Id), flags, authority, await DirectionNoticeByAsync(), await InitialVisitGateAsync()),
        };
    }
}

/// <summary>Files uploaded to a case (the parent's letter, a signed agreement's scan).</summary>
public static class CaseUploads
{
    /// <summary>An uploaded file's bytes (none when nothing was chosen); a file over the cap is refused before it is read.</summary>
    public static async Task<byte[]> ReadAsync(IFormFile? file)
    {
        if (file is null || file.Length == 0)
        {
            return [];
        }

        if (file.Length > CaseDocument.MaxUploadBytes)
        {
            throw new Domain.Common.DomainRuleException("upload-size", "The file must be smaller than 10 MB.", "Letter");
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
