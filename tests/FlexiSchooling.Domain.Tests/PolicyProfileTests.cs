using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.Tests;

public sealed class PolicyProfileTests
{
    [Fact]
    public void Five_templates_one_per_source_policy()
    {
        Assert.Equal(5, PolicyTemplates.All.Count);
        Assert.Equal(["000", "001", "002", "003", "004"], PolicyTemplates.All.Select(t => t.SourcePolicy[..3]).Order());
    }

    [Fact]
    public void Every_template_cites_a_source_for_every_setting()
    {
        Assert.True(SettingPaths.All.Count >= 30, "the settings walk found too few settings");
        foreach (var template in PolicyTemplates.All)
        {
            foreach (var path in SettingPaths.All)
            {
                Assert.False(string.IsNullOrWhiteSpace(template.SourceOf(path)), $"{template.Key} has no source for {path}");
            }
        }
    }

    [Fact]
    public void Every_template_is_coherent()
    {
        foreach (var template in PolicyTemplates.All)
        {
            Assert.Empty(template.Settings.Problems());
        }
    }

    [Theory]
    [InlineData(PolicyTemplates.Ddat, 97, 2, null)]
    [InlineData(PolicyTemplates.Hinckley, 95, 2, null)]
    [InlineData(PolicyTemplates.Emet, null, 4, 4)]
    public void Flexi_thresholds_and_notice_follow_the_policy(string key, int? threshold, int schoolNotice, int? parentNotice)
    {
        var flexi = PolicyTemplates.Get(key).Settings.Flexi;
        Assert.Equal(threshold, (int?)flexi.FormalReviewBelowPercent);
        Assert.Equal(schoolNotice, flexi.SchoolNoticeWeeks);
        Assert.Equal(parentNotice, flexi.ParentNoticeWeeks);
    }

    [Fact]
    public void Oswald_road_decides_within_five_working_days()
    {
        Assert.Equal(5, PolicyTemplates.Get(PolicyTemplates.OswaldRoad).Settings.Flexi.DecisionDeadlineWorkingDays);
    }

    [Fact]
    public void Emet_refuses_a_second_request_in_the_same_year_and_ap_leader_approves_part_time()
    {
        var emet = PolicyTemplates.Get(PolicyTemplates.Emet).Settings;
        Assert.True(emet.Flexi.OneRequestPerAcademicYear);
        Assert.Equal(PartTimeApprover.AlternativeProvisionLeader, emet.PartTime.Approver);
    }

    [Fact]
    public void Hinckley_limits_reduced_timetables_to_twelve_weeks_reviewed_fortnightly_with_four_waves()
    {
        var hinckley = PolicyTemplates.Get(PolicyTemplates.Hinckley).Settings;
        Assert.Equal(12, hinckley.PartTime.MaxWeeks);
        Assert.Equal(ReviewCadence.Fortnightly, hinckley.PartTime.ReviewCadence);
        Assert.Equal([96m, 95m, 93m, 90m], hinckley.Attendance.Waves.Select(w => w.ThresholdPercent));
        Assert.True(hinckley.Attendance.Waves[3].Applies(90m));
        Assert.False(hinckley.Attendance.Waves[2].Applies(93m));
        Assert.Equal(new TimeOnly(8, 50), hinckley.Registers.AmCloses);
    }

    [Fact]
    public void Register_may_not_stay_open_longer_than_thirty_minutes()
    {
        var settings = PolicyTemplates.Get(PolicyTemplates.Ddat).Settings;
        var tooLong = settings with { Registers = settings.Registers with { OpenMinutes = 31 } };
        var e = Assert.Throws<DomainRuleException>(() => NewVersion(null, 1, tooLong, new(2025, 9, 1)));
        Assert.Equal("policy-profile-coherent", e.Rule);
    }

    [Fact]
    public void Full_time_hours_by_key_stage()
    {
        var hours = PolicyTemplates.Get(PolicyTemplates.Hinckley).Settings.FullTimeHours;
        Assert.Equal(21m, hours.For(2));
        Assert.Equal(23.5m, hours.For(5));
        Assert.Equal(24m, hours.For(8));
        Assert.Equal(24m, hours.For(10));
        Assert.Equal(25m, hours.For(11));
        Assert.Null(hours.For(0));
    }

    [Fact]
    public void School_override_wins_over_trust_default_once_effective()
    {
        var school = Guid.NewGuid();
        var trustV1 = NewVersion(null, 1, PolicyTemplates.Get(PolicyTemplates.Ddat).Settings, new(2025, 9, 1));
        var schoolV1 = NewVersion(school, 1, PolicyTemplates.Get(PolicyTemplates.Hinckley).Settings, new(2026, 1, 5));
        var versions = new[] { trustV1, schoolV1 };
        Assert.Same(trustV1, PolicyProfileVersion.InForce(versions, school, new DateOnly(2025, 12, 1)));
        Assert.Same(schoolV1, PolicyProfileVersion.InForce(versions, school, new DateOnly(2026, 1, 5)));
        Assert.Same(trustV1, PolicyProfileVersion.InForce(versions, Guid.NewGuid(), new DateOnly(2026, 1, 5)));
    }

    [Fact]
    public void Newest_effective_version_is_in_force_and_older_versions_stay_for_arrangements_approved_under_them()
    {
        var v1 = NewVersion(null, 1, PolicyTemplates.Get(PolicyTemplates.Ddat).Settings, new(2025, 9, 1));
        var v2 = NewVersion(null, 2, PolicyTemplates.Get(PolicyTemplates.Hinckley).Settings, new(2026, 9, 1));
        Assert.Same(v1, PolicyProfileVersion.InForce([v1, v2], Guid.NewGuid(), new DateOnly(2026, 8, 31)));
        Assert.Same(v2, PolicyProfileVersion.InForce([v1, v2], Guid.NewGuid(), new DateOnly(2026, 9, 1)));
    }

    [Fact]
    public void A_trust_without_a_default_profile_has_no_profile_in_force()
    {
        Assert.Throws<InvalidOperationException>(() => PolicyProfileVersion.InForce([], Guid.NewGuid(), new DateOnly(2026, 1, 1)));
    }

    [Fact]
    public void A_version_cannot_take_effect_before_it_is_approved()
    {
        var e = Assert.Throws<DomainRuleException>(() => new PolicyProfileVersion(null, 1, "k", "s", PolicyTemplates.All[0].Settings,
            new(2025, 9, 1), "Board", new(2025, 8, 1), new(2026, 9, 1), null));
        Assert.Equal("policy-profile-effective-after-approval", e.Rule);
    }

    internal static PolicyProfileVersion NewVersion(Guid? school, int number, PolicyProfileSettings settings, DateOnly effective) =>
        new(school, number, "test", "test policy", settings, effective.AddDays(-10), "Board", effective, effective.AddYears(1), null);
}
