using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Pupils;

namespace FlexiSchooling.Domain.Tests;

/// <summary>Issue 13: what Today, the trust dashboard and the governors' report count — one set of rules for all three.</summary>
public sealed class CaseWatchTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    [Fact]
    public void Review_overdue_is_a_scheduled_review_not_held_after_its_date_and_due_soon_is_the_next_fourteen_days()
    {
        Assert.True(CaseWatch.ReviewOverdue(ReviewKind.Scheduled, Today.AddDays(-1), null, Today));
        Assert.False(CaseWatch.ReviewOverdue(ReviewKind.Scheduled, Today, null, Today));
        Assert.False(CaseWatch.ReviewOverdue(ReviewKind.Scheduled, Today.AddDays(-1), Today, Today)); // held
        Assert.False(CaseWatch.ReviewOverdue(ReviewKind.Formal, Today.AddDays(-1), null, Today)); // a formal review is "open", not overdue
        Assert.True(CaseWatch.ReviewDueSoon(ReviewKind.Scheduled, Today, null, Today));
        Assert.True(CaseWatch.ReviewDueSoon(ReviewKind.Scheduled, Today.AddDays(14), null, Today));
        Assert.False(CaseWatch.ReviewDueSoon(ReviewKind.Scheduled, Today.AddDays(15), null, Today));
        Assert.True(CaseWatch.FormalReviewOpen(ReviewKind.Formal, null));
        Assert.False(CaseWatch.FormalReviewOpen(ReviewKind.Formal, Today));
    }

    [Fact]
    public void Review_held_on_time_is_held_on_or_before_its_date()
    {
        Assert.True(CaseWatch.ReviewHeldOnTime(ReviewKind.Scheduled, Today, Today));
        Assert.False(CaseWatch.ReviewHeldOnTime(ReviewKind.Scheduled, Today, Today.AddDays(1)));
        Assert.False(CaseWatch.ReviewHeldOnTime(ReviewKind.Scheduled, Today, null));
    }

    [Fact]
    public void Part_time_past_end_and_ending_soon_split_at_today()
    {
        Assert.True(CaseWatch.PartTimePastEnd(Today.AddDays(-1), Today));
        Assert.False(CaseWatch.PartTimePastEnd(Today, Today));
        Assert.True(CaseWatch.PartTimeEndingSoon(Today, Today));
        Assert.True(CaseWatch.PartTimeEndingSoon(Today.AddDays(14), Today));
        Assert.False(CaseWatch.PartTimeEndingSoon(Today.AddDays(15), Today));
    }

    [Fact]
    public void Running_on_a_day_is_from_the_start_to_the_last_day_inclusive()
    {
        Assert.True(CaseWatch.RunningOn(Today, null, Today));
        Assert.False(CaseWatch.RunningOn(Today.AddDays(1), null, Today));
        Assert.False(CaseWatch.RunningOn(null, null, Today));
        Assert.True(CaseWatch.RunningOn(Today.AddDays(-10), Today, Today));
        Assert.False(CaseWatch.RunningOn(Today.AddDays(-10), Today.AddDays(-1), Today));
    }

    [Fact]
    public void Vulnerable_groups_match_the_same_pupils_in_memory_and_in_the_database_expression()
    {
        var flags = new[]
        {
            PupilFlags.None,
            PupilFlags.None with { Ehcp = true },
            PupilFlags.None with { LookedAfter = true },
            PupilFlags.None with { ChildProtectionPlan = true },
            PupilFlags.None with { ChildInNeedPlan = true },
            PupilFlags.None with { FreeSchoolMeals = true },
            PupilFlags.None with { SenSupport = true, PupilPremium = true },
        };
        foreach (var group in VulnerableGroups.All)
        {
            var expression = VulnerableGroups.Where(group).Compile();
            foreach (var f in flags)
            {
                var pupil = new Pupil(Guid.NewGuid(), Upns.Create("201234567890"), "Ada", "Lovelace", new(2015, 1, 1), 5, new(2020, 9, 1));
                pupil.SetFlags(f);
                Assert.Equal(VulnerableGroups.Matches(group, f), expression(pupil));
            }
        }

        Assert.True(VulnerableGroups.Matches(VulnerableGroup.ChildProtectionOrInNeedPlan, PupilFlags.None with { ChildInNeedPlan = true }));
        Assert.False(VulnerableGroups.Matches(VulnerableGroup.Ehcp, PupilFlags.None with { SenSupport = true }));
    }
}
