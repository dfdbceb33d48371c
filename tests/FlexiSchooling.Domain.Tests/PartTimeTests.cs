using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.PartTime;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.RiskAssessments;
using FlexiSchooling.Domain.Security;

namespace FlexiSchooling.Domain.Tests;

/// <summary>The rules of a part-time (reduced) timetable (issue 11), each named after the rule it proves.</summary>
public sealed class PartTimeTests
{
    private static readonly Guid School = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Monday6January = new(2025, 1, 6);

    private static PolicyProfileSettings Profile(string template) => PolicyTemplates.Get(template).Settings;

    private static SchoolCalendar Spring2025() => new(
        [new Term(School, "Spring 2025", new(2025, 1, 6), new(2025, 4, 4), new(2025, 2, 17), new(2025, 2, 21))],
        [],
        BankHolidayFeed.Shipped().Select(b => b.Date));

    private static SessionPattern Mornings => SessionPattern.Of(SessionPattern.Weekdays.Select(d => (d, Session.AM)));

    private static SessionPattern AllButFridayAfternoon => SessionPattern.Of(SessionPattern.Weekdays.SelectMany(d => new[] { (d, Session.AM), (d, Session.PM) }).Where(s => s != (DayOfWeek.Friday, Session.PM)));

    private static PartTimeProposal Plan(DateOnly start, DateOnly end, params PartTimePhase[] phases) => new(
        ["reintegration"], "Pastoral support plan with the school counsellor", "Mornings, then all but Friday afternoon", "Parent at home; daily call from the head of year",
        start, end, phases.Length > 0 ? phases : [new PartTimePhase(start, Mornings.Bits, 12m), new PartTimePhase(start.AddDays(28), AllButFridayAfternoon.Bits, 21m)]);

    private static DomainRuleException Refused(Action action) => Assert.Throws<DomainRuleException>(action);

    [Fact]
    public void Worked_example_2_a_hinckley_timetable_from_6_january_ends_by_the_twelve_week_limit_and_is_reviewed_fortnightly()
    {
        // domain.md worked example 2 (003 Reduced Timetable Protocol: "no more than twelve weeks"; appendix 1: reviews fortnightly).
        var hinckley = Profile(PolicyTemplates.Hinckley);
        Assert.Equal(new DateOnly(2025, 3, 30), PartTimeRules.LatestEndDate(Monday6January, hinckley.PartTime));
        PartTimeRules.CheckPlan(Plan(Monday6January, new DateOnly(2025, 3, 28)), 9, hinckley.PartTime, hinckley.FullTimeHours);

        var thirteenWeeks = Refused(() => PartTimeRules.CheckPlan(Plan(Monday6January, Monday6January.AddDays((7 * 13) - 1)), 9, hinckley.PartTime, hinckley.FullTimeHours));
        Assert.Equal(("part-time-at-most-max-weeks", "EndDate"), (thirteenWeeks.Rule, thirteenWeeks.Field));
        Assert.Contains("the latest end date is 30 March 2025", thirteenWeeks.Message, StringComparison.Ordinal);
        Assert.Contains("extension", thirteenWeeks.Message, StringComparison.Ordinal);

        Assert.Equal(ReviewCadence.Fortnightly, CaseRules.ReviewCadence(ArrangementKind.PartTimeTimetable, hinckley));
        Assert.Equal(new DateOnly(2025, 1, 20), CaseRules.NextReviewDue(Spring2025(), ArrangementKind.PartTimeTimetable, hinckley, Monday6January));
        Assert.Equal(new DateOnly(2025, 2, 3), CaseRules.NextReviewDue(Spring2025(), ArrangementKind.PartTimeTimetable, hinckley, new DateOnly(2025, 1, 20)));
        // 002 and 004 schools set no maximum and review at least half-termly.
        Assert.Null(PartTimeRules.LatestEndDate(Monday6January, Profile(PolicyTemplates.Emet).PartTime));
        Assert.Equal(ReviewCadence.HalfTermly, CaseRules.ReviewCadence(ArrangementKind.PartTimeTimetable, Profile(PolicyTemplates.OurLadyOfLourdes)));
    }

