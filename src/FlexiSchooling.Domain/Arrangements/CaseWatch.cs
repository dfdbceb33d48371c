using System.Linq.Expressions;
using FlexiSchooling.Domain.Pupils;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>
/// What the trust watches across its cases (issue 13): a review overdue or due soon, a review held on time, a part-time
/// timetable past or near its end, a case in progress. One place, read by each person's Today, the trust dashboard and
/// the governors' termly report, so the three never count differently.
/// </summary>
public static class CaseWatch
{
    /// <summary>"Due soon" on Today and the dashboard: within the next two weeks.</summary>
    public const int SoonDays = 14;

    /// <summary>A scheduled review not yet held whose date has passed (000 §7, 003 §7, 004 §10: reviews on their cadence).</summary>
    public static bool ReviewOverdue(ReviewKind kind, DateOnly dueOn, DateOnly? heldOn, DateOnly today) =>
        kind == ReviewKind.Scheduled && heldOn is null && dueOn < today;

    /// <summary>A scheduled review not yet held, due today or within <see cref="SoonDays"/>.</summary>
    public static bool ReviewDueSoon(ReviewKind kind, DateOnly dueOn, DateOnly? heldOn, DateOnly today) =>
        kind == ReviewKind.Scheduled && heldOn is null && dueOn >= today && dueOn <= today.AddDays(SoonDays);

    /// <summary>A scheduled review held on or before its date.</summary>
    public static bool ReviewHeldOnTime(ReviewKind kind, DateOnly dueOn, DateOnly? heldOn) =>
        kind == ReviewKind.Scheduled && heldOn is { } held && held <= dueOn;

    /// <summary>A formal review raised and not yet held (000 §7: the trigger has fired; someone must act).</summary>
    public static bool FormalReviewOpen(ReviewKind kind, DateOnly? heldOn) => kind == ReviewKind.Formal && heldOn is null;

    /// <summary>003 Reduced Timetable Protocol: a part-time timetable is time limited; past its end date the pupil should be back full time.</summary>
    public static bool PartTimePastEnd(DateOnly planEnd, DateOnly today) => planEnd < today;

    /// <summary>A part-time timetable ending today or within <see cref="SoonDays"/>: the return to full time is to plan.</summary>
    public static bool PartTimeEndingSoon(DateOnly planEnd, DateOnly today) => planEnd >= today && planEnd <= today.AddDays(SoonDays);

    /// <summary>A case asked for or proposed and not yet started or closed.</summary>
    public static bool InProgress(ArrangementStage stage) =>
        stage is ArrangementStage.Requested or ArrangementStage.MeetingHeld or ArrangementStage.Proposed or ArrangementStage.Agreed;

    /// <summary>
    /// Whether a case was running on a day: started on or before it and not yet past its last day. An ended case keeps its
    /// start and its last day (<c>EndsOn</c>), so the arrangements over time are drawn from the cases themselves.
    /// </summary>
    public static bool RunningOn(DateOnly? startedOn, DateOnly? endsOn, DateOnly day) =>
        startedOn is { } start && start <= day && (endsOn is null || endsOn >= day);
}

/// <summary>The vulnerable groups the trust's lists filter by (issue 13): EHCP, looked after, a CP or CIN plan, free school meals.</summary>
public enum VulnerableGroup
{
    Ehcp,
    LookedAfter,
    ChildProtectionOrInNeedPlan,
    FreeSchoolMeals,
}

public static class VulnerableGroups
{
    public static IReadOnlyList<VulnerableGroup> All { get; } = Enum.GetValues<VulnerableGroup>();

    public static string Label(VulnerableGroup group) => group switch
    {
        VulnerableGroup.Ehcp => "EHCP",
        VulnerableGroup.LookedAfter => "Looked after",
        VulnerableGroup.ChildProtectionOrInNeedPlan => "CP or CIN plan",
        VulnerableGroup.FreeSchoolMeals => "Free school meals",
    };

    /// <summary>The group as a predicate over a pupil's facts; the one definition, for lists in memory.</summary>
    public static bool Matches(VulnerableGroup group, PupilFlags flags) => group switch
    {
        VulnerableGroup.Ehcp => flags.Ehcp,
        VulnerableGroup.LookedAfter => flags.LookedAfter,
        VulnerableGroup.ChildProtectionOrInNeedPlan => flags.ChildProtectionPlan || flags.ChildInNeedPlan,
        VulnerableGroup.FreeSchoolMeals => flags.FreeSchoolMeals,
    };

    /// <summary>The same predicate for the database (the pupils the attendance figures are summed over); a test holds the two equal.</summary>
    public static Expression<Func<Pupil, bool>> Where(VulnerableGroup group) => group switch
    {
        VulnerableGroup.Ehcp => p => p.Flags.Ehcp,
        VulnerableGroup.LookedAfter => p => p.Flags.LookedAfter,
        VulnerableGroup.ChildProtectionOrInNeedPlan => p => p.Flags.ChildProtectionPlan || p.Flags.ChildInNeedPlan,
        VulnerableGroup.FreeSchoolMeals => p => p.Flags.FreeSchoolMeals,
    };
}
