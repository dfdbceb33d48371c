using System.Text;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Imports;
using FlexiSchooling.Domain.Pupils;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Dashboard;

/// <summary>
/// The list behind a number on the dashboard: the same items it counted (<see cref="TrustPicture"/>), filtered by school,
/// kind, year group and vulnerable group, each linked to its case or pupil, and exported as CSV.
/// </summary>
public sealed class ListModel : TrustFilterPageModel
{
    [BindProperty(SupportsGet = true, Name = "measure")]
    public TrustMeasure Measure { get; set; }

    public IReadOnlyList<TrustItem> Items { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> SchoolNames { get; private set; } = new Dictionary<Guid, string>();

    public bool IsAttendance => Measure is TrustMeasure.PersistentAbsence or TrustMeasure.SevereAbsence;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnGetCsvAsync()
    {
        if (await LoadAsync() is { } refused)
        {
            return refused;
        }

        var csv = new StringBuilder();
        csv.AppendLine(Csv.Line(["School", "UPN", "Pupil", "Year", "Arrangement", "What", "Date", "EHCP", "Looked after", "CP or CIN plan", "Free school meals"]));
        foreach (var i in Items)
        {
            csv.AppendLine(Csv.Line([SchoolNames[i.SchoolId], i.Upn, i.Pupil, YearGroups.Label(i.YearGroup), i.Kind is { } k ? ArrangementKinds.Label(k) : "", i.Detail, i.Date?.ToString("yyyy-MM-dd"),
                .. VulnerableGroups.All.Select(g => VulnerableGroups.Matches(g, i.Flags) ? "Yes" : "No")]));
        }

        // The byte-order mark lets spreadsheet programs read the names' accents as UTF-8.
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv", $"{Measure.ToString().ToLowerInvariant()}-{Today:yyyyMMdd}.csv");
    }

    private async Task<IActionResult?> LoadAsync()
    {
        if (ReadFilter() is { } refused)
        {
            return refused;
        }

        SchoolNames = Schools.ToDictionary(s => s.Id, s => s.Name);
        Items = IsAttendance
            ? await TrustPicture.AbsenceAsync(ReadDb, Schools, Filter, Measure, Today)
            : [.. (await TrustPicture.LoadAsync(ReadDb, Schools, Filter, Today, withAttendance: false)).Items.Where(i => i.Measure == Measure).OrderBy(i => i.Date ?? DateOnly.MaxValue).ThenBy(i => i.Pupil)];
        return null;
    }
}
