using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.PartTime;

/// <summary>
/// One dated step of a part-time timetable: from <see cref="From"/> (until the next phase, or the plan's end) the pupil
/// is in school for these sessions (whole AM/PM blocks, <see cref="SessionPattern"/>) and this many hours a week. The
/// phases together are the reintegration plan: time in school increases until the pupil is back full time (003
/// Reduced Timetable Protocol, "time in school increases steadily and incrementally").
/// </summary>
public sealed record PartTimePhase(DateOnly From, int InSchool, decimal HoursInSchool)
{
    public SessionPattern Pattern => new(InSchool);
}

/// <summary>
/// The plan of a part-time (reduced) timetable: why (reasons from <see cref="PartTimeRules.Reasons"/>), the wider
/// support plan it is part of, the dated phases that return the pupil to full time, and the end date. It is drafted
/// while the case is proposed, frozen when approved, and its end date changes only by an extension
/// (<see cref="Extend"/>). One per case.
/// </summary>
public sealed class PartTimePlan : ISchoolOwned, ITrustStampable
{
    private List<string> _reasons = [];
    private List<PartTimePhase> _phases = [];

    private PartTimePlan() { }

    public Guid ArrangementId { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public IReadOnlyList<string> Reasons => _reasons;

    /// <summary>The wider support plan this timetable is part of (002 §4.2(6); 003; 004 §9.6).</summary>
    public string SupportPlan { get; private set; } = "";

    /// <summary>How the pupil returns to full time, in words, beside the phases.</summary>
    public string Reintegration { get; private set; } = "";

    /// <summary>Who is responsible for the pupil's welfare during the sessions out of school (003: "a written agreement … about who is responsible").</summary>
    public string WelfareResponsibility { get; private set; } = "";

    public DateOnly StartDate { get; private set; }

    public DateOnly EndDate { get; private set; }

    public IReadOnlyList<PartTimePhase> Phases => _phases;

    /// <summary>The end date as first approved; differs from <see cref="EndDate"/> after an extension.</summary>
    public DateOnly ApprovedEndDate { get; private set; }

    public string? ExtensionReason { get; private set; }

    public int Extensions { get; private set; }

    public uint Version { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>The phase in force on a date (the last one starting on or before it), or null before the plan starts.</summary>
    public PartTimePhase? PhaseOn(DateOnly date) => date < StartDate ? null : _phases.Where(p => p.From <= date).MaxBy(p => p.From);

    /// <summary>The last day of a phase: the day before the next one starts, or the plan's end.</summary>
    public DateOnly LastDayOf(PartTimePhase phase) =>
        _phases.Where(p => p.From > phase.From).Select(p => (DateOnly?)p.From.AddDays(-1)).Min() ?? EndDate;

    public static PartTimePlan Draft(Arrangement arrangement, PartTimeProposal proposal) => new PartTimePlan
    {
        ArrangementId = arrangement.Id,
        TrustId = arrangement.TrustId,
        SchoolId = arrangement.SchoolId,
    }.With(proposal);

    /// <summary>Redrafts the plan before it is approved (the checks of <see cref="PartTimeRules.CheckPlan"/> come first).</summary>
    public ArrangementEvent Redraft(Arrangement arrangement, PartTimeProposal proposal, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage != ArrangementStage.Proposed)
        {
            throw new DomainRuleException("part-time-plan-frozen", "The plan was approved: it changes only by an extension, at a review.");
        }

        With(proposal);
        return arrangement.Event("Plan redrafted", $"From {StartDate:d MMMM yyyy} to {EndDate:d MMMM yyyy}, {_phases.Count} phase{(_phases.Count == 1 ? "" : "s")}.", userId, now);
    }

    /// <summary>
    /// A later end date, agreed at a review for an exceptional reason by the profile's approver (003: "generally no more
    /// than twelve weeks"; issue 11: an extension only with a recorded exceptional reason, a review and the approver's
    /// agreement). The last phase runs on to the new end date.
    /// </summary>
    public ArrangementEvent Extend(Arrangement arrangement, DateOnly newEnd, string reason, ArrangementReview review, IEnumerable<Attendance.ExpectedMark> sessions, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage != ArrangementStage.Running)
        {
            throw new DomainRuleException("part-time-extend-running", "Only a running part-time timetable can be extended.");
        }

        if (!review.IsHeld || review.ArrangementId != arrangement.Id)
        {
            throw new DomainRuleException("part-time-extension-at-a-review", "An extension is agreed at a review: record the review first.", "ReviewId");
        }

        if (newEnd <= EndDate)
        {
            throw new DomainRuleException("part-time-extension-later", $"The new end date must be after the current one ({EndDate:d MMMM yyyy}).", "NewEndDate");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("part-time-extension-reason", "Record the exceptional reason for extending the timetable.", "Reason");
        }

        var previous = EndDate;
        foreach (var mark in sessions.Where(m => m.Source == PartTimeRules.SessionsSource && m.WithdrawnAt is null && m.To == previous))
        {
            mark.ExtendTo(newEnd); // the last phase's sessions out of school run on in the register
        }

        EndDate = newEnd;
        ExtensionReason = reason.Trim();
        Extensions++;
        return arrangement.Event("Part-time timetable extended", $"From {previous:d MMMM yyyy} to {newEnd:d MMMM yyyy}, agreed at the review held on {review.HeldOn:d MMMM yyyy}. {ExtensionReason}", userId, now);
    }

