using System.Diagnostics;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Documents;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// The one Chromium kept running for documents (ADR 0040): it prints what Chromium's own --print-to-pdf printed before
/// it, starts again when it has died, keeps documents printed at once apart, and stops when there are none.
/// </summary>
public sealed class ChromiumPrinterTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flexi-printer-test-");

    public void Dispose() => _folder.Delete(recursive: true);

    // A letter's features that printing settings change: its own page size and margins, a coloured band, a table's shading.
    private string Letter(string name, string body)
    {
        var file = Path.Combine(_folder.FullName, name + ".html");
        File.WriteAllText(file, $$"""
            <!DOCTYPE html><html><head><meta charset="utf-8"><style>
            @page { size: A4; margin: 18mm } body { font-family: sans-serif }
            .band { background: #1d4f91; color: white; padding: 8px } td { border: 1px solid #999; background: #eee }
            </style></head><body><div class="band">Ashby Fields Primary</div><p>{{body}}</p>
            <table><tr><td>Monday</td><td>Home</td></tr></table></body></html>
            """);
        return file;
    }

    [Fact]
    public async Task A_document_prints_in_the_running_browser_as_chromiums_print_to_pdf_printed_it()
    {
        var letter = Letter("letter", "Dear Mr and Mrs Example");
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance);
        var printed = await printer.PrintAsync(letter);

        var cli = Path.Combine(_folder.FullName, "cli.pdf");
        using (var process = Process.Start(new ProcessStartInfo(Chromium,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={Path.Combine(_folder.FullName, "profile")}",
            "--no-pdf-header-footer", $"--print-to-pdf={cli}", new Uri(letter).AbsoluteUri,
        ]) { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            await process.WaitForExitAsync();
        }

        Assert.Equal(await PageImageAsync(await File.ReadAllBytesAsync(cli)), await PageImageAsync(printed));
        Assert.Contains("Dear Mr and Mrs Example", await PdfText.OfAsync(printed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_that_died_is_started_again_for_the_next_document()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance);
        await printer.PrintAsync(Letter("first", "The first letter"));
        var first = printer.BrowserProcessId ?? throw new InvalidOperationException("No browser after a document.");
        using (var dying = Process.GetProcessById(first))
        {
            dying.Kill(entireProcessTree: true);
            await dying.WaitForExitAsync();
        }

        var second = await printer.PrintAsync(Letter("second", "The second letter"));
        Assert.Contains("The second letter", await PdfText.OfAsync(second), StringComparison.Ordinal);
        Assert.NotEqual(first, printer.BrowserProcessId);
    }

    [Fact]
    public async Task Documents_printed_at_once_each_get_their_own_pages()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance);
        var names = Enumerable.Range(1, 4).Select(i => $"Pupil number {i}").ToArray();
        var printed = await Task.WhenAll(names.Select((name, i) => printer.PrintAsync(Letter($"letter{i}", name))));
        for (var i = 0; i < names.Length; i++)
        {
            var text = await PdfText.OfAsync(printed[i]);
            Assert.Contains(names[i], text, StringComparison.Ordinal);
            Assert.All(names.Where(n => n != names[i]), other => Assert.DoesNotContain(other, text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_browser_stops_when_no_document_has_come_for_its_idle_time()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance, idleFor: TimeSpan.FromSeconds(1));
        await printer.PrintAsync(Letter("letter", "A letter"));
        var running = printer.BrowserProcessId ?? throw new InvalidOperationException("No browser after a document.");
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{running}"); i++)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists($"/proc/{running}"), "the idle browser is still running");
        Assert.Null(printer.BrowserProcessId);
    }

    [Fact]
    public async Task A_chromium_that_cannot_start_fails_the_document_with_a_message()
    {
        await using var printer = new ChromiumPrinter("/nonexistent/chromium", NullLogger<ChromiumPrinter>.Instance);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => printer.PrintAsync(Letter("letter", "A letter")));
        Assert.Equal("The document could not be produced.", failed.Message);
    }

    [Fact]
    public async Task A_folder_left_by_a_process_that_was_killed_is_cleared_by_the_next_browser()
    {
        int gone;
        using (var process = Process.Start(new ProcessStartInfo("true"))!)
        {
            await process.WaitForExitAsync();
            gone = process.Id;
        }

        var left = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"flexi-chromium-{gone}-left"));
        var running = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "flexi-chromium-1-running"));
        try
        {
            await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance);
            await printer.PrintAsync(Letter("letter", "A letter"));
            Assert.False(Directory.Exists(left.FullName), "the folder of a process that has gone is still there");
            Assert.True(Directory.Exists(running.FullName), "the folder of a running process was cleared");
        }
        finally
        {
            running.Delete(recursive: true);
            left.Refresh();
            if (left.Exists)
            {
                left.Delete(recursive: true);
            }
        }
    }

    // The first page at 50 dots an inch, as poppler draws it: the same bytes mean the same page.
    private async Task<string> PageImageAsync(byte[] pdf)
    {
        var file = Path.Combine(_folder.FullName, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file + ".pdf", pdf);
        using (var process = Process.Start(new ProcessStartInfo("pdftoppm", ["-r", "50", "-png", "-singlefile", file + ".pdf", file]))!)
        {
            await process.WaitForExitAsync();
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file + ".png")));
    }
}
