using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages;

/// <summary>
/// The parent's typed-name e-signature of a flexi-schooling agreement, or their written consent to a part-time
/// timetable's plan (issue 11), through the one-time link the school emailed (issue 4, step 6). No account: the token's hash finds the trust through a security-definer
/// function, then everything is read under that trust's row-level security. The parent reads the agreement
/// (as a PDF and in summary), types their name and confirms; the link then cannot be used again.
/// </summary>
public sealed class SignModel(TenantContext tenant, EmailOutbox outbox) : AppPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    [BindProperty]
    public string? TypedName { get; set; }

    [BindProperty]
    public bool Confirmed { get; set; }

    /// <summary>Why the link cannot be used (expired, used, replaced, the agreement changed); null when it can.</summary>
    public string? Problem { get; private set; }

    public bool Signed { get; private set; }

    public AgreementSignatureLink? Link { get; private set; }

    public FlexiAgreement? Agreement { get; private set; }

    /// <summary>The plan a consent link asks the parent to agree to.</summary>
    public Domain.PartTime.PartTimePlan? Plan { get; private set; }

    public bool ForConsent => Link?.Purpose == LinkPurpose.Consent;

    private List<ArrangementConsent> _consents = [];

    private Domain.Pupils.PupilFlags _flags = Domain.Pupils.PupilFlags.None;

    public string SchoolName { get; private set; } = "";

    public string ChildName { get; private set; } = "";

    private Arrangement? _case;

    public async Task OnGetAsync() => await LoadAsync(tracked: false);

    /// <summary>The draft the link signs, as the PDF the school produced.</summary>
    public async Task<IActionResult> OnGetAgreementAsync()
    {
        if (!await LoadAsync(tracked: false) || Problem is not null)
        {
            return NotFound();
        }

        var document = await Db.CaseDocuments.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking()
            .Where(d => d.ArrangementId == Link!.ArrangementId && d.Kind == (ForConsent ? CaseDocumentKind.PartTimePlan : CaseDocumentKind.Agreement)).OrderByDescending(d => d.CreatedAt).FirstOrDefaultAsync();
        return document is null ? NotFound() : File(document.Content, document.ContentType, document.FileName);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync(tracked: true) || Problem is not null)
        {
            return Page();
        }

        var now = Time.GetUtcNow();
        try
        {
            if (ForConsent)
            {
                var plan = await Db.CaseDocuments.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking()
                    .Where(d => d.ArrangementId == Link!.ArrangementId && d.Kind == CaseDocumentKind.PartTimePlan).OrderByDescending(d => d.CreatedAt).Select(d => (Guid?)d.Id).FirstOrDefaultAsync();
                var parent = Domain.PartTime.PartTimeRules.Consents(_flags).Single(c => c.Party == ConsentParty.Parent);
                var (consent, consented) = Link!.Consent(_case!, parent, _consents, TypedName ?? "", Confirmed, plan, Today, now);
                Db.ArrangementConsents.Add(consent);
                Db.ArrangementEvents.Add(consented);
            }
            else
            {
                Db.ArrangementEvents.Add(Link!.Sign(_case!, Agreement!, TypedName ?? "", Confirmed, Today, now));
            }
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field ?? "", e.Message);
            return Page();
        }

        if (ForConsent)
        {
            outbox.Enqueue(Link.Email, $"You have given your consent to the part-time timetable for {ChildName}",
                $"Thank you. You gave your written consent to the part-time timetable for {ChildName} with {SchoolName} on {Today:d MMMM yyyy} by typing your name ({TypedName!.Trim()}).\n\nThe school will tell you when it starts and when the first review is. If you did not give it, contact the school straight away.");
            await Db.SaveChangesAsync();
            Signed = true;
            return Page();
        }

        outbox.Enqueue(Link.Email, $"You have signed the flexi-schooling agreement for {ChildName}",
            $"Thank you. You signed the flexi-schooling agreement for {ChildName} with {SchoolName} on {Today:d MMMM yyyy} by typing your name ({TypedName!.Trim()}).\n\nThe school will tell you when the arrangement starts. If you did not sign it, contact the school straight away.");
        await Db.SaveChangesAsync();
        Signed = true;
        return Page();
    }

    private async Task<bool> LoadAsync(bool tracked)
    {
        Problem = "This link does not work. Check that you copied all of it from the email, or ask the school to send a new one.";
        if (string.IsNullOrEmpty(Token) || Token.Length > 100)
        {
            return false;
        }

        var hash = OneTimeToken.Hash(Token);
        if (await PreSignIn.TrustForSignatureLinkAsync(Db, hash) is not { } trustId)
        {
            return false;
        }

        tenant.SetTrust(trustId);
        var links = Db.AgreementSignatureLinks.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(l => l.TokenHash == hash);
        Link = await (tracked ? links : links.AsNoTracking()).SingleAsync();
        var link = Link;
        tenant.SetLinkHolder(trustId, link.SchoolId, "Parent (signing link)");
        var cases = Db.Arrangements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(a => a.Id == link.ArrangementId);
        _case = await (tracked ? cases : cases.AsNoTracking()).SingleAsync();
        if (link.Purpose == LinkPurpose.Agreement)
        {
            var agreements = Db.FlexiAgreements.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(a => a.ArrangementId == link.ArrangementId);
            Agreement = await (tracked ? agreements : agreements.AsNoTracking()).SingleAsync();
        }
        else
        {
            Plan = await Db.PartTimePlans.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking().SingleAsync(p => p.ArrangementId == link.ArrangementId);
            _consents = await Db.ArrangementConsents.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking().Where(c => c.ArrangementId == link.ArrangementId).ToListAsync();
        }

        SchoolName = await Db.Schools.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking().Where(s => s.Id == link.SchoolId).Select(s => s.Name).SingleAsync();
        var arrangement = _case;
        var child = await Db.Pupils.IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).AsNoTracking().Where(p => p.Id == arrangement.PupilId)
            .Select(p => new { Name = (p.PreferredForename ?? p.LegalForename) + " " + p.LegalSurname, p.Flags }).SingleAsync();
        (ChildName, _flags) = (child.Name, child.Flags);
        Problem = ForConsent ? Link.UnusableForConsent(_case, _consents, Time.GetUtcNow()) : Link.Unusable(_case, Agreement!, Time.GetUtcNow());
        TypedName ??= Link.ParentName;
        return true;
    }
}
