using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexiSchooling.Web.Documents;

/// <summary>
/// One headless Chromium kept running to print the product's documents (ADR 0040), spoken to over the DevTools protocol
/// on a pair of named pipes (<c>--remote-debugging-pipe</c>: no port, nothing else on the machine can reach it). Each
/// document gets a tab of its own, opened on the HTML file, printed with the same settings Chromium's
/// <c>--print-to-pdf</c> uses (the CSS page size, backgrounds, no header or footer) and closed. Started on the first
/// document, stopped after <see cref="IdleFor"/> without one, and started again when it has died; a document that does
/// not print within <see cref="Timeout"/> stops the browser. One launch of Chromium costs about 1.5 s of CPU on two
/// cores; a document in a running one about 0.3 s.
/// </summary>
public sealed class ChromiumPrinter(string chromium, ILogger<ChromiumPrinter> log, TimeSpan? idleFor = null) : IAsyncDisposable, IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>How long the browser is kept without a document: long enough for the documents of one form's save.</summary>
    public TimeSpan IdleFor { get; } = idleFor ?? TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim gate = new(1, 1);
    private Browser? browser;
    private int printing;
    private Timer? idle;
    private bool disposed;

    /// <summary>The running browser's process, if one is running (for the tests of its stopping and starting again).</summary>
    internal int? BrowserProcessId => browser is { Alive: true } running ? running.ProcessId : null;

    /// <summary>Prints the HTML file at <paramref name="file"/> to PDF.</summary>
    public async Task<byte[]> PrintAsync(string file, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        Browser running;
        try
        {
            running = await RunningAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogError("Chromium did not start for printing within {Timeout}", Timeout);
            throw new InvalidOperationException("The document could not be produced.");
        }

        try
        {
            return await running.PrintAsync(new Uri(file).AbsoluteUri, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            log.LogError("Chromium did not print a document within {Timeout}; the browser is stopped", Timeout);
            await StopAsync(running);
            throw new InvalidOperationException("Chromium did not finish the PDF within a minute.");
        }
        catch (InvalidOperationException e)
        {
            // The page says only that the document could not be produced; the reason is for the operator.
            log.LogError(e, "Chromium could not print a document");
            throw new InvalidOperationException("The document could not be produced.", e);
        }
        finally
        {
            if (Interlocked.Decrement(ref printing) == 0)
            {
                idle?.Change(IdleFor, System.Threading.Timeout.InfiniteTimeSpan);
            }
        }
    }

    // The browser to print in, counted as printing before the gate opens, so the idle stop cannot take it meanwhile.
    private async Task<Browser> RunningAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (browser is not { Alive: true })
            {
                browser?.Dispose();
                browser = null;
                browser = await Browser.StartAsync(chromium, log, cancellationToken);
                idle ??= new Timer(_ => _ = StopWhenIdleAsync(), null, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
            }

            Interlocked.Increment(ref printing);
            return browser;
        }
        finally
        {
            gate.Release();
        }
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
        private Thread? reader;
        private int lastId;
        private volatile bool alive = true;

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

        public async Task<byte[]> PrintAsync(string url, CancellationToken cancellationToken)
        {
            var target = (string)(await CallAsync("Target.createTarget", new() { ["url"] = "about:blank" }, null, cancellationToken))["targetId"]!;
            try
            {
                var session = (string)(await CallAsync("Target.attachToTarget", new() { ["targetId"] = target, ["flatten"] = true }, null, cancellationToken))["sessionId"]!;
                var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                loads[session] = loaded;
                try
                {
                    await CallAsync("Page.enable", [], session, cancellationToken);
                    var navigated = await CallAsync("Page.navigate", new() { ["url"] = url }, session, cancellationToken);
                    if (navigated["errorText"] is JsonNode error)
                    {
                        throw new InvalidOperationException($"Chromium could not open the document: {error}");
                    }

                    await loaded.Task.WaitAsync(cancellationToken);
                }
                finally
                {
                    loads.TryRemove(session, out _);
                }

                // What --print-to-pdf does: the page's own @page size, its backgrounds, no header or footer (checked:
                // the same pixels for a letter printed both ways).
                var printed = await CallAsync("Page.printToPDF", new() { ["preferCSSPageSize"] = true, ["printBackground"] = true, ["displayHeaderFooter"] = false }, session, cancellationToken);
                return Convert.FromBase64String((string)printed["data"]!);
            }
            finally
            {
                if (Alive)
                {
                    try
                    {
                        await CallAsync("Target.closeTarget", new() { ["targetId"] = target }, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
                    }
                    catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                    {
                        log.LogWarning(e, "A printed document's tab did not close");
                    }
                }
            }
        }

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
