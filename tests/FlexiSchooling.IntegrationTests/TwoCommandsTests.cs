using System.Diagnostics;
using System.Net;
using System.Text;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Testing;
using Xunit.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// Issue 16, "The two commands, from any folder": scripts/run, with its data in a folder only its owner can enter (a
/// clone in root's home), starts its own PostgreSQL, migrates, seeds, prints the logins and serves — and Ctrl+C stops
/// the cluster with it. Run as root (as CI runs) this is the case that once failed at initdb. scripts/test's own
/// cluster is made in /tmp; CI runs the whole suite from a fresh clone (docs/operations.md).
/// </summary>
public sealed class TwoCommandsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Scripts.OwnerOnlyFolder("flexi-run-");

    public void Dispose() => Scripts.DeleteFolder(_data);

    [Fact]
    public async Task Scripts_run_serves_the_demo_from_a_folder_only_its_owner_can_enter()
    {
        var port = LoopbackPort.Free();
        var info = new ProcessStartInfo("setsid", ["bash", "scripts/run", "--no-build"])
        {
            WorkingDirectory = Scripts.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["FLEXI_DATA"] = _data;
        info.Environment["PORT"] = port.ToString();
        info.Environment.Remove("ConnectionStrings__App");
        info.Environment.Remove("ConnectionStrings__Owner");
        var log = new StringBuilder();
        var running = new TaskCompletionSource();
        using var process = new Process { StartInfo = info };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data.Contains("FlexiSchooling is running at", StringComparison.Ordinal))
            {
                running.TrySetResult();
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var started = await Task.WhenAny(running.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(4)));
            Assert.True(running.Task.IsCompleted, $"scripts/run did not start serving:\n{log}");

            using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
            var signIn = await http.GetStringAsync("/Account/Login");
            Assert.Contains("Sign in", signIn);
            Assert.Contains("Demo logins", log.ToString());
            Assert.Contains("head@ashby.demo.flexischooling.example", log.ToString());
        }
        finally
        {
            // Ctrl+C, as a person stops it: the whole process group.
            using (var kill = Process.Start("kill", ["-INT", "--", $"-{process.Id}"]))
            {
                await kill.WaitForExitAsync();
            }

            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(stopping.Token);
            output.WriteLine(log.ToString());
        }

        // The trap stopped the cluster with the app.
        Assert.False(File.Exists(Path.Combine(_data, "postgres", "data", "postmaster.pid")), "the cluster is still running after Ctrl+C");
    }
}
