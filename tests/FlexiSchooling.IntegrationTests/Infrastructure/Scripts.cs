using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>
/// The repository's bash scripts, run as an operator runs them, against folders made the way a user's are: a fresh
/// temporary folder is only its owner's (mode 700), like a clone in root's home (issue 16, "The two commands, from any
/// folder").
/// </summary>
public static class Scripts
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>A new folder only its owner can enter.</summary>
    public static string OwnerOnlyFolder(string prefix)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    }

    /// <summary>
    /// Deletes a folder the scripts used, and what its links lead to: as root, the cluster and its WAL archive are
    /// kept where the postgres user can reach them and linked from the folder (scripts/lib/common.sh, pg_reachable).
    /// </summary>
    public static void DeleteFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var link in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Where(f => f.LinkTarget is not null).ToList())
        {
            var target = link.ResolveLinkTarget(returnFinalTarget: true);
            if (target is DirectoryInfo { Exists: true } directory)
            {
                directory.Delete(recursive: true);
            }
        }

        Directory.Delete(folder, recursive: true);
    }

    public static async Task BashAsync(string script, ITestOutputHelper output)
    {
        var info = new ProcessStartInfo("bash", ["-c", $"set -euo pipefail; {script}"])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.WriteLine(await stdout);
        Assert.True(process.ExitCode == 0, $"{script}\nexit {process.ExitCode}\n{await stderr}\n{await stdout}");
    }

    /// <summary>
    /// The local cluster as scripts/run starts it in <paramref name="data"/> (<c>local_cluster_up</c>), holding the demo
    /// trusts copied from the test template; returns its local.env (PG_PORT, PG_SUPER, PG_OWNER, PG_APP).
    /// </summary>
    public static async Task<Dictionary<string, string>> LocalClusterWithDemoAsync(string data, ITestOutputHelper output)
    {
        // Failing, with what PostgreSQL said (its log is deleted with the test's folder).
        await BashAsync($". scripts/lib/common.sh && local_cluster_up '{data}' || {{ tail -20 \"$(readlink -f '{data}/postgres')/postgres.log\"; exit 1; }}", output);
        var env = File.ReadAllLines(Path.Combine(data, "local.env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        await DemoIntoAsync(env["PG_PORT"], env["PG_SUPER"], output);

        return env;
    }

    /// <summary>
    /// The demo trusts, copied from the test template, into the flexischooling database of the cluster on the port (its
    /// roles and database provisioned as <c>pg_provision</c> makes them), on loopback or on the host named.
    /// </summary>
    public static Task DemoIntoAsync(string port, string superPassword, ITestOutputHelper output) => DemoIntoAsync("127.0.0.1", port, superPassword, output);

    /// <inheritdoc cref="DemoIntoAsync(string, string, ITestOutputHelper)"/>
    public static async Task DemoIntoAsync(string host, string port, string superPassword, ITestOutputHelper output)
    {
        var source = await TestDatabase.CreateAsync();
        await using (TestDatabase.DroppedAtEnd(source))
        {
            await BashAsync($"PGPASSWORD='{Environment.GetEnvironmentVariable("FLEXI_TEST_PG_SUPER")}' pg_dump -h 127.0.0.1 -p {Environment.GetEnvironmentVariable("FLEXI_TEST_PG_PORT")} -U postgres -d {source} "
                + $"| PGPASSWORD='{superPassword}' psql -q -v ON_ERROR_STOP=1 -h {host} -p {port} -U postgres -d flexischooling >/dev/null", output);
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlexiSchooling.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (FlexiSchooling.sln) was not found above the test binaries.");
    }
}
