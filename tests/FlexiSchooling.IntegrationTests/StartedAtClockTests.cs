using FlexiSchooling.Web.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// The browser tests' server can start its clock on a day of its own (<c>Testing:Clock</c>), so a journey fixed to the
/// demo's dates does not depend on the day the tests run; a server in any other environment never moves its clock.
/// </summary>
public sealed class StartedAtClockTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "FlexiSchooling.Web";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static IConfiguration Clock(string? at) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Testing:Clock"] = at }).Build();

    [Fact]
    public void The_testing_clock_starts_where_it_is_told_and_runs_on()
    {
        var time = StartedAtClock.For(new Environment("Testing"), Clock("2026-12-01T10:00:00Z"));
        var first = time.GetUtcNow();
        Assert.InRange(first, new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 10, 1, 0, TimeSpan.Zero));
        Thread.Sleep(20);
        Assert.True(time.GetUtcNow() > first);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    [InlineData("Benchmark")]
    public void Only_the_testing_environment_moves_the_clock(string environment)
    {
        Assert.Same(TimeProvider.System, StartedAtClock.For(new Environment(environment), Clock("2026-12-01T10:00:00Z")));
        Assert.Same(TimeProvider.System, StartedAtClock.For(new Environment("Testing"), Clock(null)));
    }
}
