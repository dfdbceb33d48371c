using System.Diagnostics;
using System.Net;
using System.Text;

namespace FlexiSchooling.BrowserTests.Infrastructure;

/// <summary>The built application as its own process (`dotnet FlexiSchooling.Web.dll`, as deploy/Dockerfile runs it), its output kept.</summary>
public sealed class AppServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppServer(string url, Process process)
    {
        Url = url;
        _process = process;
    }

    public string Url { get; }

    public bool Running => !_process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AppServer Start(string url, string contentRoot, IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { typeof(Program).Assembly.Location, "--contentRoot", contentRoot, "--urls", url },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in settings)
        {
            info.Environment[name] = value;
        }

        var server = new AppServer(url, Process.Start(info)!);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient();
        // Four minutes: a server that migrates and seeds the demo first took over two once on two cores shared with the other
        // fixtures' servers and browsers (its demo seeded, it was starting Kestrel when two minutes ran out). A ready server
        // answers at once, so only a hung one waits this long.
        for (var i = 0; i < 960; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The application at {Url} exited:\n{Output}");
            }

            try
            {
                var status = (await http.GetAsync(Url + "/health/ready")).StatusCode;
                if (status == HttpStatusCode.OK)
                {
                    return;
                }

                if (status == HttpStatusCode.BadRequest)
                {
                    // Not a start that needs longer: the host it was asked by is not one it answers (Hosting:PublicUrl).
                    throw new InvalidOperationException($"The application at {Url} refused its readiness check (400):\n{Output}");
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The application at {Url} did not become ready:\n{Output}");
    }

    /// <summary>Stops it as a deploy does (SIGTERM): it stops listening, finishes the requests it has and exits.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!)
            {
                await term.WaitForExitAsync();
            }

            using var within = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _process.WaitForExitAsync(within.Token);
        }
    }

    /// <summary>Stops it at once, as a machine that fails does: no graceful shutdown, requests in progress cut off.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