    [Fact]
    public void A_part_time_timetable_is_never_used_to_manage_behaviour()
    {
        // 002 §4: "A part-time timetable should not be used to manage a pupil's behaviour"; 004 §9.4.
        var p = Profile(PolicyTemplates.OurLadyOfLourdes);
        var behaviourOnly = Plan(Monday6January, new DateOnly(2025, 3, 28)) with { Reasons = [PartTimeRules.Behaviour] };
        Assert.Equal(("part-time-never-to-manage-behaviour", "Reasons"), (Refused(() => PartTimeRules.CheckPlan(behaviourOnly, 9, p.PartTime, p.FullTimeHours)) is var e ? (e.Rule, e.Field) : default));
        // Behaviour as an indicator beside a recorded need is allowed (004 §9.4).
        PartTimeRules.CheckPlan(behaviourOnly with { Reasons = [PartTimeRules.Behaviour, "emotional-social-send"] }, 9, p.PartTime, p.FullTimeHours);
        Assert.Equal("part-time-reason-from-list", Refused(() => PartTimeRules.CheckPlan(behaviourOnly with { Reasons = ["convenience"] }, 9, p.PartTime, p.FullTimeHours)).Rule);
        Assert.Equal("part-time-reason-from-list", Refused(() => PartTimeRules.CheckPlan(behaviourOnly with { Reasons = [] }, 9, p.PartTime, p.FullTimeHours)).Rule);
    }

    [Fact]
    public void A_plan_is_part_of_a_wider_support_plan_with_a_reintegration_plan_and_who_keeps_the_pupil_safe()
    {
        var p = Profile(PolicyTemplates.OurLadyOfLourdes);
        var plan = Plan(Monday6January, new DateOnly(2025, 3, 28));
        Assert.Equal("SupportPlan", Refused(() => PartTimeRules.CheckPlan(plan with { SupportPlan = " " }, 9, p.PartTime, p.FullTimeHours)).Field);
        Assert.Equal("Reintegration", Refused(() => PartTimeRules.CheckPlan(plan with { Reintegration = "" }, 9, p.PartTime, p.FullTimeHours)).Field);
        Assert.Equal("WelfareResponsibility", Refused(() => PartTimeRules.CheckPlan(plan with { WelfareResponsibility = "" }, 9, p.PartTime, p.FullTimeHours)).Field);
    }

    [Fact]
    public void A_plan_ending_before_it_starts_is_refused_at_the_end_date()
    {
        var p = Profile(PolicyTemplates.Emet);
        var e = Refused(() => PartTimeRules.CheckPlan(Plan(Monday6January, Monday6January.AddDays(-1), new PartTimePhase(Monday6January, Mornings.Bits, 12m)), 9, p.PartTime, p.FullTimeHours));
        Assert.Equal(("part-time-end-after-start", "EndDate"), (e.Rule, e.Field));
    }

    [Fact]
    public void Hours_in_school_are_never_above_full_time_for_the_key_stage_and_show_as_a_share_of_it()
    {
        // 003's full-time hours: KS1 21, KS2 23.5, KS3 and Y10 24, Y11 25.
        var p = Profile(PolicyTemplates.Hinckley);
        Assert.Equal(50.0m, PartTimeRules.PercentOfFullTime(12m, 9, p.FullTimeHours));
        Assert.Equal(48.0m, PartTimeRules.PercentOfFullTime(12m, 11, p.FullTimeHours));
        Assert.Equal(57.1m, PartTimeRules.PercentOfFullTime(12m, 2, p.FullTimeHours));
        Assert.Equal(51.1m, PartTimeRules.PercentOfFullTime(12m, 5, p.FullTimeHours));
        Assert.Null(PartTimeRules.PercentOfFullTime(12m, 0, p.FullTimeHours)); // no full-time figure for reception

        var above = Plan(Monday6January, new DateOnly(2025, 3, 28), new PartTimePhase(Monday6January, Mornings.Bits, 12m), new PartTimePhase(new DateOnly(2025, 2, 3), AllButFridayAfternoon.Bits, 24.5m));
        var e = Refused(() => PartTimeRules.CheckPlan(above, 9, p.PartTime, p.FullTimeHours));
        Assert.Equal(("part-time-not-above-full-time", "Phases[1].HoursInSchool"), (e.Rule, e.Field));
        Assert.Contains("above full time for Year 9 (24 hours)", e.Message, StringComparison.Ordinal);
        PartTimeRules.CheckPlan(above, 11, p.PartTime, p.FullTimeHours); // Year 11's full time is 25 hours
    }

