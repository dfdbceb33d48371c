using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Providers;

/// <summary>A placement with this provider, at a school whose cases the user may see.</summary>
public sealed record ProviderPlacementRow(Guid CaseId, string Pupil, string School, ArrangementStage Stage, bool FullTime, DateOnly StartDate, DateOnly PlannedEndDate);

public sealed record CheckInput
{
    public string? Item { get; init; }

    public bool? Satisfactory { get; init; }

    public string Evidence { get; init; } = "";

    public DateOnly? CheckedOn { get; init; }
}

public sealed class CheckInputValidator : AbstractValidator<CheckInput>
{
    public CheckInputValidator(TimeProvider time)
    {
        RuleFor(x => x.Item).Must(i => i is not null && ProviderCheckItems.Find(i) is not null).WithMessage("Choose the check you made");
        RuleFor(x => x.Satisfactory).NotNull().WithMessage("Say whether what you found was satisfactory");
        RuleFor(x => x.Evidence).NotEmpty().WithMessage("Say what evidence you saw, for example the policy's date or the certificate's expiry")
            .MaximumLength(ProviderCheck.MaxEvidenceLength).WithMessage($"Evidence must be {ProviderCheck.MaxEvidenceLength} characters or fewer");
        RuleFor(x => x.CheckedOn).NotNull().WithMessage("Enter the day you made the check")
            .LessThanOrEqualTo(_ => LondonClock.Today(time)).WithMessage("The check cannot be dated in the future");
    }
}

/// <summary>
/// One provider: its details, whether it may take a new placement (and why not), its due-diligence checks item by item
/// with the evidence, recording a check or re-check, a material change (every check due again, 004 §7.9), and the trust's
/// approval of an unregistered provider (002).
/// </summary>
public sealed class ProviderModel : AppPageModel
{
    [FromRoute]
    public Guid Id { get; set; }

    [BindProperty]
    public CheckInput Check { get; set; } = new();

    [BindProperty]
    public IFormFile? EvidenceFile { get; set; }

    [BindProperty]
    public string? ApprovalNote { get; set; }

    [BindProperty]
    public string? MaterialChange { get; set; }

    public ProviderStanding Standing { get; private set; } = null!;

    public AlternativeProvider Provider => Standing.Provider;

    public bool CanManage { get; private set; }

    public bool CanApprove { get; private set; }

    public int RecheckMonths { get; private set; }

    public string? ApprovedByName { get; private set; }

    public IReadOnlyList<ProviderPlacementRow> Placements { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnGetEvidenceAsync(Guid check)
    {
        if (!CurrentUser.CanAnywhere(Permission.ViewProviders)
            || await Db.ProviderChecks.AsNoTracking().SingleOrDefaultAsync(c => c.Id == check && c.ProviderId == Id) is not { EvidenceFile: { } content } found)
        {
            return NotFound();
        }

        return File(content, found.EvidenceContentType!, found.EvidenceFileName);
    }

    public async Task<IActionResult> OnPostCheckAsync()
    {
        if (!await LoadAsync() || !CanManage)
        {
            return NotFound();
        }

        CheckedFile? file = null;
        if (EvidenceFile is { Length: > 0 })
        {
            try
            {
                var content = await Cases.CaseUploads.ReadAsync(EvidenceFile);
                file = new CheckedFile(Path.GetFileName(EvidenceFile.FileName), CaseDocument.CheckUpload(content), content);
            }
            catch (DomainRuleException e)
            {
                ModelState.AddModelError(nameof(EvidenceFile), e.Message);
            }
        }

        if (!await ValidateAsync(Check, nameof(Check)) || !ModelState.IsValid)
        {
            return Page();
        }

        Db.ProviderChecks.Add(new ProviderCheck(Id, Check.Item!, Check.Satisfactory!.Value, Check.Evidence, Check.CheckedOn!.Value,
            CurrentUser.UserId, CurrentUser.DisplayName, Today, Time.GetUtcNow(), file));
        await Db.SaveChangesAsync();
        TempData["Saved"] = $"{ProviderCheckItems.Find(Check.Item!)!.Label} recorded.";
        return Redirect($"/Providers/{Id}#checks");
    }

    public async Task<IActionResult> OnPostApproveAsync()
    {
        if (!await LoadAsync() || !CanApprove)
        {
            return NotFound();
        }

        var provider = await Db.AlternativeProviders.SingleAsync(p => p.Id == Id);
        if (!Refused(() => provider.ApproveUnregistered(Today, CurrentUser.UserId, ApprovalNote ?? "")))
        {
            return Page();
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = "The trust's approval is recorded.";
        return Redirect($"/Providers/{Id}");
    }

    public async Task<IActionResult> OnPostChangeAsync()
    {
        if (!await LoadAsync() || !CanManage)
        {
            return NotFound();
        }

        var provider = await Db.AlternativeProviders.SingleAsync(p => p.Id == Id);
        if (!Refused(() => provider.RecordMaterialChange(Today, MaterialChange ?? "", Time.GetUtcNow())))
        {
            return Page();
        }

        await Db.SaveChangesAsync();
        TempData["Saved"] = "Material change recorded: every check is due again before a new placement.";
        return Redirect($"/Providers/{Id}#checks");
    }

    /// <summary>Runs a domain step; a refusal is shown at its field on this page (whose fields are not under Input). False when refused.</summary>
    private bool Refused(Action step)
    {
        try
        {
            step();
            return true;
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(e.Field ?? "", e.Message);
            return false;
        }
    }

    private async Task<bool> LoadAsync()
    {
        if (!CurrentUser.CanAnywhere(Permission.ViewProviders) || (await ProviderSupport.StandingsAsync(Db, Today, Id)).SingleOrDefault() is not { } standing)
        {
            return false;
        }

        Standing = standing;
        CanManage = CurrentUser.CanAnywhere(Permission.ManageProviders);
        CanApprove = CurrentUser.CanTrustWide(Permission.ApproveProviders);
        RecheckMonths = (await ProviderSupport.TrustSettingsAsync(Db, Today)).ProviderRecheckMonths;
        var schools = CurrentUser.SchoolsWhere(Permission.ViewArrangements).ToList();
        var names = CurrentUser.Schools.ToDictionary(s => s.Id, s => s.Name);
        Placements = [.. (await (from p in Db.Placements.AsNoTracking()
                                 join a in Db.Arrangements.AsNoTracking() on p.ArrangementId equals a.Id
                                 join pupil in Db.Pupils.AsNoTracking() on a.PupilId equals pupil.Id
                                 where p.ProviderId == Id && schools.Contains(a.SchoolId)
                                 orderby p.StartDate descending
                                 select new { a.Id, Pupil = pupil.LegalSurname + ", " + (pupil.PreferredForename ?? pupil.LegalForename), a.SchoolId, a.Stage, p.FullTime, p.StartDate, p.PlannedEndDate }).ToListAsync())
            .Select(r => new ProviderPlacementRow(r.Id, r.Pupil, names.GetValueOrDefault(r.SchoolId, ""), r.Stage, r.FullTime, r.StartDate, r.PlannedEndDate))];
        if (Provider.TrustApprovedBy is { } by)
        {
            ApprovedByName = await Db.Users.AsNoTracking().Where(u => u.Id == by).Select(u => u.DisplayName).SingleOrDefaultAsync();
        }

        return true;
    }
}
