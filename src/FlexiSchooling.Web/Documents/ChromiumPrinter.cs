using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexiSchooling.Web.Documents;

/// <summary>
/// One headless Chromium kept running to print the product's documents (ADRs 0040, 0041), spoken to over the DevTools
/// protocol on a pair of named pipes (<c>--remote-debugging-pipe</c>: no port, nothing else on the machine can reach it).
/// Each document prints in a tab with scripts off (at most <see cref="TabsAtOnce"/> at a time), opened on the HTML file
/// and printed with the same settings Chromium's <c>--print-to-pdf</c> uses (the CSS page size, backgrounds, no header
/// or footer); the tab is then kept for the next document, which opens it on its own file (a new tab each cost about
/// twice the CPU: ADR 0058), and closed when its document failed or its page crashed. Started on the first document, stopped after <see cref="IdleFor"/> without one, started again
/// when it has died, and replaced by a fresh one after <see cref="DocumentsPerBrowser"/> documents (the old one finishing
/// the documents it has). A document that does not print within <see cref="Timeout"/> fails alone when the browser
/// still answers (its tab is closed); a browser that does not answer is stopped. One launch of Chromium costs about 1.5 s of CPU on two cores; a document in a
/// running one about 0.25 s in a kept tab (0.6 s in a new one, measured beside each other: ADR 0058).
/// </summary>
public sealed class ChromiumPrinter(
    string chromium, ILogger<ChromiumPrinter> log, TimeSpan? idleFor = null, TimeSpan? timeout = null, int? documentsPerBrowser = null, int? tabsAtOnce = null)
    : IAsyncDisposable, IDisposable
{
    /// <summary>How long a document may take, from asking for the browser to its PDF.</summary>
    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromSeconds(60);

    /// <summary>How long the browser is kept without a document: long enough for the documents of one form's save.</summary>
    public TimeSpan IdleFor { get; } = idleFor ?? TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many documents one browser prints before a fresh one takes over: a server that is never idle for
    /// <see cref="IdleFor"/> still starts afresh now and then (a launch per this many documents is about 1% of their
    /// CPU), so that nothing a long-lived browser gathers outlives the 600 documents measured flat (ADR 0041).
    /// </summary>
    public int DocumentsPerBrowser { get; } = documentsPerBrowser ?? 500;

    /// <summary>
    /// How many documents are printed at once; the rest wait their turn (inside their <see cref="Timeout"/>). Printing is
    /// CPU-bound, so more tabs than cores gain nothing, and each open tab holds a renderer's memory: a burst of documents
    /// (a trust's letters at once) is kept to this many renderers.
    /// </summary>
    public int TabsAtOnce { get; } = TabsFor(tabsAtOnce);

    /// <summary>How long a browser has to answer when a document has run out of time, before it is judged hung.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SemaphoreSlim tabs = new(TabsFor(tabsAtOnce));
    private readonly ConcurrentDictionary<Browser, byte> retiring = new();
    private int inTabs;
    private int mostInTabs;
    private Browser? browser;
    private int printing;
    private Timer? idle;
    private bool disposed;

    /// <summary>The running browser's process, if one is running (for the tests of its stopping and starting again).</summary>
    internal int? BrowserProcessId => browser is { Alive: true } running ? running.ProcessId : null;

    /// <summary>Browsers replaced by a fresh one and still finishing their documents (for the tests of handing over).</summary>
    internal int BrowsersHandingOver => retiring.Count;

    /// <summary>The tabs the running browser has opened (for the tests of keeping a tab for the next document).</summary>
    internal int TabsOpened => browser?.TabsOpened ?? 0;

    /// <summary>The tabs the running browser keeps for the next document.</summary>
    internal int TabsKept => browser?.TabsKept ?? 0;

    /// <summary>Crashes the page of every tab the running browser keeps (for the test of a kept tab that has died).</summary>
    internal Task CrashKeptTabsAsync() => browser?.CrashKeptTabsAsync() ?? Task.CompletedTask;

    /// <summary>The most documents that have been printing at once (for the test of the limit).</summary>
    internal int MostTabsAtOnce => Volatile.Read(ref mostInTabs);

    /// <summary>Prints the HTML file at <paramref name="file"/> to PDF.</summary>
    public async Task<byte[]> PrintAsync(string file, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await tabs.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogError("A document waited {Timeout} for its turn to print", Timeout);
            throw NotProduced();
        }

        var now = Interlocked.Increment(ref inTabs);
        for (var most = Volatile.Read(ref mostInTabs); now > most; most = Volatile.Read(ref mostInTabs))
        {
            Interlocked.CompareExchange(ref mostInTabs, now, most);
        }

        try
        {
            return await PrintInTabAsync(file, timeout.Token, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref inTabs);
            tabs.Release();
        }
    }

    private async Task<byte[]> PrintInTabAsync(string file, CancellationToken timeout, CancellationToken cancellationToken)
    {
        Browser running;
        try
        {
            running = await RunningAsync(timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogError("Chromium did not start for printing within {Timeout}", Timeout);
            throw NotProduced();
        }

        try
        {
            return await running.PrintAsync(new Uri(file).AbsoluteUri, timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The document's tab has been closed by now. A browser that still answers goes on with its other
            // documents; one that does not is hung, and stopped.
            if (await running.AnswersAsync(AnswerWithin))
            {
                log.LogError("A document did not print within {Timeout}; its tab was closed and the browser kept", Timeout);
            }
            else
            {
                log.LogError("Chromium did not print a document within {Timeout} and does not answer; the browser is stopped", Timeout);
                await StopAsync(running);
            }

            throw NotProduced();
        }
        catch (InvalidOperationException e)
        {
            // The page says only that the document could not be produced; the reason is for the operator.
            log.LogError(e, "Chromium could not print a document");
            throw NotProduced(e);
        }
        finally
        {
            Finished(running);
        }
    }

    private static int TabsFor(int? given) => given is { } tabs
        ? tabs >= 1 ? tabs : throw new ArgumentOutOfRangeException("tabsAtOnce", "At least one document must print at a time.")
        : Math.Max(2, Environment.ProcessorCount);

    private static InvalidOperationException NotProduced(Exception? reason = null) => new("The document could not be produced.", reason);

    // The browser to print in, counted as printing before the gate opens, so the idle stop cannot take it meanwhile.
    private async Task<Browser> RunningAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (browser is { Alive: true } full && full.Begun >= DocumentsPerBrowser)
            {
                log.LogInformation("Chromium has printed {Count} documents; a fresh browser takes the next", full.Begun);
                Retire(full);
                browser = null;
            }

            if (browser is not { Alive: true })
            {
                browser?.Dispose();
                browser = null;
                browser = await Browser.StartAsync(chromium, log, cancellationToken);
                idle ??= new Timer(_ => _ = StopWhenIdleAsync(), null, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
            }

            browser.Begin();
            Interlocked.Increment(ref printing);
            return browser;
        }
        finally
        {
            gate.Release();
        }
    }

    // A browser replaced while it still prints is stopped by the last of its documents to finish. Both sides write
    // their half (retired; one fewer printing) before reading the other's, so at least one of them stops it.
    private void Retire(Browser old)
    {
        retiring[old] = 0;
        old.Retire();
        if (old.Printing == 0)
        {
            StopRetired(old);
        }
    }

    private void Finished(Browser running)
    {
        if (running.Finish() == 0 && running.Retired)
        {
            StopRetired(running);
        }

        if (Interlocked.Decrement(ref printing) == 0)
        {
            idle?.Change(IdleFor, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    private void StopRetired(Browser old)
    {
        retiring.TryRemove(old, out _);
        old.Dispose();
    }

    private async Task StopWhenIdleAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (Volatile.Read(ref printing) == 0 && browser is not null)
            {
                browser.Dispose();
                browser = null;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task StopAsync(Browser stopping)
    {
        await gate.WaitAsync();
        try
        {
            stopping.Dispose();
            if (ReferenceEquals(browser, stopping))
            {
                browser = null;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        gate.Wait();
        try
        {
            disposed = true;
            idle?.Dispose();
            browser?.Dispose();
            browser = null;
            foreach (var old in retiring.Keys)
            {
                StopRetired(old);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>One running Chromium: its process, the two pipes and the DevTools messages in flight.</summary>
    private sealed class Browser : IDisposable
    {
        private readonly Process process;
        private readonly DirectoryInfo folder;
        private readonly FileStream commands;
        private readonly FileStream replies;
        private readonly ILogger log;
        private readonly object writing = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> pending = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> loads = new();
        // Tabs that printed their document, waiting for the next (never more than were printing at once: a tab is opened
        // only when none is waiting), and the sessions whose page crashed or was closed (never printed in again).
        private readonly ConcurrentBag<Tab> kept = new();
        private readonly ConcurrentDictionary<string, byte> lost = new();
        private int tabsOpened;
        private Thread? reader;
        private int lastId;
        private volatile bool alive = true;
        private int retired;
        private int printing;
        private int begun;
        private int disposed;

        private Browser(Process process, DirectoryInfo folder, FileStream commands, FileStream replies, ILogger log)
        {
            this.process = process;
            this.folder = folder;
            this.commands = commands;
            this.replies = replies;
            this.log = log;
        }

        public bool Alive => alive && !process.HasExited;

        public int ProcessId => process.Id;

        /// <summary>Documents begun in this browser (counted under the printer's gate).</summary>
        public int Begun => begun;

        /// <summary>Documents this browser is printing now.</summary>
        public int Printing => Volatile.Read(ref printing);

        /// <summary>Replaced by a fresh browser: it takes no more documents and stops when its last one is done.</summary>
        public bool Retired => Volatile.Read(ref retired) == 1;

        /// <summary>Marks it replaced, with a full fence: the count of its documents read next is not read before.</summary>
        public void Retire() => Interlocked.Exchange(ref retired, 1);

        public void Begin()
        {
            begun++;
            Interlocked.Increment(ref printing);
        }

        /// <summary>One document done; how many are left printing.</summary>
        public int Finish() => Interlocked.Decrement(ref printing);

        /// <summary>Whether the browser answers a command within <paramref name="within"/>: a document's running out of
        /// time is then the document's, not a hung browser's.</summary>
        public async Task<bool> AnswersAsync(TimeSpan within)
        {
            try
            {
                await CallAsync("Browser.getVersion", [], null, CancellationToken.None).WaitAsync(within);
                return true;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                return false;
            }
        }

        public static async Task<Browser> StartAsync(string chromium, ILogger log, CancellationToken cancellationToken)
        {
            // A private folder (mode 700) for the pipes and the profile, deleted with the browser; named with this process's id,
            // so that a later process can clear what one that was killed left (its own browser exits with it).
            ClearLeftFolders();
            var folder = Directory.CreateTempSubdirectory($"{FolderPrefix}{Environment.ProcessId}-");
            var input = Path.Combine(folder.FullName, "commands");
            var output = Path.Combine(folder.FullName, "replies");
            try
            {
                using var fifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { "-m", "600", input, output }, UseShellExecute = false })
                    ?? throw new InvalidOperationException("Could not start mkfifo.");
                await fifo.WaitForExitAsync(cancellationToken);
                if (fifo.ExitCode != 0)
                {
                    throw new InvalidOperationException("mkfifo failed.");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                folder.Delete(recursive: true);
                log.LogError(e, "The pipes to Chromium could not be made");
                throw new InvalidOperationException("The document could not be produced.", e);
            }
            catch
            {
                folder.Delete(recursive: true);
                throw;
            }

            // Opened for reading and writing, a named pipe never waits for its other end, and this side never sees the
            // end of the replies while it holds them: the browser's exit is noticed by the process instead.
            var commands = new FileStream(input, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
            var replies = new FileStream(output, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1);
            // Chromium reads the protocol's commands on descriptor 3 and writes its replies on 4; the shell opens them.
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec \"$0\" \"$@\" 3<\"$FLEXI_CHROMIUM_COMMANDS\" 4>\"$FLEXI_CHROMIUM_REPLIES\"");
            start.ArgumentList.Add(chromium);
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                $"--user-data-dir={Path.Combine(folder.FullName, "profile")}", "--remote-debugging-pipe", "about:blank",
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["FLEXI_CHROMIUM_COMMANDS"] = input;
            start.Environment["FLEXI_CHROMIUM_REPLIES"] = output;
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {chromium}.");
            }
            catch (Exception e)
            {
                commands.Dispose();
                replies.Dispose();
                folder.Delete(recursive: true);
                log.LogError(e, "Chromium at {Chromium} could not be started", chromium);
                throw new InvalidOperationException("The document could not be produced.", e);
            }

            var browser = new Browser(process, folder, commands, replies, log);
            var errors = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line && errors.Length < 4000)
                {
                    errors.AppendLine(line);
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => browser.Fail(new InvalidOperationException($"Chromium stopped (exit code {process.ExitCode}): {errors.ToString().Trim()}"));
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            browser.reader = new Thread(browser.Read) { IsBackground = true, Name = "Chromium replies" };
            browser.reader.Start();
            if (process.HasExited)
            {
                browser.Fail(new InvalidOperationException($"Chromium stopped (exit code {process.ExitCode})."));
            }

            try
            {
                await browser.CallAsync("Browser.getVersion", [], null, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                browser.Dispose();
                throw;
            }
            catch (Exception e)
            {
                log.LogError(e, "Chromium at {Chromium} did not start for printing", chromium);
                browser.Dispose();
                throw new InvalidOperationException("The document could not be produced.", e);
            }

            return browser;
        }

        private const string FolderPrefix = "flexi-chromium-";

        private static void ClearLeftFolders()
        {
            foreach (var left in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
            {
                var name = Path.GetFileName(left)[FolderPrefix.Length..];
                var dash = name.IndexOf('-', StringComparison.Ordinal);
                if (dash > 0 && int.TryParse(name[..dash], out var owner) && owner != Environment.ProcessId && !Directory.Exists($"/proc/{owner}"))
                {
                    try
                    {
                        Directory.Delete(left, recursive: true);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // Another process's, or being cleared by one: left for it.
                    }
                }
            }
        }

        /// <summary>
        /// Prints the document at <paramref name="url"/> in a tab kept from an earlier document, or in a new one when none is
        /// waiting (ADR 0058). A kept tab that cannot print it (its page crashed or was closed) is closed and the document
        /// printed once more in a new tab.
        /// </summary>
        public async Task<byte[]> PrintAsync(string url, CancellationToken cancellationToken)
        {
            while (kept.TryTake(out var tab))
            {
                if (lost.TryRemove(tab.Session, out _))
                {
                    await CloseAsync(tab.Target);
                    continue;
                }

                try
                {
                    return await PrintInAsync(tab, url, cancellationToken);
                }
                catch (InvalidOperationException e) when (Alive && !cancellationToken.IsCancellationRequested)
                {
                    log.LogWarning(e, "A tab kept from an earlier document could not print; the document is printed in a new tab");
                }
            }

            return await PrintInAsync(await OpenTabAsync(cancellationToken), url, cancellationToken);
        }

        /// <summary>Tabs opened by this browser (for the tests of keeping them).</summary>
        public int TabsOpened => Volatile.Read(ref tabsOpened);

        /// <summary>Tabs kept for the next document.</summary>
        public int TabsKept => kept.Count;

        /// <summary>Crashes the renderer of every kept tab (<c>Page.crash</c>), for the test of a kept tab that has died.</summary>
        public async Task CrashKeptTabsAsync()
        {
            foreach (var tab in kept)
            {
                // The crash is the reply: the command's own reply never comes.
                _ = CallAsync("Page.crash", [], tab.Session, CancellationToken.None);
            }

            // Each crash reported, for at most ten seconds.
            for (var waited = 0; waited < 200 && kept.Any(tab => !lost.ContainsKey(tab.Session)); waited++)
            {
                await Task.Delay(50);
            }
        }

        // A tab of its own for documents: scripts off (documents are the product's own HTML with no scripts; a script
        // that found its way into one, typed by a user past the templates' encoding, say, does not run), its loads and
        // its crash reported.
        private async Task<Tab> OpenTabAsync(CancellationToken cancellationToken)
        {
            var target = (string)(await CallAsync("Target.createTarget", new() { ["url"] = "about:blank" }, null, cancellationToken))["targetId"]!;
            Interlocked.Increment(ref tabsOpened);
            try
            {
                var session = (string)(await CallAsync("Target.attachToTarget", new() { ["targetId"] = target, ["flatten"] = true }, null, cancellationToken))["sessionId"]!;
                await CallAsync("Emulation.setScriptExecutionDisabled", new() { ["value"] = true }, session, cancellationToken);
                await CallAsync("Inspector.enable", [], session, cancellationToken);
                await CallAsync("Page.enable", [], session, cancellationToken);
                return new Tab(target, session);
            }
            catch
            {
                await CloseAsync(target);
                throw;
            }
        }

        // Prints in the tab given; the tab is kept for the next document when it printed, closed when it did not (a
        // document that ran out of time may still be loading in it).
        private async Task<byte[]> PrintInAsync(Tab tab, string url, CancellationToken cancellationToken)
        {
            var printed = false;
            try
            {
                var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                loads[tab.Session] = loaded;
                try
                {
                    var navigated = await CallAsync("Page.navigate", new() { ["url"] = url }, tab.Session, cancellationToken);
                    if (navigated["errorText"] is JsonNode error)
                    {
                        throw new InvalidOperationException($"Chromium could not open the document: {error}");
                    }

                    await loaded.Task.WaitAsync(cancellationToken);
                }
                finally
                {
                    loads.TryRemove(tab.Session, out _);
                }

                // What --print-to-pdf does: the page's own @page size, its backgrounds, no header or footer (checked:
                // the same pixels for a letter printed both ways).
                var pdf = await CallAsync("Page.printToPDF", new() { ["preferCSSPageSize"] = true, ["printBackground"] = true, ["displayHeaderFooter"] = false }, tab.Session, cancellationToken);
                var bytes = Convert.FromBase64String((string)pdf["data"]!);
                printed = true;
                return bytes;
            }
            finally
            {
                if (printed && !lost.ContainsKey(tab.Session))
                {
                    kept.Add(tab);
                }
                else
                {
                    lost.TryRemove(tab.Session, out _);
                    await CloseAsync(tab.Target);
                }
            }
        }

        private async Task CloseAsync(string target)
        {
            if (!Alive)
            {
                return;
            }

            try
            {
                await CallAsync("Target.closeTarget", new() { ["targetId"] = target }, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                log.LogWarning(e, "A printed document's tab did not close");
            }
        }

        /// <summary>A tab: its target, and its session (attached in flattened mode).</summary>
        private sealed record Tab(string Target, string Session);

        private Task<JsonObject> CallAsync(string method, JsonObject parameters, string? session, CancellationToken cancellationToken)
        {
            var id = Interlocked.Increment(ref lastId);
            var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            pending[id] = reply;
            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
            if (session is not null)
            {
                message["sessionId"] = session;
            }

            var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
            try
            {
                if (!alive)
                {
                    throw new InvalidOperationException("Chromium has stopped.");
                }

                lock (writing)
                {
                    commands.Write(bytes);
                    commands.WriteByte(0);
                    commands.Flush();
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                pending.TryRemove(id, out _);
                return Task.FromException<JsonObject>(new InvalidOperationException("Chromium has stopped.", e));
            }

            return Await(id, reply, cancellationToken);
        }

        private async Task<JsonObject> Await(int id, TaskCompletionSource<JsonObject> reply, CancellationToken cancellationToken)
        {
            try
            {
                return await reply.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                pending.TryRemove(id, out _);
            }
        }

        // The replies' reader: messages separated by a NUL byte; a reply goes to the call with its id, a page's load to the
        // print waiting for it, everything else is dropped.
        private void Read()
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            try
            {
                while (alive)
                {
                    var count = replies.Read(buffer, 0, buffer.Length);
                    if (count == 0)
                    {
                        break;
                    }

                    var from = 0;
                    for (var i = 0; i < count; i++)
                    {
                        if (buffer[i] == 0)
                        {
                            message.Write(buffer, from, i - from);
                            Dispatch(message.GetBuffer().AsSpan(0, (int)message.Length));
                            message.SetLength(0);
                            from = i + 1;
                        }
                    }

                    message.Write(buffer, from, count - from);
                }
            }
            catch (Exception e)
            {
                // Whatever it was, on this thread it would end the whole process: the browser is given up instead.
                if (alive)
                {
                    log.LogError(e, "Chromium's replies could not be read");
                }

                Fail(new InvalidOperationException("Chromium has stopped.", e));
            }
        }

        private void Dispatch(ReadOnlySpan<byte> json)
        {
            JsonObject? message;
            try
            {
                message = json.IsEmpty ? null : JsonNode.Parse(json) as JsonObject;
            }
            catch (JsonException e)
            {
                log.LogWarning(e, "Chromium sent a message that is not JSON");
                return;
            }

            if (message is null)
            {
                return;
            }

            if (message["id"] is JsonNode idNode && pending.TryGetValue((int)idNode, out var reply))
            {
                if (message["error"] is JsonObject error)
                {
                    reply.TrySetException(new InvalidOperationException($"Chromium refused a command: {error["message"]}"));
                }
                else
                {
                    reply.TrySetResult(message["result"] as JsonObject ?? []);
                }
            }
            else if ((string?)message["method"] == "Page.loadEventFired" && (string?)message["sessionId"] is { } session && loads.TryGetValue(session, out var loaded))
            {
                loaded.TrySetResult();
            }
            else if ((string?)message["method"] == "Inspector.targetCrashed" && (string?)message["sessionId"] is { } crashed)
            {
                lost[crashed] = 0;
            }
            else if ((string?)message["method"] == "Target.detachedFromTarget" && message["params"]?["sessionId"]?.GetValue<string>() is { } detached)
            {
                lost[detached] = 0;
            }
        }

        private void Fail(Exception reason)
        {
            alive = false;
            foreach (var reply in pending.Values)
            {
                reply.TrySetException(reason);
            }

            foreach (var loaded in loads.Values)
            {
                loaded.TrySetException(reason);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1)
            {
                return;
            }

            Fail(new InvalidOperationException("Chromium was stopped."));
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
            // The reader waits in a read of the replies, which this side holds open for writing too: a NUL wakes it to
            // find the browser stopped.
            try
            {
                replies.WriteByte(0);
                replies.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }

            reader?.Join(TimeSpan.FromSeconds(5));
            commands.Dispose();
            replies.Dispose();
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException e)
            {
                log.LogWarning(e, "Chromium's folder {Folder} was not deleted", folder.FullName);
            }
        }
    }
}
