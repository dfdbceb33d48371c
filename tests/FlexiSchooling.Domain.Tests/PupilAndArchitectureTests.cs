using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;

namespace FlexiSchooling.Domain.Tests;

public sealed class PupilAndArchitectureTests
{
    [Fact]
    public void Domain_references_neither_entity_framework_nor_aspnet()
    {
        var references = typeof(Pupil).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Npgsql", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("A801200001001")]
    public void Upn_check_letter_round_trips(string sample)
    {
        var created = Upns.Create(sample[1..]);
        Assert.True(Upns.IsValid(created));
        var tampered = created[..12] + (created[12] == '1' ? '2' : '1');
        Assert.False(Upns.IsValid(tampered));
    }

    [Fact]
    public void Pupil_with_invalid_upn_is_refused()
    {
        var e = Assert.Throws<DomainRuleException>(() => new Pupil(Guid.NewGuid(), "X123", "Ada", "Lovelace", new(2015, 1, 1), 5, new(2020, 9, 1)));
        Assert.Equal("pupil-upn", e.Rule);
    }

    [Fact]
    public void Leaving_date_cannot_precede_admission()
    {
        var pupil = new Pupil(Guid.NewGuid(), Upns.Create("801200001001"), "Ada", "Lovelace", new(2015, 1, 1), 5, new(2020, 9, 1));
        var e = Assert.Throws<DomainRuleException>(() => pupil.SetRoll(new(2020, 9, 1), new(2020, 8, 1)));
        Assert.Equal("pupil-leaving-after-admission", e.Rule);
    }

    [Fact]
    public void Pupil_can_only_join_a_group_of_their_own_school()
    {
        var pupil = new Pupil(Guid.NewGuid(), Upns.Create("801200001001"), "Ada", "Lovelace", new(2015, 1, 1), 5, new(2020, 9, 1));
        var e = Assert.Throws<DomainRuleException>(() => pupil.PlaceInGroup(new RegistrationGroup(Guid.NewGuid(), "5A", 5), 5));
        Assert.Equal("pupil-group-same-school", e.Rule);
    }

    [Theory]
    [InlineData(0, KeyStage.EarlyYears)]
    [InlineData(2, KeyStage.KS1)]
    [InlineData(6, KeyStage.KS2)]
    [InlineData(9, KeyStage.KS3)]
    [InlineData(11, KeyStage.KS4)]
    [InlineData(12, KeyStage.KS5)]
    public void Key_stage_from_year_group(int year, KeyStage expected) => Assert.Equal(expected, YearGroups.KeyStageOf(year));

    [Fact]
    public void Trust_admin_and_governors_see_no_pupils_and_governors_read_the_termly_report()
    {
        Assert.False(RolePermissions.Grants(StaffRole.TrustAdmin, Permission.ViewPupils));
        Assert.False(RolePermissions.Grants(StaffRole.Governor, Permission.ViewPupils)); // issue 12: the direction "and nothing more"
        Assert.True(RolePermissions.Grants(StaffRole.Governor, Permission.ReadGovernorsReport));
        Assert.True(RolePermissions.Grants(StaffRole.Governor, Permission.ApproveOffSiteDirections));
        Assert.False(RolePermissions.Grants(StaffRole.Governor, Permission.EditPupils));
        Assert.True(RolePermissions.Grants(StaffRole.TrustLead, Permission.ViewAudit));
        Assert.False(RolePermissions.Grants(StaffRole.Headteacher, Permission.ViewAudit));
    }

    [Fact]
    public void Academic_year_runs_september_to_august()
    {
        Assert.Equal(new AcademicYear(2025), AcademicYear.Containing(new DateOnly(2026, 8, 31)));
        Assert.Equal(new AcademicYear(2026), AcademicYear.Containing(new DateOnly(2026, 9, 1)));
        Assert.Equal("2026/27", new AcademicYear(2026).ToString());
    }

    [Fact]
    public void London_clock_reads_the_injected_time_provider()
    {
        // 23:30 UTC on 30 June is 00:30 BST on 1 July in London.
        var time = new FixedTime(new DateTimeOffset(2026, 6, 30, 23, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateOnly(2026, 7, 1), LondonClock.Today(time));
    }

    [Fact]
    public void Keys_are_version_7_guids_stamped_with_their_time_to_the_millisecond()
    {
        var at = new DateTimeOffset(2026, 9, 1, 8, 45, 12, 345, TimeSpan.Zero);
        foreach (var key in Enumerable.Range(0, 600).Select(_ => Ids.New(at))) // more than one buffer's worth (256 keys)
        {
            Assert.Equal(7, key.Version);
            Assert.Equal(0b10, key.Variant >> 2); // RFC 9562's variant: the top two bits of the ninth byte are 10
            // The first 48 bits are the Unix milliseconds, as Guid.CreateVersion7 writes them.
            Assert.Equal(Guid.CreateVersion7(at).ToString()[..13], key.ToString()[..13]);
        }

        Assert.True(Ids.New(at.AddMilliseconds(1)).CompareTo(Ids.New(at)) > 0, "a later key sorts after an earlier one");
    }

    [Fact]
    public void Keys_are_unique_across_buffer_refills_and_threads()
    {
        var keys = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        var at = DateTimeOffset.UtcNow; // one millisecond for all: only the random bits tell them apart
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                keys.Add(Ids.New(at));
            }
        });
        Assert.Equal(20_000, keys.Distinct().Count());
    }

    [Fact]
    public void Every_key_is_made_by_Ids_so_none_costs_a_system_call()
    {
        var root = RepositoryRoot();
        var generator = Path.Combine(root.FullName, "src", "FlexiSchooling.Domain", "Common", "Ids.cs");
        var offenders = Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && f != generator)
            .Where(f => File.ReadAllText(f).Contains("Guid.CreateVersion7(", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root.FullName, f))
            .ToList();
        Assert.Empty(offenders);
    }

    /// <summary>
    /// The product reads the date and time only through its injected clock (pages, views, jobs): a test or the browser
    /// tests' server on a day of its own then sees every page on that day. Two pages' views once read the machine's clock
    /// and showed a parent's fresh link as expired to a server on another day. The exceptions: a key's timestamp (Ids, the
    /// moment it is made), the clock itself, and the reference cache's default when none is given.
    /// </summary>
    [Fact]
    public void The_product_reads_the_time_only_through_its_injected_clock()
    {
        var root = RepositoryRoot();
        string[] allowed = [
            Path.Combine("src", "FlexiSchooling.Domain", "Common", "Ids.cs"),
            Path.Combine("src", "FlexiSchooling.Web", "Infrastructure", "StartedAtClock.cs"),
            Path.Combine("src", "FlexiSchooling.Data", "Reference", "SchoolReferenceCache.cs"),
        ];
        string[] machineClock = ["DateTime.UtcNow", "DateTimeOffset.UtcNow", "DateTime.Now", "DateTimeOffset.Now", "DateTime.Today", "TimeProvider.System"];
        var offenders = new[] { "*.cs", "*.cshtml" }
            .SelectMany(pattern => Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), pattern, SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root.FullName, f))
            .Where(f => !allowed.Contains(f))
            .Where(f => machineClock.Any(File.ReadAllText(Path.Combine(root.FullName, f)).Contains))
            .ToList();
        Assert.Empty(offenders);
    }

    private static DirectoryInfo RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "FlexiSchooling.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("The repository root was not found above the test binaries.");
        }

        return root;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
