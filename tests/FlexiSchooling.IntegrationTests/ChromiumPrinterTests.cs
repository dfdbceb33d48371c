using System.Diagnostics;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Documents;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// The one Chromium kept running for documents (ADR 0040): it prints what Chromium's own --print-to-pdf printed before
/// it, starts again when it has died, keeps documents printed at once apart, stops when there are none, runs no script,
/// fails a document that never loads without the others, stops a browser that does not answer, and hands over to a
/// fresh browser after its documents.
/// </summary>
public sealed class ChromiumPrinterTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    // Long enough for a browser's launch on a busy machine (the test run's other classes print beside these), short
    // enough for a test that waits it out.
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(10);

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

    [Fact]
    public async Task A_script_in_a_document_does_not_run()
    {
        var file = Path.Combine(_folder.FullName, "scripted.html");
        File.WriteAllText(file, """
            <!DOCTYPE html><html><body><p id="said">Written in the letter</p>
            <script>document.getElementById('said').textContent = 'Written by a script';</script></body></html>
            """);
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance);
        // In a new tab, and again in the tab kept from it (ADR 0058): scripts stay off in a tab that is used again.
        foreach (var _ in new[] { "a new tab", "the kept tab" })
        {
            var text = await PdfText.OfAsync(await printer.PrintAsync(file));
            Assert.Contains("Written in the letter", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Written by a script", text, StringComparison.Ordinal);
        }

        Assert.Equal(1, printer.TabsOpened);
    }

    [Fact]
    public async Task Documents_one_after_another_print_in_the_tab_kept_from_the_one_before()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance);
        string[] names = ["Dear Ms First", "Dear Mr Second", "Dear Dr Third"];
        foreach (var (name, i) in names.Select((name, i) => (name, i)))
        {
            var text = await PdfText.OfAsync(await printer.PrintAsync(Letter($"kept{i}", name)));
            Assert.Contains(name, text, StringComparison.Ordinal);
            // Nothing of the document the tab printed before.
            Assert.All(names.Where(other => other != name), other => Assert.DoesNotContain(other, text, StringComparison.Ordinal));
        }

        // One tab opened for the three (a tab each cost about twice the CPU: ADR 0058), and kept for the next.
        Assert.Equal(1, printer.TabsOpened);
        Assert.Equal(1, printer.TabsKept);
    }

    [Fact]
    public async Task A_kept_tab_whose_page_crashed_is_closed_and_the_next_document_prints_in_a_new_one()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance);
        await printer.PrintAsync(Letter("first", "The first letter"));
        var browser = printer.BrowserProcessId;
        await printer.CrashKeptTabsAsync();

        var second = await printer.PrintAsync(Letter("second", "The second letter"));
        Assert.Contains("The second letter", await PdfText.OfAsync(second), StringComparison.Ordinal);
        Assert.Equal(browser, printer.BrowserProcessId);
        Assert.Equal(2, printer.TabsOpened);
        Assert.Equal(1, printer.TabsKept);
    }

    [Fact]
    public async Task A_document_that_never_loads_fails_alone_and_the_browser_goes_on_printing()
    {
        // An image read from a named pipe nobody writes to: the page's load never comes.
        var pipe = Path.Combine(_folder.FullName, "never");
        using (var fifo = Process.Start(new ProcessStartInfo("mkfifo", [pipe]))!)
        {
            await fifo.WaitForExitAsync();
        }

        var hanging = Path.Combine(_folder.FullName, "hanging.html");
        File.WriteAllText(hanging, $"<!DOCTYPE html><html><body><p>Never finished</p><img src=\"{new Uri(pipe).AbsoluteUri}\"></body></html>");
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance, timeout: Short);
        await printer.PrintAsync(Letter("first", "The first letter"));
        var browser = printer.BrowserProcessId;

        var waited = Stopwatch.StartNew();
        var hung = printer.PrintAsync(hanging);
        var beside = printer.PrintAsync(Letter("beside", "A letter printed beside it"));
        Assert.Contains("A letter printed beside it", await PdfText.OfAsync(await beside), StringComparison.Ordinal);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => hung);
        Assert.Equal("The document could not be produced.", failed.Message);
        // .NET's timers count whole milliseconds of a coarse clock, so a CancelAfter can fire a little before a Stopwatch
        // says its time is up: measured here, 26 of 200 timers of 500 ms fired up to 0.63 ms early, and one of sixteen
        // hanging documents failed 0.66 ms before the printer's timeout by a Stopwatch. Without an allowance this
        // assertion failed once in CI and once in twelve runs beside three busy loops. 50 ms covers a coarse tick on any
        // kernel and is nothing beside a document failing early, which would fail in seconds.
        Assert.True(waited.Elapsed >= printer.Timeout - TimeSpan.FromMilliseconds(50), $"the document failed after {waited.Elapsed}, before its time ran out");

        var after = await printer.PrintAsync(Letter("after", "A letter after it"));
        Assert.Contains("A letter after it", await PdfText.OfAsync(after), StringComparison.Ordinal);
        Assert.Equal(browser, printer.BrowserProcessId);
        // The hung document's tab was closed, not kept: the two tabs the first three documents needed, one of them kept.
        Assert.Equal(2, printer.TabsOpened);
        Assert.Equal(1, printer.TabsKept);
        // Opened both ways a named pipe does not wait; closed, it lets the browser's reader go.
        new FileStream(pipe, FileMode.Open, FileAccess.ReadWrite).Dispose();
    }

    [Fact]
    public async Task A_browser_that_does_not_answer_is_stopped_and_the_next_document_starts_another()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance, timeout: Short);
        await printer.PrintAsync(Letter("first", "The first letter"));
        var hung = printer.BrowserProcessId ?? throw new InvalidOperationException("No browser after a document.");
        await SignalAsync("STOP", hung);
        try
        {
            var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => printer.PrintAsync(Letter("second", "The second letter")));
            Assert.Equal("The document could not be produced.", failed.Message);
            Assert.False(Directory.Exists($"/proc/{hung}"), "the browser that did not answer is still running");
        }
        finally
        {
            if (Directory.Exists($"/proc/{hung}"))
            {
                await SignalAsync("KILL", hung);
            }
        }

        var third = await printer.PrintAsync(Letter("third", "The third letter"));
        Assert.Contains("The third letter", await PdfText.OfAsync(third), StringComparison.Ordinal);
        Assert.NotEqual(hung, printer.BrowserProcessId);
    }

    [Fact]
    public async Task After_its_documents_a_browser_hands_over_to_a_fresh_one_and_stops_when_its_own_are_done()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance, documentsPerBrowser: 2);
        await printer.PrintAsync(Letter("first", "The first letter"));
        var first = printer.BrowserProcessId ?? throw new InvalidOperationException("No browser after a document.");
        await printer.PrintAsync(Letter("second", "The second letter"));
        Assert.Equal(first, printer.BrowserProcessId);

        // Six at once with two to a browser: three browsers, each stopped when its last document is done.
        var names = Enumerable.Range(1, 6).Select(i => $"Pupil number {i}").ToArray();
        var printed = await Task.WhenAll(names.Select((name, i) => printer.PrintAsync(Letter($"at-once{i}", name))));
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Contains(names[i], await PdfText.OfAsync(printed[i]), StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists($"/proc/{first}"), "the browser handed over from is still running");
        Assert.Equal(0, printer.BrowsersHandingOver);
        Assert.NotNull(printer.BrowserProcessId);
    }

    [Fact]
    public async Task Documents_beyond_the_tabs_at_once_wait_their_turn()
    {
        await using var printer = new ChromiumPrinter(Chromium, NullLogger<ChromiumPrinter>.Instance, tabsAtOnce: 2);
        var names = Enumerable.Range(1, 6).Select(i => $"Pupil number {i}").ToArray();
        var printed = await Task.WhenAll(names.Select((name, i) => printer.PrintAsync(Letter($"turn{i}", name))));
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Contains(names[i], await PdfText.OfAsync(printed[i]), StringComparison.Ordinal);
        }

        Assert.Equal(2, printer.MostTabsAtOnce);
    }

    private static async Task SignalAsync(string signal, int process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", process.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
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