    /// <summary>
    /// A held review steps the plan up (issue 11: "a review moves the plan to its next phase"): from a date on or after
    /// the review and today, and not after the end date, the pupil is in school for more than the phase then in force —
    /// never less (003: "increases steadily and incrementally"). Later phases that would give no more than the step are
    /// superseded by it; the rest follow. The register follows from that date: the sessions out of school before it are
    /// kept, those after it are placed again phase by phase. The whole plan is checked again as at approval.
    /// </summary>
    public (ArrangementEvent Event, IReadOnlyList<Attendance.ExpectedMark> Placed) StepUp(
        Arrangement arrangement, ArrangementReview review, PartTimePhase step, int yearGroup, Policy.PartTimeSettings settings, Policy.FullTimeHours fullTime,
        DateOnly dateOfBirth, IEnumerable<Attendance.ExpectedMark> sessions, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage != ArrangementStage.Running || arrangement.StartedOn is not { } started)
        {
            throw new DomainRuleException("part-time-step-up-running", "Only a running part-time timetable is stepped up.");
        }

        if (!review.IsHeld || review.ArrangementId != arrangement.Id)
        {
            throw new DomainRuleException("part-time-step-up-at-a-review", "A step up is agreed at a review: record the review first.", "ReviewId");
        }

        var earliest = new[] { today, review.HeldOn!.Value, started }.Max();
        if (step.From < earliest || step.From > EndDate)
        {
            throw new DomainRuleException("part-time-step-up-from", $"The step up starts between {earliest:d MMMM yyyy} and the end date, {EndDate:d MMMM yyyy}.", "From");
        }

        var current = PhaseOn(step.From.AddDays(-1)) ?? PhaseOn(step.From)!;
        if (step.HoursInSchool < current.HoursInSchool || step.Pattern.SchoolSessions < current.Pattern.SchoolSessions
            || (step.HoursInSchool == current.HoursInSchool && step.Pattern.SchoolSessions == current.Pattern.SchoolSessions))
        {
            throw new DomainRuleException("part-time-step-up-increases", $"A step up gives more time in school than now ({current.Pattern.SchoolSessions} sessions, {current.HoursInSchool:0.##} hours a week), never less.", "HoursInSchool");
        }

        List<PartTimePhase> phases =
        [
            .. _phases.Where(p => p.From < step.From),
            step,
            .. _phases.Where(p => p.From > step.From && (p.HoursInSchool > step.HoursInSchool || p.Pattern.SchoolSessions > step.Pattern.SchoolSessions)),
        ];
        PartTimeRules.CheckPlan(AsProposal(phases), yearGroup,
            Extensions > 0 ? settings with { MaxWeeks = null } : settings, fullTime); // an extended plan was agreed past the maximum

        foreach (var mark in sessions.Where(m => m.Source == PartTimeRules.SessionsSource && m.WithdrawnAt is null && m.To >= step.From))
        {
            mark.EndAfter(step.From.AddDays(-1), now);
        }

        _phases = phases;
        var placed = new List<Attendance.ExpectedMark>();
        foreach (var phase in _phases.Where(p => p.From >= step.From))
        {
            var last = arrangement.EndsOn is { } ends && ends < LastDayOf(phase) ? ends : LastDayOf(phase);
            if (last >= phase.From && phase.Pattern.OtherSessions > 0)
            {
                placed.AddRange(phase.Pattern.CoveredSessionsAsExpectedMarks(arrangement.SchoolId, arrangement.PupilId, phase.From, last,
                    PartTimeRules.NotAttendedCode(dateOfBirth, phase.From, settings), PartTimeRules.SessionsSource));
            }
        }

        var share = PartTimeRules.PercentOfFullTime(step.HoursInSchool, yearGroup, fullTime) is { } pct ? $" ({pct:0.0}% of full time)" : "";
        return (arrangement.Event("Plan stepped up", $"From {step.From:d MMMM yyyy}: {step.Pattern.Describe()}, {step.HoursInSchool:0.##} hours a week{share}; agreed at the review held on {review.HeldOn:d MMMM yyyy}.", userId, now), placed);
    }

    /// <summary>The plan as a proposal, to check it again (at approval, or with new phases at a step up).</summary>
    public PartTimeProposal AsProposal(IReadOnlyList<PartTimePhase>? phases = null) => new(_reasons, SupportPlan, Reintegration, WelfareResponsibility, StartDate, EndDate, phases ?? _phases);

    private PartTimePlan With(PartTimeProposal p)
    {
        _reasons = [.. p.Reasons.Distinct()];
        SupportPlan = p.SupportPlan.Trim();
        Reintegration = p.Reintegration.Trim();
        WelfareResponsibility = p.WelfareResponsibility.Trim();
        StartDate = p.StartDate;
        EndDate = p.EndDate;
        ApprovedEndDate = p.EndDate;
        _phases = [.. p.Phases.OrderBy(x => x.From)];
        return this;
    }
}

/// <summary>What a proposal or redraft of a part-time timetable gives, before <see cref="PartTimeRules.CheckPlan"/>.</summary>
public sealed record PartTimeProposal(
    IReadOnlyList<string> Reasons,
    string SupportPlan,
    string Reintegration,
    string WelfareResponsibility,
    DateOnly StartDate,
    DateOnly EndDate,
    IReadOnlyList<PartTimePhase> Phases);