    [Fact]
    public void Time_in_school_increases_from_phase_to_phase_from_the_start_date()
    {
        // 003: "preferably over a period in which the time in school increases steadily and incrementally".
        var p = Profile(PolicyTemplates.Hinckley);
        var falling = Plan(Monday6January, new DateOnly(2025, 3, 28), new PartTimePhase(Monday6January, AllButFridayAfternoon.Bits, 21m), new PartTimePhase(new DateOnly(2025, 2, 3), Mornings.Bits, 12m));
        Assert.Equal(("part-time-time-in-school-increases", "Phases[1].HoursInSchool"), Refused(() => PartTimeRules.CheckPlan(falling, 9, p.PartTime, p.FullTimeHours)) is var e ? (e.Rule, e.Field) : default);
        var late = Plan(Monday6January, new DateOnly(2025, 3, 28), new PartTimePhase(new DateOnly(2025, 1, 13), Mornings.Bits, 12m));
        Assert.Equal("part-time-first-phase-at-start", Refused(() => PartTimeRules.CheckPlan(late, 9, p.PartTime, p.FullTimeHours)).Rule);
        var fullTime = Plan(Monday6January, new DateOnly(2025, 3, 28), new PartTimePhase(Monday6January, SessionPattern.FullTime.Bits, 24m));
        Assert.Equal("part-time-phase-reduced", Refused(() => PartTimeRules.CheckPlan(fullTime, 9, p.PartTime, p.FullTimeHours)).Rule);
    }

    [Fact]
    public void A_part_time_timetable_is_approved_by_the_profiles_approver_the_ap_leader_at_emet_not_the_head_alone()
    {
        // 004 §9.5: "all part-time timetables must be approved by the Alternative Provision Leader"; 002 §4.4 and 003: the head.
        var emet = Profile(PolicyTemplates.Emet).PartTime;
        var hinckley = Profile(PolicyTemplates.Hinckley).PartTime;
        Assert.False(PartTimeRules.MayApprove([StaffRole.Headteacher], emet));
        Assert.True(PartTimeRules.MayApprove([StaffRole.AlternativeProvisionLeader], emet));
        Assert.True(PartTimeRules.MayApprove([StaffRole.Headteacher], hinckley));
        Assert.False(PartTimeRules.MayApprove([StaffRole.AlternativeProvisionLeader, StaffRole.DesignatedSafeguardingLead], hinckley));

        var proposed = Proposed();
        var e = Refused(() => PartTimeRules.CheckApproval(proposed, mayApprove: false, emet, DecisionOutcome.Agreed, null, Monday6January, Monday6January));
        Assert.Equal("part-time-approved-by-profile-approver", e.Rule);
        Assert.Contains("alternative provision leader (004 §9.5)", e.Message, StringComparison.Ordinal);
        Assert.Equal("part-time-decline-reason", Refused(() => PartTimeRules.CheckApproval(proposed, true, emet, DecisionOutcome.Declined, " ", Monday6January, Monday6January)).Rule);
        PartTimeRules.CheckApproval(proposed, true, emet, DecisionOutcome.Agreed, null, Monday6January, Monday6January);
        Assert.Equal("flexi-never-school-initiated", Refused(() => Arrangement.Propose(ArrangementKind.FlexiSchooling, School, Guid.NewGuid(), Monday6January, "A", "B", null, null, Now)).Rule);
    }

