using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Documents;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Dashboard;

/// <summary>
/// The governors' termly report (issue 13): read here and downloaded as a PDF, for one school or — for the trust lead —
/// the whole trust, for any term so far. Governors and the head see their own school's.
/// </summary>
public sealed class GovernorsModel(DocumentRenderer documents) : AppPageModel
{
    /// <summary>The school reported on; none for the whole trust (trust-wide roles only).</summary>
    [BindProperty(SupportsGet = true, Name = "school")]
    public Guid? School { get; set; }

    [BindProperty(SupportsGet = true, Name = "term")]
    public string? TermName { get; set; }

    public IReadOnlyList<SchoolSummary> AllSchools { get; private set; } = [];

    public IReadOnlyList<ReportTerm> Terms { get; private set; } = [];

    public GovernorsReport? Report { get; private set; }

    public bool TrustWide => CurrentUser.HasTrustWideRole;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnGetPdfAsync()
    {
        if (await LoadAsync() is { } refused)
        {
            return refused;
        }

        if (Report is null)
        {
            return NotFound();
        }

        var pdf = await documents.PdfAsync("GovernorsReport", Report, HttpContext.RequestAborted);
        var slug = new string([.. Report.Title.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-')]).Replace("--", "-", StringComparison.Ordinal);
        return File(pdf, "application/pdf", $"{slug}.pdf");
    }

    private async Task<IActionResult?> LoadAsync()
    {
        if (!CurrentUser.CanAnywhere(Permission.ReadGovernorsReport))
        {
            return Forbid();
        }

        var allowed = CurrentUser.SchoolsWhere(Permission.ReadGovernorsReport).ToHashSet();
        AllSchools = [.. CurrentUser.Schools.Where(s => allowed.Contains(s.Id)).OrderBy(s => s.Name)];
        if (School is { } chosen && !allowed.Contains(chosen))
        {
            return NotFound();
        }

        // Without a school chosen: the trust for a trust-wide role, else their (first) school.
        School ??= TrustWide ? null : AllSchools.FirstOrDefault()?.Id;
        var schools = School is { } id ? AllSchools.Where(s => s.Id == id).ToList() : AllSchools;
        Terms = await GovernorsReport.TermsAsync(ReadDb, [.. schools.Select(s => s.Id)], Today);
        var term = Terms.FirstOrDefault(t => t.Name == TermName) ?? Terms.FirstOrDefault();
        if (term is null)
        {
            return null;
        }

        TermName = term.Name;
        var scope = School is null ? $"the {schools.Count} schools of {CurrentUser.TrustName}" : schools[0].Name;
        var title = $"{(School is null ? CurrentUser.TrustName : schools[0].Name)}: arrangements and attendance, {term.Name}";
        Report = await GovernorsReport.LoadAsync(ReadDb, schools, title, scope, term, Today);
        return null;
    }
}
