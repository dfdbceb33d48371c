using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>A produced document's text as a reader gets it (poppler's pdftotext), white space folded.</summary>
public static partial class PdfText
{
    [GeneratedRegex("\\s+")]
    private static partial Regex Space();

    public static async Task<string> OfAsync(byte[] pdf)
    {
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, pdf);
        using var process = Process.Start(new ProcessStartInfo("pdftotext", [file, "-"]) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(file);
        return Space().Replace(text, " ");
    }
}
