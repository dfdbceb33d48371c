using System.Text;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Domain.Imports;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FlexiSchooling.Web.Pages.Attendance;

/// <summary>
/// MIS import in two steps: upload and check (every row validated through the domain, line-numbered
/// errors, nothing saved if any row is wrong, a preview of what would change), then import the checked
/// file in one transaction. The same file twice changes nothing; a batch is imported once.
/// </summary>
public sealed class ImportModel(ImportApplier applier) : AppPageModel
{
    public const long MaxBytes = 20 * 1024 * 1024;

    [BindProperty]
    public ImportKind Kind { get; set; } = ImportKind.Marks;

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public string SchoolName { get; private set; } = "";

    public IReadOnlyList<ImportError> Errors { get; private set; } = [];

    public ImportResult? Preview { get; private set; }

    public Guid? BatchId { get; private set; }

    public string? FileName { get; private set; }

    public int RowCount { get; private set; }

    public string? Message { get; private set; }

    public DateOnly ExportFrom => Domain.Common.AcademicYear.Containing(Today).Start;

    public DateOnly ExportTo => Today;

    public IReadOnlyList<KeyValuePair<string, string>> KindOptions { get; } = [new(nameof(ImportKind.Marks), "Attendance marks"), new(nameof(ImportKind.Pupils), "Pupils and registration groups")];

    public async Task<IActionResult> OnGetAsync(string? message)
    {
        if (!await AllowedAsync())
        {
            return NotFound();
        }

        Message = message;
        return Page();
    }

    public async Task<IActionResult> OnPostUploadAsync()
    {
        if (!await AllowedAsync())
        {
            return NotFound();
        }

        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "Select a CSV file");
            return Page();
        }

        if (Upload.Length > MaxBytes)
        {
            ModelState.AddModelError(nameof(Upload), "The file must be smaller than 20 MB");
            return Page();
        }

        string content;
        using (var reader = new StreamReader(Upload.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            content = await reader.ReadToEndAsync();
        }

        if (content.Contains('\0', StringComparison.Ordinal))
        {
            ModelState.AddModelError(nameof(Upload), "The file is not a CSV text file");
            return Page();
        }

        var (result, batch) = await applier.CheckAsync(CurrentUser.ActiveSchool!.Id, Kind, content, Upload.FileName);
        if (batch is null)
        {
            Errors = result.Errors.OrderBy(e => e.Line).ToList();
            ModelState.AddModelError(nameof(Upload), $"The file has {Errors.Count} problem(s): nothing has been saved");
            return Page();
        }

        (Preview, BatchId, FileName, RowCount) = (result, batch.Id, batch.FileName, batch.RowCount);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid batchId)
    {
        if (!await AllowedAsync())
        {
            return NotFound();
        }

        var batch = await applier.BatchAsync(CurrentUser.ActiveSchool!.Id, batchId);
        if (batch is null)
        {
            return NotFound();
        }

        if (batch.ImportedAt is not null)
        {
            return RedirectToPage(new { message = $"{batch.FileName} was already imported: {batch.Outcome}" });
        }

        var result = await applier.ConfirmAsync(batch);
        if (!result.Valid)
        {
            // The data changed since the check (someone else's edit): nothing is saved.
            Errors = result.Errors;
            ModelState.AddModelError("", "The file no longer imports cleanly: nothing has been saved. Upload it again to check it.");
            return Page();
        }

        return RedirectToPage(new { message = $"Imported {batch.FileName}: {batch.Outcome}" });
    }

    private async Task<bool> AllowedAsync()
    {
        if (CurrentUser.ActiveSchool is not { } school || !await CanAsync(school.Id, Permission.ImportExport))
        {
            return false;
        }

        SchoolName = school.Name;
        return true;
    }
}