    [Fact]
    public void Gates_before_the_start_consent_in_writing_the_la_told_the_risk_assessment_approved_and_the_agreements_a_pupils_plans_need()
    {
        // 002 §4.2(1)(2); 003 (3)(4) and appendix 1; 004 §9.6.
        Assert.Equal(["Parent", "LocalAuthority"], PartTimeRules.Consents(PupilFlags.None).Select(c => c.Party.ToString()));
        var all = PupilFlags.None with { Ehcp = true, LookedAfter = true, HasSocialWorker = true };
        Assert.Equal([ConsentParty.Parent, ConsentParty.LocalAuthority, ConsentParty.LocalAuthoritySenTeam, ConsentParty.VirtualSchoolHead, ConsentParty.SocialWorker], PartTimeRules.Consents(all).Select(c => c.Party));

        var arrangement = Approved();
        var consents = new List<ArrangementConsent>();
        RiskAssessment? risk = null;
        IReadOnlyList<Gate> Gates() => PartTimeRules.StartGates(consents, risk, all);
        Assert.Equal(6, Gates().Count);
        Assert.All(Gates(), g => Assert.False(g.Met));

        var requirements = PartTimeRules.Consents(all);
        var minute = 0;
        ArrangementConsent Record(ConsentParty party, ConsentAnswer answer, Guid? evidence = null) =>
            ArrangementConsent.Record(arrangement, requirements.Single(r => r.Party == party), answer, Monday6January, "Named person", null, evidence, Monday6January, null, Now.AddMinutes(++minute)).Consent;

        // Consent is written: given without the signed form, it is refused at the evidence field.
        Assert.Equal(("consent-in-writing", "Evidence"), Refused(() => Record(ConsentParty.Parent, ConsentAnswer.Given)) is var e ? (e.Rule, e.Field) : default);
        Assert.Equal("consent-answer-fits", Refused(() => Record(ConsentParty.LocalAuthority, ConsentAnswer.Given)).Rule);
        consents.Add(Record(ConsentParty.Parent, ConsentAnswer.Refused));
        Assert.False(Gates()[0].Met); // a parent who refuses: the pupil stays full time
        consents.Add(Record(ConsentParty.Parent, ConsentAnswer.Given, Guid.NewGuid()));
        consents.Add(Record(ConsentParty.LocalAuthority, ConsentAnswer.Told));
        consents.Add(Record(ConsentParty.LocalAuthoritySenTeam, ConsentAnswer.Given));
        consents.Add(Record(ConsentParty.VirtualSchoolHead, ConsentAnswer.Given));
        consents.Add(Record(ConsentParty.SocialWorker, ConsentAnswer.Told));
        Assert.Equal(["The risk assessment approved"], Gates().Where(g => !g.Met).Select(g => g.Name));

        (risk, _) = RiskAssessment.Start(arrangement, RiskTemplates.For(ArrangementKind.PartTimeTimetable, PolicyTemplates.Hinckley), null, Now);
        Assert.False(Gates()[^1].Met);
        risk.Edit([.. risk.Rows.Select(r => r with { Controls = string.IsNullOrWhiteSpace(r.Controls) ? "Daily call; DSL informed" : r.Controls, Responsibility = string.IsNullOrWhiteSpace(r.Responsibility) ? "DSL" : r.Responsibility })]);
        risk.Submit(arrangement, Guid.NewGuid(), Now);
        risk.Approve(arrangement, null, Spring2025(), ReviewCadence.Fortnightly, Monday6January, Guid.NewGuid(), Now);
        Assert.All(Gates(), g => Assert.True(g.Met));
    }

