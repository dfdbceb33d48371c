using FlexiSchooling.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// The files an operator copies onto a machine as they are, where nothing else runs them: each read by the program that
/// will read it, which names any line it does not understand. (deploy/haproxy.cfg and deploy/keepalived.conf are run as
/// shipped by the browser tests' balancers.)
/// </summary>
public sealed class DeployFilesTests(ITestOutputHelper output)
{
    /// <summary>
    /// ADR 0051: Debian 12's keepalived.service has no Restart=, so a keepalived killed outright stays stopped, its
    /// address left on its machine (BalancerSplitTests starts it again as this drop-in has systemd do). systemd reads
    /// Debian's unit with the drop-in beside it as /etc/systemd/system/keepalived.service.d/restart.conf, and says
    /// nothing: a misspelt setting or value would be named on its error output (tried: <c>Restart=bogus</c>).
    /// </summary>
    [Fact]
    public async Task Keepalived_is_started_again_by_systemd_when_it_stops_unasked()
    {
        const string unit = "/lib/systemd/system/keepalived.service";
        Assert.True(File.Exists(unit), $"{unit} is missing: scripts/test installs Debian's keepalived.");
        var units = Directory.CreateTempSubdirectory("flexi-units-");
        try
        {
            File.Copy(unit, Path.Combine(units.FullName, "keepalived.service"));
            var dropIn = Path.Combine(units.CreateSubdirectory("keepalived.service.d").FullName, "restart.conf");
            File.Copy(Path.Combine(Scripts.RepositoryRoot, "deploy", "keepalived-restart.conf"), dropIn);

            // The folder first, then systemd's own (the trailing colon); anything it says fails the test.
            await Scripts.BashAsync(
                $"said=$(SYSTEMD_UNIT_PATH='{units.FullName}:' systemd-analyze verify '{units.FullName}/keepalived.service' 2>&1); [ -z \"$said\" ] || {{ echo \"$said\" >&2; exit 1; }}",
                output);
            Assert.Contains("Restart=on-failure", File.ReadAllLines(dropIn).Select(l => l.Trim()));
        }
        finally
        {
            units.Delete(recursive: true);
        }
    }
}