    [Fact]
    public void Sessions_out_of_school_are_pre_filled_c2_phase_by_phase_and_x_below_compulsory_school_age()
    {
        // 002 §4.2(3); 003 appendix 1 item 5: "recorded as C2 on the registers even if the child completes work at home".
        var hinckley = Profile(PolicyTemplates.Hinckley);
        var arrangement = Approved();
        var plan = PartTimePlan.Draft(arrangement, Plan(Monday6January, new DateOnly(2025, 3, 28)));
        var start = PartTimeRules.Start(arrangement, plan, [], hinckley.PartTime, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now);
        Assert.Equal((ArrangementStage.Running, Monday6January), (arrangement.Stage, arrangement.StartedOn));
        Assert.All(start.ExpectedMarks, m => Assert.Equal(("C2", false, PartTimeRules.SessionsSource), (m.Code, m.ExpectedInSchool, m.Source)));
        Assert.Contains(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 1, 7), Session.PM)); // phase 1: afternoons out
        Assert.DoesNotContain(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 1, 7), Session.AM));
        Assert.DoesNotContain(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 2, 4), Session.PM)); // phase 2 from 3 February: only Friday afternoon out
        Assert.Contains(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 2, 7), Session.PM));
        Assert.DoesNotContain(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 3, 31), Session.PM)); // nothing after the end date
        Assert.Equal(new DateOnly(2025, 1, 20), start.FirstReview!.DueOn); // fortnightly

        // Compulsory school age (Education Act 1996 s8): the prescribed day on or after the fifth birthday.
        Assert.Equal(new DateOnly(2025, 12, 31), CompulsorySchoolAge.StartsOn(new DateOnly(2020, 10, 10)));
        Assert.Equal(new DateOnly(2025, 3, 31), CompulsorySchoolAge.StartsOn(new DateOnly(2020, 3, 31)));
        Assert.Equal("X", PartTimeRules.NotAttendedCode(new DateOnly(2020, 10, 10), Monday6January, hinckley.PartTime));
        Assert.Equal("C2", PartTimeRules.NotAttendedCode(new DateOnly(2019, 10, 10), Monday6January, hinckley.PartTime));
    }

    [Fact]
    public void Back_to_full_time_on_a_date_stops_the_expected_marks_and_records_the_outcome()
    {
        var arrangement = Approved();
        var plan = PartTimePlan.Draft(arrangement, Plan(Monday6January, new DateOnly(2025, 3, 28)));
        var start = PartTimeRules.Start(arrangement, plan, [], Profile(PolicyTemplates.Hinckley).PartTime, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now);
        Assert.Equal("end-outcome", Refused(() => PartTimeRules.ReturnToFullTime(arrangement, start.ExpectedMarks, new DateOnly(2025, 2, 10), " ", null, Now)).Rule);
        var ended = PartTimeRules.ReturnToFullTime(arrangement, start.ExpectedMarks, new DateOnly(2025, 2, 10), "Settled; full time agreed at the review", null, Now);
        Assert.Equal(("Back to full time", ArrangementStage.Ended, new DateOnly(2025, 2, 9)), (ended.What, arrangement.Stage, arrangement.EndsOn));
        Assert.DoesNotContain(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 2, 10), Session.PM) || m.Covers(new DateOnly(2025, 2, 14), Session.PM));
        Assert.Contains(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 2, 7), Session.PM));
    }

    [Fact]
    public void An_extension_needs_a_held_review_an_exceptional_reason_and_a_later_date_and_runs_the_last_phase_on()
    {
        var arrangement = Approved();
        var plan = PartTimePlan.Draft(arrangement, Plan(Monday6January, new DateOnly(2025, 3, 28)));
        var start = PartTimeRules.Start(arrangement, plan, [], Profile(PolicyTemplates.Hinckley).PartTime, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now);
        var review = start.FirstReview!;
        var newEnd = new DateOnly(2025, 4, 25);
        Assert.Equal("part-time-extension-at-a-review", Refused(() => plan.Extend(arrangement, newEnd, "Surgery delayed", review, start.ExpectedMarks, null, Now)).Rule);
        review.Hold(arrangement, new ReviewRecord(new DateOnly(2025, 1, 20), "Head of year, parent, pupil", "Attending every morning", false, "Pleased", "Finds afternoons tiring", ReviewOutcome.ContinueWithChanges, "Extend to after Easter", "Sarah Example"), 10, 10, new DateOnly(2025, 1, 20), null, Now);
        Assert.Equal("part-time-extension-reason", Refused(() => plan.Extend(arrangement, newEnd, " ", review, start.ExpectedMarks, null, Now)).Rule);
        Assert.Equal("part-time-extension-later", Refused(() => plan.Extend(arrangement, new DateOnly(2025, 3, 1), "r", review, start.ExpectedMarks, null, Now)).Rule);
        plan.Extend(arrangement, newEnd, "Surgery delayed; consultant's letter", review, start.ExpectedMarks, null, Now);
        Assert.Equal((newEnd, new DateOnly(2025, 3, 28), 1), (plan.EndDate, plan.ApprovedEndDate, plan.Extensions));
        Assert.Contains(start.ExpectedMarks, m => m.Covers(new DateOnly(2025, 4, 25), Session.PM)); // Friday afternoon of the last phase runs on
    }

    [Fact]
    public void A_review_steps_the_plan_up_from_a_date_with_more_time_in_school_and_the_register_follows()
    {
        // Issue 11: "a review moves the plan to its next phase"; 003: time in school "increases steadily and incrementally".
        var hinckley = Profile(PolicyTemplates.Hinckley);
        var arrangement = Approved();
        var plan = PartTimePlan.Draft(arrangement, Plan(Monday6January, new DateOnly(2025, 3, 28)));
        var start = PartTimeRules.Start(arrangement, plan, [], hinckley.PartTime, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now);
        var marks = start.ExpectedMarks.ToList();
        var review = start.FirstReview!;
        var monday27 = new DateOnly(2025, 1, 27);
        var step = new PartTimePhase(monday27, AllButFridayAfternoon.Bits, 21m);
        (ArrangementEvent, IReadOnlyList<ExpectedMark>) StepUp(PartTimePhase phase, DateOnly today) =>
            plan.StepUp(arrangement, review, phase, 9, hinckley.PartTime, hinckley.FullTimeHours, new DateOnly(2011, 5, 1), marks, today, null, Now);

        Assert.Equal("part-time-step-up-at-a-review", Refused(() => StepUp(step, new DateOnly(2025, 1, 20))).Rule);
        review.Hold(arrangement, new ReviewRecord(new DateOnly(2025, 1, 20), "Head of year, parent, pupil", "Every morning attended", false, "Pleased", "Ready for afternoons", ReviewOutcome.ContinueWithChanges, "Phase 2 a week early", "Sarah Example"), 10, 10, new DateOnly(2025, 1, 20), null, Now);
        Assert.Equal(("part-time-step-up-from", "From"), Refused(() => StepUp(step, new DateOnly(2025, 1, 28))) is var e ? (e.Rule, e.Field) : default); // not in the past
        Assert.Equal("part-time-step-up-from", Refused(() => StepUp(step with { From = new DateOnly(2025, 3, 31) }, new DateOnly(2025, 1, 21))).Rule); // not after the end
        Assert.Equal(("part-time-step-up-increases", "HoursInSchool"), Refused(() => StepUp(new PartTimePhase(monday27, Mornings.Bits, 12m), new DateOnly(2025, 1, 21))) is var f ? (f.Rule, f.Field) : default);
        Assert.Equal("part-time-not-above-full-time", Refused(() => StepUp(step with { HoursInSchool = 25m }, new DateOnly(2025, 1, 21))).Rule); // Year 9: 24 hours
        Assert.Equal(2, plan.Phases.Count); // nothing changed by a refusal

        var (stepped, placed) = StepUp(step, new DateOnly(2025, 1, 21));
        Assert.Equal("Plan stepped up", stepped.What);
        Assert.Contains("87.5% of full time", stepped.Detail, StringComparison.Ordinal);
        Assert.Equal([Monday6January, monday27], plan.Phases.Select(p => p.From)); // the 3 February phase is superseded by the step
        marks.AddRange(placed);
        bool Out(DateOnly day, Session session) => marks.Any(m => m.WithdrawnAt is null && m.Covers(day, session));
        Assert.True(Out(new DateOnly(2025, 1, 24), Session.PM)); // before the step: afternoons out of school, as they were
        Assert.False(Out(new DateOnly(2025, 1, 28), Session.PM)); // from the step: Tuesday afternoon in school
        Assert.True(Out(new DateOnly(2025, 1, 31), Session.PM)); // Friday afternoon still out, as C2
        Assert.True(Out(new DateOnly(2025, 3, 28), Session.PM));
        Assert.False(Out(new DateOnly(2025, 3, 31), Session.PM));
    }

    [Fact]
    public void Only_a_case_that_has_not_started_is_withdrawn_dated_and_with_its_reason()
    {
        // Issue 11: a parent who refuses consent, or a school that steps back before the start; a running case is ended.
        var arrangement = Approved();
        Assert.Equal(("withdraw-reason", "Reason"), Refused(() => arrangement.Withdraw(new DateOnly(2025, 1, 6), " ", new DateOnly(2025, 1, 6), null, Now)) is var e ? (e.Rule, e.Field) : default);
        Assert.Equal(("withdraw-date", "WithdrawnOn"), Refused(() => arrangement.Withdraw(new DateOnly(2025, 1, 7), "Parent refused consent", new DateOnly(2025, 1, 6), null, Now)) is var f ? (f.Rule, f.Field) : default);
        Assert.Equal("withdraw-date", Refused(() => arrangement.Withdraw(new DateOnly(2025, 1, 1), "Parent refused consent", new DateOnly(2025, 1, 6), null, Now)).Rule); // before it was opened

        var running = Approved();
        PartTimeRules.Start(running, PartTimePlan.Draft(running, Plan(Monday6January, new DateOnly(2025, 3, 28))), [], Profile(PolicyTemplates.Hinckley).PartTime, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now);
        Assert.Equal("withdraw-before-start", Refused(() => running.Withdraw(new DateOnly(2025, 1, 7), "Changed our minds", new DateOnly(2025, 1, 7), null, Now)).Rule);

        arrangement.Withdraw(new DateOnly(2025, 1, 6), "Parent refused consent", new DateOnly(2025, 1, 6), null, Now);
        Assert.Equal((ArrangementStage.Withdrawn, new DateOnly(2025, 1, 6)), (arrangement.Stage, arrangement.EndsOn));
    }

    [Fact]
    public void Only_a_running_arrangement_ends_and_never_before_it_started()
    {
        var agreed = Approved();
        Assert.Equal("end-running", Refused(() => agreed.End(new DateOnly(2025, 2, 7), "Outcome", "Ended", null, Now)).Rule);
        var plan = PartTimePlan.Draft(agreed, Plan(Monday6January, new DateOnly(2025, 3, 28)));
        var start = PartTimeRules.Start(agreed, plan, [], Profile(PolicyTemplates.Hinckley).PartTime, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now);
        Assert.Equal(("end-after-start", "LastDay"), Refused(() => agreed.End(new DateOnly(2025, 1, 3), "Outcome", "Ended", null, Now)) is var e ? (e.Rule, e.Field) : default);
        // The part-time page asks for the first day back: the refusal is shown at that field.
        Assert.Equal(("end-after-start", "FullTimeFrom"), Refused(() => PartTimeRules.ReturnToFullTime(agreed, start.ExpectedMarks, new DateOnly(2025, 1, 4), "Outcome", null, Now)) is var f ? (f.Rule, f.Field) : default);
    }

    [Fact]
    public void A_part_time_review_record_carries_the_parents_signature()
    {
        // 003 appendix 1 "Review Dates (Fortnightly)": date, who was present, what was agreed, the parent's signature.
        var arrangement = Approved();
        var plan = PartTimePlan.Draft(arrangement, Plan(Monday6January, new DateOnly(2025, 3, 28)));
        var review = PartTimeRules.Start(arrangement, plan, [], Profile(PolicyTemplates.Hinckley).PartTime, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now).FirstReview!;
        var unsigned = new ReviewRecord(new DateOnly(2025, 1, 20), "Head of year, parent, pupil", "Attending every morning", false, "Pleased", "Tired", ReviewOutcome.Continue, "Next phase from 3 February");
        Assert.Equal(("review-complete", "ParentSignedBy"), Refused(() => review.Hold(arrangement, unsigned, 10, 10, new DateOnly(2025, 1, 20), null, Now)) is var e ? (e.Rule, e.Field) : default);
        review.Hold(arrangement, unsigned with { ParentSignedBy = "Sarah Example" }, 10, 10, new DateOnly(2025, 1, 20), null, Now);
        Assert.Equal("Sarah Example", review.ParentSignedBy);
        Assert.False(ReviewWording.For(ArrangementKind.FlexiSchooling).AsksParentSignature);
    }

    [Fact]
    public void A_welfare_check_is_due_on_each_school_day_without_time_in_school_and_recorded_once_with_what_it_found()
    {
        // 004 §9.6: "where this is not the case … additional safety and welfare checks are made".
        var hinckley = Profile(PolicyTemplates.Hinckley).PartTime;
        var arrangement = Approved();
        var mondayToThursday = SessionPattern.Of(SessionPattern.Weekdays.Where(d => d != DayOfWeek.Friday).Select(d => (d, Session.AM)));
        var plan = PartTimePlan.Draft(arrangement, Plan(Monday6January, new DateOnly(2025, 3, 28), new PartTimePhase(Monday6January, mondayToThursday.Bits, 10m), new PartTimePhase(new DateOnly(2025, 2, 3), Mornings.Bits, 12m)));
        Assert.Empty(PartTimeRules.WelfareChecksDue(arrangement, plan, Spring2025(), hinckley, Monday6January, new DateOnly(2025, 1, 31))); // not started yet
        PartTimeRules.Start(arrangement, plan, [], hinckley, Spring2025(), new DateOnly(2011, 5, 1), Monday6January, Monday6January, null, Now);
        // The Fridays of the first phase only: from 3 February every day has a morning in school.
        Assert.Equal([new DateOnly(2025, 1, 10), new DateOnly(2025, 1, 17), new DateOnly(2025, 1, 24), new DateOnly(2025, 1, 31)],
            PartTimeRules.WelfareChecksDue(arrangement, plan, Spring2025(), hinckley, Monday6January, new DateOnly(2025, 2, 28)));
        var missing = PartTimeRules.MissingWelfareChecks(arrangement, plan, Spring2025(), hinckley, [new DateOnly(2025, 1, 10)], new DateOnly(2025, 1, 24));
        Assert.Equal([FollowUpKind.WelfareCheck, FollowUpKind.WelfareCheck], missing.Select(m => m.Kind));
        Assert.Contains("Due today", missing[^1].Why, StringComparison.Ordinal);

        Assert.Equal("welfare-check-due-day", Refused(() => WelfareCheck.Record(arrangement, due: false, false, new DateOnly(2025, 1, 9), WelfareCheckMethod.Phone, "Fine", new DateOnly(2025, 1, 10), null, Now)).Rule);
        Assert.Equal("welfare-check-once-a-day", Refused(() => WelfareCheck.Record(arrangement, true, alreadyRecorded: true, new DateOnly(2025, 1, 10), WelfareCheckMethod.Phone, "Fine", new DateOnly(2025, 1, 10), null, Now)).Rule);
        Assert.Equal("welfare-check-outcome", Refused(() => WelfareCheck.Record(arrangement, true, false, new DateOnly(2025, 1, 10), WelfareCheckMethod.Phone, " ", new DateOnly(2025, 1, 10), null, Now)).Rule);
        Assert.Equal("welfare-check-not-future", Refused(() => WelfareCheck.Record(arrangement, true, false, new DateOnly(2025, 1, 17), WelfareCheckMethod.Phone, "Fine", new DateOnly(2025, 1, 10), null, Now)).Rule);
        var (check, _) = WelfareCheck.Record(arrangement, true, false, new DateOnly(2025, 1, 10), WelfareCheckMethod.HomeVisit, "Seen at home; well", new DateOnly(2025, 1, 10), null, Now);
        Assert.Equal((arrangement.PupilId, WelfareCheckMethod.HomeVisit), (check.PupilId, check.Method));
    }

    private static Arrangement Proposed() =>
        Arrangement.Propose(ArrangementKind.PartTimeTimetable, School, Guid.NewGuid(), new DateOnly(2025, 1, 2), "Mr Year-Leader", "Head of year", null, null, Now).Case;

    private static Arrangement Approved()
    {
        var arrangement = Proposed();
        arrangement.Decide(DecisionOutcome.Agreed, [], null, new DateOnly(2025, 1, 3), Guid.NewGuid(), null, Now);
        return arrangement;
    }
}
