using FlexiSchooling.Domain.AlternativeProvision;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.Tests;

/// <summary>Issue 12, "Providers": due diligence (004 §7.8–7.9; 002 appendix 1b), trust approval of an unregistered provider (002) and the registration rule (004 §7.2).</summary>
public sealed class ProviderTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Checker = Guid.NewGuid();

    // OLoL CMAT (002): unregistered providers need the trust's approval; re-checked every 12 months.
    internal static readonly AlternativeProvisionSettings Olol = PolicyTemplates.Get(PolicyTemplates.OurLadyOfLourdes).Settings.AlternativeProvision;

    private static AlternativeProvider Provider(ProviderRegistration registration) =>
        new(Guid.NewGuid(), new ProviderDetails("Riverside Skills Centre", "1 Mill Lane, Derby", "Sam Okafor", "01332 000000", null,
            registration == ProviderRegistration.RegisteredIndependentSchool ? "123456" : null, null, registration, new DateOnly(2025, 3, 1), "Good"), Now);

    private static List<ProviderCheck> AllChecked(AlternativeProvider provider, DateOnly on, bool satisfactory = true) =>
        [.. ProviderCheckItems.All.Select(i => new ProviderCheck(provider.Id, i.Key, satisfactory, "Seen on the initial visit", on, Checker, "A. Leader", Today, Now))];

    private static PlacedPupil Pupil(bool fullTime = true, bool compulsory = true, bool lookedAfter = false, bool ehcp = false) =>
        new(Guid.NewGuid(), fullTime, compulsory, lookedAfter, ehcp);

    [Fact]
    public void Worked_example_4_an_ehcp_pupil_is_never_placed_with_an_unregistered_provider()
    {
        var refusals = ProviderRules.RegistrationRefusals(Provider(ProviderRegistration.Unregistered), Pupil(fullTime: false, ehcp: true), []);
        Assert.Contains(refusals, r => r.Contains("EHCP", StringComparison.Ordinal) && r.Contains("004 §7.2", StringComparison.Ordinal));
        Assert.Empty(ProviderRules.RegistrationRefusals(Provider(ProviderRegistration.RegisteredIndependentSchool), Pupil(ehcp: true), []));
    }

    [Fact]
    public void Worked_example_4_a_provider_taking_four_full_time_pupils_cannot_take_a_fifth_unless_registered()
    {
        var four = Enumerable.Range(0, 4).Select(_ => Pupil()).ToList();
        var unregistered = Provider(ProviderRegistration.Unregistered);
        var refusal = Assert.Single(ProviderRules.RegistrationRefusals(unregistered, Pupil(), four));
        Assert.Contains("already takes 4 full-time pupils", refusal);
        Assert.Contains("a fifth", refusal);

        // The same for a provider registered with Ofsted in another way; a registered independent school may take a fifth.
        Assert.NotEmpty(ProviderRules.RegistrationRefusals(Provider(ProviderRegistration.OfstedRegistered), Pupil(), four));
        Assert.Empty(ProviderRules.RegistrationRefusals(Provider(ProviderRegistration.RegisteredIndependentSchool), Pupil(), four));
    }

    [Fact]
    public void Registration_rule_counts_only_full_time_pupils_of_compulsory_school_age()
    {
        var placed = new List<PlacedPupil> { Pupil(), Pupil(), Pupil(), Pupil(fullTime: false), Pupil(compulsory: false) };
        var provider = Provider(ProviderRegistration.Unregistered);
        Assert.Empty(ProviderRules.RegistrationRefusals(provider, Pupil(), placed)); // a fourth full-time pupil
        Assert.Empty(ProviderRules.RegistrationRefusals(provider, Pupil(fullTime: false), [.. placed, Pupil()])); // part time
        Assert.Null(ProviderRules.RegistrationBreach(provider, placed));
    }

    [Fact]
    public void Registration_rule_refuses_a_looked_after_pupil_at_an_unregistered_provider()
    {
        Assert.Contains(ProviderRules.RegistrationRefusals(Provider(ProviderRegistration.OfstedRegistered), Pupil(fullTime: false, lookedAfter: true), []),
            r => r.Contains("looked-after", StringComparison.Ordinal));
    }

    [Fact]
    public void Registration_rule_flags_an_existing_breach()
    {
        var provider = Provider(ProviderRegistration.Unregistered);
        var breach = ProviderRules.RegistrationBreach(provider, [.. Enumerable.Range(0, 5).Select(_ => Pupil())]);
        Assert.Contains("5 full-time pupils of compulsory school age", breach);
        Assert.Contains("1 looked-after or EHCP pupil", ProviderRules.RegistrationBreach(provider, [Pupil(fullTime: false, ehcp: true)]));
        Assert.Null(ProviderRules.RegistrationBreach(Provider(ProviderRegistration.RegisteredIndependentSchool), [.. Enumerable.Range(0, 9).Select(_ => Pupil(ehcp: true))]));
    }

    [Fact]
    public void Provider_checks_incomplete_take_no_new_placement_and_say_which()
    {
        var provider = Provider(ProviderRegistration.RegisteredIndependentSchool);
        var checks = AllChecked(provider, Today.AddMonths(-2)).Where(c => c.Item != "insurance").ToList();
        var state = ProviderRules.CheckState(provider, checks, Today, Olol.ProviderRecheckMonths);
        Assert.False(state.Complete);
        var reason = Assert.Single(ProviderRules.NewPlacementRefusals(provider, state, Olol));
        Assert.Contains("Insurance and compliance certificates", reason);

        checks.Add(new ProviderCheck(provider.Id, "insurance", true, "Certificate to July 2027", Today, Checker, "A. Leader", Today, Now));
        state = ProviderRules.CheckState(provider, checks, Today, Olol.ProviderRecheckMonths);
        Assert.True(state.Complete);
        Assert.Empty(ProviderRules.NewPlacementRefusals(provider, state, Olol));
        Assert.Equal(Today.AddMonths(-2).AddMonths(12), state.NextDueOn);
    }

    [Fact]
    public void Provider_checks_are_due_again_after_the_profiles_months_or_a_material_change()
    {
        var provider = Provider(ProviderRegistration.RegisteredIndependentSchool);
        var checks = AllChecked(provider, Today.AddMonths(-12));
        var state = ProviderRules.CheckState(provider, checks, Today, Olol.ProviderRecheckMonths);
        Assert.All(state.Items, i => Assert.True(i.Overdue));
        Assert.Contains("more than 12 months ago", Assert.Single(ProviderRules.NewPlacementRefusals(provider, state, Olol)));
        Assert.DoesNotContain(ProviderRules.CheckState(provider, checks, Today.AddDays(-1), Olol.ProviderRecheckMonths).Items, i => i.Overdue);

        // A re-check of every item makes it current again; a material change after it makes every item due again.
        checks.AddRange(AllChecked(provider, Today.AddDays(-10)));
        Assert.True(ProviderRules.CheckState(provider, checks, Today, Olol.ProviderRecheckMonths).Complete);
        provider.RecordMaterialChange(Today, "New site at 4 Canal Street", Now.AddHours(1));
        Assert.Contains("before the material change on 2 December 2026",
            Assert.Single(ProviderRules.NewPlacementRefusals(provider, ProviderRules.CheckState(provider, checks, Today, Olol.ProviderRecheckMonths), Olol)));

        // Re-checked at the new site later the same day: current again.
        checks.AddRange(ProviderCheckItems.All.Select(i => new ProviderCheck(provider.Id, i.Key, true, "Re-checked at the new site", Today, Checker, "A. Leader", Today, Now.AddHours(2))));
        Assert.True(ProviderRules.CheckState(provider, checks, Today, Olol.ProviderRecheckMonths).Complete);
    }

    [Fact]
    public void Provider_check_found_unsatisfactory_takes_no_new_placement()
    {
        var provider = Provider(ProviderRegistration.RegisteredIndependentSchool);
        var checks = AllChecked(provider, Today);
        checks.Add(new ProviderCheck(provider.Id, "safer-recruitment", false, "Two staff without enhanced DBS on the record", Today, Checker, "A. Leader", Today, Now.AddMinutes(1)));
        var reason = Assert.Single(ProviderRules.NewPlacementRefusals(provider, ProviderRules.CheckState(provider, checks, Today, 12), Olol));
        Assert.StartsWith("Checks found unsatisfactory: Safer recruitment", reason);
    }

    [Fact]
    public void Unregistered_provider_needs_the_trusts_approval_where_the_profile_says_so()
    {
        var provider = Provider(ProviderRegistration.Unregistered);
        var state = ProviderRules.CheckState(provider, AllChecked(provider, Today), Today, 12);
        Assert.Contains("trust's approval", Assert.Single(ProviderRules.NewPlacementRefusals(provider, state, Olol)));
        Assert.Empty(ProviderRules.NewPlacementRefusals(provider, state, Olol with { UnregisteredProviderNeedsTrustApproval = false }));

        Assert.Throws<DomainRuleException>(() => provider.ApproveUnregistered(Today, Checker, " "));
        provider.ApproveUnregistered(Today, Checker, "No registered provider offers construction within 20 miles; DPS visited.");
        Assert.Empty(ProviderRules.NewPlacementRefusals(provider, state, Olol));

        // Registered later, the approval is no longer needed; losing registration again needs it afresh.
        provider.Update(new ProviderDetails(provider.Name, provider.Address, provider.ContactName, null, null, "123456", null, ProviderRegistration.RegisteredIndependentSchool, null, null));
        provider.Update(new ProviderDetails(provider.Name, provider.Address, provider.ContactName, null, null, null, null, ProviderRegistration.Unregistered, null, null));
        Assert.Null(provider.TrustApprovedOn);
        Assert.Throws<DomainRuleException>(() => Provider(ProviderRegistration.OfstedRegistered).ApproveUnregistered(Today, Checker, "Not needed"));
    }

    [Fact]
    public void Provider_check_needs_its_evidence_and_is_never_dated_in_the_future()
    {
        var provider = Provider(ProviderRegistration.OfstedRegistered);
        Assert.Equal("provider-check-evidence", Assert.Throws<DomainRuleException>(() => new ProviderCheck(provider.Id, "complaints", true, "", Today, Checker, "A", Today, Now)).Rule);
        Assert.Equal("provider-check-date", Assert.Throws<DomainRuleException>(() => new ProviderCheck(provider.Id, "complaints", true, "Seen", Today.AddDays(1), Checker, "A", Today, Now)).Rule);
        Assert.Equal("provider-check-item", Assert.Throws<DomainRuleException>(() => new ProviderCheck(provider.Id, "made-up", true, "Seen", Today, Checker, "A", Today, Now)).Rule);
        Assert.Equal("provider-urn", Assert.Throws<DomainRuleException>(() => Provider(ProviderRegistration.Unregistered).Update(
            new ProviderDetails("X", "Y", "Z", null, null, null, null, ProviderRegistration.RegisteredIndependentSchool, null, null))).Rule);
    }
}

/// <summary>Issue 12, "Placements": the referral of 002 appendix 1a, and whom a placement asks or tells (004 §7.12).</summary>
public sealed class PlacementTests
{
    private static readonly DateOnly Start = new(2027, 1, 11);

    private static PlacementReferral Referral(bool fullTime = false, SessionPattern? inSchool = null, DateOnly? end = null, string reasons = "Re-engagement", string voice = "Keen") =>
        new(Guid.NewGuid(), fullTime, inSchool ?? new SessionPattern(0b00_0011_1111), Start, end ?? Start.AddDays(90), reasons, "", 1200m, "School budget", "", voice, null);

    [Fact]
    public void Placement_referral_needs_its_reasons_funding_and_the_pupils_voice()
    {
        Assert.Equal("Reasons", Assert.Throws<DomainRuleException>(() => PlacementRules.CheckReferral(Referral(reasons: " "))).Field);
        Assert.Equal("PupilVoice", Assert.Throws<DomainRuleException>(() => PlacementRules.CheckReferral(Referral(voice: ""))).Field);
        PlacementRules.CheckReferral(Referral());
    }

    [Fact]
    public void Placement_ends_after_it_starts()
    {
        Assert.Equal("placement-end-after-start", Assert.Throws<DomainRuleException>(() => PlacementRules.CheckReferral(Referral(end: Start))).Rule);
    }

    [Fact]
    public void Placement_part_time_keeps_some_sessions_in_school_and_some_at_the_provider()
    {
        Assert.Equal("placement-part-time-sessions", Assert.Throws<DomainRuleException>(() => PlacementRules.CheckReferral(Referral(inSchool: SessionPattern.FullTime))).Rule);
        Assert.Equal("placement-part-time-some-school", Assert.Throws<DomainRuleException>(() => PlacementRules.CheckReferral(Referral(inSchool: new SessionPattern(0)))).Rule);
        PlacementRules.CheckReferral(Referral(fullTime: true, inSchool: SessionPattern.FullTime)); // full time: the pattern is not asked
    }

    [Fact]
    public void Placement_ending_needs_its_outcomes_qualifications_destination_and_the_pupils_view_and_stops_its_sessions()
    {
        var now = new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);
        var (arrangement, placement) = Running(now);
        var sessions = placement.InSchool.CoveredSessionsAsExpectedMarks(arrangement.SchoolId, arrangement.PupilId, Start, Start.AddDays(90), "B", PlacementRules.SessionsSource("Riverside"), "At Riverside");
        var lastDay = Start.AddDays(30);

        Assert.Equal("PupilView", Assert.Throws<DomainRuleException>(() => placement.End(arrangement, new PlacementEnding(lastDay, PlacementDestination.BackToSchoolFullTime, null, "Attendance 95%", "None", " "), sessions, "Riverside", null, now)).Field);
        Assert.Equal("DestinationDetail", Assert.Throws<DomainRuleException>(() => placement.End(arrangement, new PlacementEnding(lastDay, PlacementDestination.Other, null, "Attendance 95%", "None", "Good"), sessions, "Riverside", null, now)).Field);
        Assert.Equal(ArrangementStage.Running, arrangement.Stage);

        placement.End(arrangement, new PlacementEnding(lastDay, PlacementDestination.BackToSchoolFullTime, null, "Attendance 95%", "None", "\"Ready to go back\""), sessions, "Riverside", null, now);
        Assert.Equal(ArrangementStage.Ended, arrangement.Stage);
        Assert.Equal(PlacementDestination.BackToSchoolFullTime, placement.Destination);
        Assert.All(sessions, m => Assert.Equal(lastDay, m.To));
    }

    // The spring term of 2027 with its half-term (15–19 February): the placement starts on Monday 11 January, in school
    // Monday to Wednesday and at the provider on Thursday and Friday (the referral's pattern).
    private static readonly Domain.Calendar.SchoolCalendar Spring2027 = new(
        [new Domain.Calendar.Term(Guid.NewGuid(), "Spring 2027", new(2027, 1, 4), new(2027, 3, 26), new(2027, 2, 15), new(2027, 2, 19))], [],
        Domain.Calendar.BankHolidayFeed.Shipped().Select(b => b.Date));

    [Fact]
    public void Provider_report_is_due_on_each_school_day_the_pupil_is_at_the_provider()
    {
        // 002 §4.4: "attendance updates by 10:00 AM daily" — on the days the pupil is placed there.
        var (arrangement, placement) = Running(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero));
        bool Due(DateOnly day) => ProviderReport.DueAtProvider(arrangement.Stage, arrangement.StartedOn, placement, Spring2027, day);
        Assert.True(Due(new(2027, 1, 14)));   // Thursday: at the provider
        Assert.True(Due(new(2027, 1, 15)));   // Friday
        Assert.False(Due(new(2027, 1, 11)));  // Monday: in school all day
        Assert.False(Due(new(2027, 1, 16)));  // Saturday
        Assert.False(Due(new(2027, 2, 18)));  // Thursday of half-term: not a school day
        Assert.False(Due(new(2027, 1, 7)));   // Thursday before the start
        Assert.False(ProviderReport.DueAtProvider(ArrangementStage.Ended, arrangement.StartedOn, placement, Spring2027, new(2027, 1, 14)));

        // One session at the provider is enough: in school Thursday morning, at the provider Thursday afternoon.
        var halfDay = Placement.Refer(arrangement, Referral(inSchool: new SessionPattern(0b01_0111_1111)));
        Assert.True(ProviderReport.DueAtProvider(arrangement.Stage, arrangement.StartedOn, halfDay, Spring2027, new(2027, 1, 14)));
    }

    [Fact]
    public void Provider_report_missing_after_the_profiles_time_and_waiting_on_the_provider_before_it()
    {
        var by = ProviderTests.Olol.ProviderAbsenceReportBy;
        Assert.Equal(new TimeOnly(10, 0), by); // 002 §4.4
        Assert.Equal(ProviderReportStatus.Awaited, ProviderReport.StatusToday(true, new(9, 59), by, false));
        Assert.Equal(ProviderReportStatus.Missing, ProviderReport.StatusToday(true, new(10, 0), by, false));
        Assert.Equal(ProviderReportStatus.Received, ProviderReport.StatusToday(true, new(10, 30), by, true));
        Assert.Equal(ProviderReportStatus.NotDue, ProviderReport.StatusToday(false, new(11, 0), by, false));
        // A school whose profile asks for 09:30 chases from 09:30.
        Assert.Equal(ProviderReportStatus.Missing, ProviderReport.StatusToday(true, new(9, 45), new(9, 30), false));

        // The reading the case, its reports page and Today share: due from the placement's days, the time from its profile.
        var (arrangement, placement) = Running(new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero));
        ProviderReportStatus Today(AlternativeProvisionSettings settings, DateOnly day, TimeOnly at) =>
            ProviderReport.StatusToday(arrangement.Stage, arrangement.StartedOn, placement, Spring2027, settings, day, at, false);
        Assert.Equal(ProviderReportStatus.Awaited, Today(ProviderTests.Olol, new(2027, 1, 14), new(9, 45)));
        Assert.Equal(ProviderReportStatus.Missing, Today(ProviderTests.Olol with { ProviderAbsenceReportBy = new(9, 30) }, new(2027, 1, 14), new(9, 45)));
        Assert.Equal(ProviderReportStatus.NotDue, Today(ProviderTests.Olol, new(2027, 1, 11), new(11, 0))); // Monday: in school
    }

    [Fact]
    public void Provider_report_is_for_a_day_the_pupil_is_due_there_and_an_absence_or_late_arrival_says_what_the_provider_said()
    {
        var now = new DateTimeOffset(2027, 1, 14, 10, 15, 0, TimeSpan.Zero);
        var (arrangement, placement) = Running(now);
        var today = new DateOnly(2027, 1, 14);
        var at = new TimeOnly(10, 15);
        ProviderReport Report(DateOnly day, ProviderReportOutcome outcome, string? said = null, TimeOnly? received = null) =>
            ProviderReport.Record(arrangement, placement, Spring2027, day, outcome, said, ProviderReportChannel.Phone, received ?? new TimeOnly(9, 40), today, at, Guid.NewGuid(), now);

        Assert.Equal("Date", Assert.Throws<DomainRuleException>(() => Report(today.AddDays(1), ProviderReportOutcome.Attended)).Field);   // tomorrow
        Assert.Equal("Date", Assert.Throws<DomainRuleException>(() => Report(new(2027, 1, 7), ProviderReportOutcome.Attended)).Field);   // before the start
        Assert.Equal("provider-report-due", Assert.Throws<DomainRuleException>(() => Report(new(2027, 1, 13), ProviderReportOutcome.Attended)).Rule); // Wednesday: in school
        Assert.Equal("ReceivedAt", Assert.Throws<DomainRuleException>(() => Report(today, ProviderReportOutcome.Attended, received: new TimeOnly(11, 0))).Field);
        Assert.Equal("Detail", Assert.Throws<DomainRuleException>(() => Report(today, ProviderReportOutcome.Absent, " ")).Field);
        Assert.Equal("Detail", Assert.Throws<DomainRuleException>(() => Report(today, ProviderReportOutcome.ArrivedLate)).Field);

        var attended = Report(today, ProviderReportOutcome.Attended);
        Assert.Equal((arrangement.Id, today, ""), (attended.ArrangementId, attended.Date, attended.Detail));
        Assert.True(attended.OnTime(ProviderTests.Olol));
        // A later call the same day is another report; one after the profile's time is not on time.
        var absent = Report(today, ProviderReportOutcome.Absent, "Mum rang the centre: ill", new TimeOnly(10, 10));
        Assert.Equal("Mum rang the centre: ill", absent.Detail);
        Assert.False(absent.OnTime(ProviderTests.Olol));
    }

    private static (Arrangement Case, Placement Placement) Running(DateTimeOffset now)
    {
        var (arrangement, _) = Arrangement.Propose(ArrangementKind.AlternativeProvision, Guid.NewGuid(), Guid.NewGuid(), Start.AddDays(-14), "A. Leader", "AP leader", null, null, now);
        arrangement.StampTrust(Guid.NewGuid());
        var placement = Placement.Refer(arrangement, Referral());
        arrangement.Decide(DecisionOutcome.Agreed, [], null, Start.AddDays(-7), Guid.NewGuid(), null, now);
        arrangement.Start([new Gate("All", "Everyone", true)], Start, Start, Start, null, now);
        return (arrangement, placement);
    }

    [Fact]
    public void Placement_visit_is_dated_from_the_start_to_today_with_every_heading_of_appendix_5()
    {
        var now = new DateTimeOffset(2027, 2, 1, 9, 0, 0, TimeSpan.Zero);
        var (arrangement, _) = Running(now);
        var today = Start.AddDays(21);
        VisitRecord Visit(DateOnly on, string next = "On track") => new(on, "A. Leader", "", "None", "95%", "Settled", "Good", next, "", true);

        Assert.Equal("VisitedOn", Assert.Throws<DomainRuleException>(() => PlacementVisit.Record(arrangement, Visit(Start.AddDays(-1)), today, Guid.NewGuid(), now)).Field);
        Assert.Equal("VisitedOn", Assert.Throws<DomainRuleException>(() => PlacementVisit.Record(arrangement, Visit(today.AddDays(1)), today, Guid.NewGuid(), now)).Field);
        Assert.Equal("QualificationsAndNextSteps", Assert.Throws<DomainRuleException>(() => PlacementVisit.Record(arrangement, Visit(today, next: " "), today, Guid.NewGuid(), now)).Field);
        var visit = PlacementVisit.Record(arrangement, Visit(today), today, Guid.NewGuid(), now);
        Assert.Equal(arrangement.Id, visit.ArrangementId);
    }

    [Fact]
    public void Placement_review_is_the_parents_progress_report_of_appendix_6_and_progress_below_standard_raises_a_formal_review()
    {
        // 002 §3.8 and appendix 6: the half-termly report to the parents: attendance, pastoral, curriculum, next steps, targets.
        var now = new DateTimeOffset(2027, 2, 1, 9, 0, 0, TimeSpan.Zero);
        var (arrangement, _) = Running(now);
        var wording = ReviewWording.For(ArrangementKind.AlternativeProvision);
        Assert.True(wording.AsksProgressReport);
        Assert.True(wording.ProgressBelowStandardRaisesFormal); // "less than satisfactory progress will be subject to a formal review meeting"
        Assert.False(wording.AsksParentSignature);
        Assert.Equal("Progress report for parents and carers", wording.RecordTitle);
        Assert.False(ReviewWording.For(ArrangementKind.PartTimeTimetable).AsksProgressReport);

        var (review, _) = ArrangementReview.Schedule(arrangement, Start.AddDays(35), null, now);
        var record = new ReviewRecord(Start.AddDays(35), "AP leader, parent, pupil", "Good in maths", false, "Pleased", "Happy", ReviewOutcome.Continue, "Carry on");
        var today = Start.AddDays(40);
        Assert.Equal("Pastoral", Assert.Throws<DomainRuleException>(() => review.Hold(arrangement, record, 9, 10, today, null, now)).Field);
        Assert.Equal("Targets", Assert.Throws<DomainRuleException>(() => review.Hold(arrangement, record with { Report = new("Settled", "College", " ") }, 9, 10, today, null, now)).Field);
        review.Hold(arrangement, record with { Report = new("Settled", "College", "Level 1 maths") }, 9, 10, today, null, now);
        Assert.Equal(("Settled", "College", "Level 1 maths"), (review.Pastoral, review.NextSteps, review.Targets));
    }

    [Fact]
    public void Reintegration_plan_is_a_dated_graduated_return_discussed_with_the_parents_and_a_revision_says_why()
    {
        // 002 §3.9: a timeline back into school, graduated, discussed with the parents, a multi-agency meeting; extended or shortened.
        var now = new DateTimeOffset(2027, 2, 1, 9, 0, 0, TimeSpan.Zero);
        var (arrangement, placement) = Running(now);
        var today = Start.AddDays(21);
        ReintegrationStep[] steps = [new(Start.AddDays(28), "Mondays in school"), new(Start.AddDays(56), "Monday to Wednesday in school")];
        var plan = new ReintegrationPlan(Start.AddDays(84), null, steps, today, today.AddDays(7), "Key worker; phased timetable", null);
        DomainRuleException Refused(ReintegrationPlan p) => Assert.Throws<DomainRuleException>(() => placement.PlanReintegration(arrangement, p, today, null, now));

        Assert.Equal("ReturnOn", Refused(plan with { ReturnOn = null }).Field);
        Assert.Equal("ReturnOn", Refused(plan with { ReturnOn = Start }).Field);
        Assert.Equal("Steps", Refused(plan with { Steps = [] }).Field);
        Assert.Equal("Steps", Refused(plan with { Steps = [steps[1], steps[0]] }).Field); // in order
        Assert.Equal("Steps", Refused(plan with { Steps = [steps[0], new(Start.AddDays(90), "After the return")] }).Field);
        Assert.Equal("DiscussedWithParentsOn", Refused(plan with { DiscussedWithParentsOn = today.AddDays(1) }).Field);
        Assert.Equal("MultiAgencyMeetingOn", Refused(plan with { MultiAgencyMeetingOn = null }).Field);
        Assert.Equal("Reintegration plan recorded", placement.PlanReintegration(arrangement, plan, today, null, now).What);
        Assert.Equal(Start.AddDays(84), placement.ReturnOn);

        // Revised from a progress report: it says why, and the history says the return moved.
        var later = plan with { ReturnOn = Start.AddDays(112) };
        Assert.Equal("ChangedBecause", Refused(later).Field);
        var revised = placement.PlanReintegration(arrangement, later with { ChangedBecause = "Half-term progress report: not ready for three days" }, today, null, now);
        Assert.Equal("Reintegration plan revised (version 2)", revised.What);
        Assert.Contains("(extended from", revised.Detail, StringComparison.Ordinal);

        // Some pupils will not return to their own school (002 §3): then a reason instead of a date, and no steps needed.
        placement.PlanReintegration(arrangement, new ReintegrationPlan(null, "Moving on to college in September", [], today, today, "Transition visits to the college", "Offered a college place"), today, null, now);
        Assert.Null(placement.ReturnOn);
        Assert.Equal("Moving on to college in September", placement.NotReturningBecause);
    }

    [Fact]
    public void Off_site_direction_is_approved_by_the_governing_body_and_the_parents_given_notice_not_asked()
    {
        // 004 §6.4: "approved by the school's Governing Body"; §6.5: parents' "approval is not needed"; the school confirms it in writing.
        var none = new Domain.Pupils.PupilFlags(false, false, false, false, false, false, false, false);
        var direction = PlacementRules.Consents(none, offSiteDirection: true);
        Assert.Equal([ConsentParty.GoverningBody, ConsentParty.Parent, ConsentParty.LocalAuthority], direction.Select(c => c.Party));
        Assert.Equal(ConsentKind.Agreement, direction.Single(c => c.Party == ConsentParty.GoverningBody).Kind);
        Assert.Equal(ConsentKind.Notification, direction.Single(c => c.Party == ConsentParty.Parent).Kind);
        // A pupil with an EHCP: the local authority is given the written notice too.
        Assert.Equal(ConsentKind.Notification, PlacementRules.Consents(none with { Ehcp = true }, offSiteDirection: true).Single(c => c.Party == ConsentParty.LocalAuthoritySenTeam).Kind);
        Assert.Equal(ConsentKind.Consent, PlacementRules.Consents(none).Single(c => c.Party == ConsentParty.Parent).Kind);
    }

    [Fact]
    public void Off_site_direction_notice_is_given_2_school_days_before_the_first_day_and_a_late_notice_meets_no_gate()
    {
        var spring = new Domain.Calendar.SchoolCalendar(
            [new Domain.Calendar.Term(Guid.NewGuid(), "Spring 2025", new(2025, 1, 6), new(2025, 4, 4), new(2025, 2, 17), new(2025, 2, 21))], [],
            Domain.Calendar.BankHolidayFeed.Shipped().Select(b => b.Date));
        Assert.Equal(new DateOnly(2025, 1, 9), PlacementRules.DirectionNoticeBy(spring, new DateOnly(2025, 1, 13)));  // Monday: by the Thursday before
        Assert.Equal(new DateOnly(2025, 2, 13), PlacementRules.DirectionNoticeBy(spring, new DateOnly(2025, 2, 24))); // after half-term: the holiday does not count
        Assert.Equal(new DateOnly(2025, 1, 13), PlacementRules.DirectionNoticeBy(spring, new DateOnly(2025, 1, 15))); // Wednesday: by the Monday

        var now = new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);
        var (arrangement, _) = Arrangement.Propose(ArrangementKind.AlternativeProvision, Guid.NewGuid(), Guid.NewGuid(), new DateOnly(2025, 1, 6), "A. Leader", "AP leader", null, null, now);
        arrangement.Decide(DecisionOutcome.Agreed, [], null, new DateOnly(2025, 1, 6), Guid.NewGuid(), null, now);
        var none = new Domain.Pupils.PupilFlags(false, false, false, false, false, false, false, false);
        var notice = PlacementRules.Consents(none, offSiteDirection: true).Single(c => c.Party == ConsentParty.Parent);
        var governors = PlacementRules.Consents(none, offSiteDirection: true).Single(c => c.Party == ConsentParty.GoverningBody);
        var approved = ArrangementConsent.Record(arrangement, governors, ConsentAnswer.Given, new DateOnly(2025, 1, 7), "Chair", "Minute 4", null, new DateOnly(2025, 1, 10), null, now).Consent;
        IReadOnlyList<Gate> Gates(DateOnly toldOn) => PlacementRules.StartGates(
            [approved, ArrangementConsent.Record(arrangement, notice, ConsentAnswer.Told, toldOn, "Sarah Example (mother)", null, null, new DateOnly(2025, 1, 10), null, now).Consent],
            null, commissioningAgreed: true, none, null, directionNoticeBy: new DateOnly(2025, 1, 9));
        Assert.True(Gates(new DateOnly(2025, 1, 9)).Single(g => g.Name.StartsWith("Written notice to the parents", StringComparison.Ordinal)).Met);
        Assert.False(Gates(new DateOnly(2025, 1, 10)).Single(g => g.Name.StartsWith("Written notice to the parents", StringComparison.Ordinal)).Met);
        Assert.True(Gates(new DateOnly(2025, 1, 9)).Single(g => g.Name.StartsWith("The governing body", StringComparison.Ordinal)).Met);
    }

    [Fact]
    public void Initial_visit_has_every_heading_of_appendix_1b_before_the_start_and_gates_an_unregistered_provider_only()
    {
        var now = new DateTimeOffset(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);
        var (arrangement, _) = Arrangement.Propose(ArrangementKind.AlternativeProvision, Guid.NewGuid(), Guid.NewGuid(), Start.AddDays(-14), "A. Leader", "AP leader", null, null, now);
        var placement = Placement.Refer(arrangement, Referral());
        var today = Start.AddDays(-7);
        InitialVisit Visit(DateOnly on, string qualifications = "Level 1") => new(on, "A. Leader", "Sam Okafor", "DSL named", "Practical units", "College taster", qualifications, null);
        Assert.Equal("VisitedOn", Assert.Throws<DomainRuleException>(() => placement.RecordInitialVisit(arrangement, Visit(Start.AddDays(-15)), today, null, now)).Field);
        Assert.Equal("Qualifications", Assert.Throws<DomainRuleException>(() => placement.RecordInitialVisit(arrangement, Visit(today, " "), today, null, now)).Field);
        Assert.Equal("Initial visit recorded", placement.RecordInitialVisit(arrangement, Visit(today), today, null, now).What);

        var none = new Domain.Pupils.PupilFlags(false, false, false, false, false, false, false, false);
        Assert.Equal(4, PlacementRules.StartGates([], null, commissioningAgreed: false, none, null).Count); // a registered provider: no such gate
        Assert.False(PlacementRules.StartGates([], null, false, none, null, initialVisitMade: false).Single(g => g.Name.Contains("appendix 1b", StringComparison.Ordinal)).Met);
        Assert.True(PlacementRules.StartGates([], null, false, none, null, initialVisitMade: true).Single(g => g.Name.Contains("appendix 1b", StringComparison.Ordinal)).Met);
    }

    [Fact]
    public void Placement_visit_is_due_each_half_term_a_visit_making_the_next_due_by_the_end_of_the_following_half_term()
    {
        // 002: "undertake half-termly visits": one in every half-term, so a visit early in one does not bring the next into it.
        var calendar = new Domain.Calendar.SchoolCalendar(
            [new Domain.Calendar.Term(Guid.NewGuid(), "Spring 2027", new(2027, 1, 4), new(2027, 3, 26), new(2027, 2, 15), new(2027, 2, 19)),
             new Domain.Calendar.Term(Guid.NewGuid(), "Summer 2027", new(2027, 4, 12), new(2027, 7, 21), new(2027, 5, 31), new(2027, 6, 4))], [],
            Domain.Calendar.BankHolidayFeed.Shipped().Select(b => b.Date));
        var now = new DateTimeOffset(2027, 1, 11, 9, 0, 0, TimeSpan.Zero);
        var (arrangement, _) = Running(now);
        Assert.Equal(new DateOnly(2027, 2, 12), PlacementVisit.NextDue(arrangement.Stage, Start, [], calendar, PolicyTemplates.Get(PolicyTemplates.OurLadyOfLourdes).Settings.AlternativeProvision)); // none yet: by the end of the first half-term
        VisitRecord On(DateOnly day) => new(day, "A. Leader", "", "None", "95%", "Settled", "Good", "On track", "", true);
        var early = PlacementVisit.Record(arrangement, On(new DateOnly(2027, 1, 20)), new DateOnly(2027, 1, 20), Guid.NewGuid(), now);
        Assert.Equal(new DateOnly(2027, 3, 25), PlacementVisit.NextDue(arrangement.Stage, Start, [early], calendar, PolicyTemplates.Get(PolicyTemplates.OurLadyOfLourdes).Settings.AlternativeProvision)); // the following half-term's last school day (26 March is Good Friday)
        var lastDay = PlacementVisit.Record(arrangement, On(new DateOnly(2027, 2, 12)), new DateOnly(2027, 2, 12), Guid.NewGuid(), now);
        Assert.Equal(new DateOnly(2027, 3, 25), PlacementVisit.NextDue(arrangement.Stage, Start, [early, lastDay], calendar, PolicyTemplates.Get(PolicyTemplates.OurLadyOfLourdes).Settings.AlternativeProvision));
    }

    [Fact]
    public void Commissioning_agreement_has_every_heading_of_004_7_11_and_is_never_dated_in_the_future()
    {
        var today = Start;
        CommissioningTerms Terms(DateOnly agreedOn, string review = "Half-termly") =>
            new("Thu-Fri", "Aims", "Curriculum", "Induction", "Pastoral", "Attendance", "Safeguarding", "Meals", "Exams", "Communication", 100m, review, agreedOn, "Sam Okafor");
        Assert.Equal("Review", Assert.Throws<DomainRuleException>(() => CommissioningAgreement.Check(Terms(today, review: ""), today)).Field);
        Assert.Equal("AgreedOn", Assert.Throws<DomainRuleException>(() => CommissioningAgreement.Check(Terms(today.AddDays(1)), today)).Field);
        Assert.Equal("Cost", Assert.Throws<DomainRuleException>(() => CommissioningAgreement.Check(Terms(today) with { Cost = -1 }, today)).Field);
        CommissioningAgreement.Check(Terms(today), today);
    }

    [Fact]
    public void Placement_not_agreed_needs_its_reason()
    {
        Assert.Equal("Reason", Assert.Throws<DomainRuleException>(() => PlacementRules.CheckDecision(DecisionOutcome.Declined, " ")).Field);
        PlacementRules.CheckDecision(DecisionOutcome.Declined, "Another provider suits better");
        PlacementRules.CheckDecision(DecisionOutcome.Agreed, null);
    }

    [Fact]
    public void Placement_tells_the_local_authority_and_asks_the_parents_and_more_where_the_pupils_plans_need_it()
    {
        var none = new Domain.Pupils.PupilFlags(false, false, false, false, false, false, false, false);
        Assert.Equal([ConsentParty.Parent, ConsentParty.LocalAuthority], PlacementRules.Consents(none).Select(c => c.Party));
        var all = none with { Ehcp = true, LookedAfter = true, HasSocialWorker = true };
        Assert.Equal([ConsentParty.Parent, ConsentParty.LocalAuthority, ConsentParty.LocalAuthoritySenTeam, ConsentParty.VirtualSchoolHead, ConsentParty.SocialWorker],
            PlacementRules.Consents(all).Select(c => c.Party));
        Assert.Equal(ConsentKind.Notification, PlacementRules.Consents(none).Single(c => c.Party == ConsentParty.LocalAuthority).Kind);

        // Before the start: those, the risk assessment and the commissioning agreement.
        var gates = PlacementRules.StartGates([], null, commissioningAgreed: false, none, null);
        Assert.Equal(4, gates.Count);
        Assert.All(gates, g => Assert.False(g.Met));
        Assert.Contains(gates, g => g.Name.Contains("004 §7.11", StringComparison.Ordinal));
    }
}

public sealed class CensusReturnTests
{
    private static CensusPlacement Row(string upn, string surname, string forename, DateOnly born, string provider, string? urn, string? ukprn, ApSettingType? type,
        CensusPlacementReason reason, DateOnly entry, DateOnly? leaving, bool fullTime, int sessions) =>
        new(upn, surname, forename, born, provider, urn, ukprn, type, reason, entry, leaving, fullTime, sessions);

    [Fact]
    public void Census_ap_return_matches_the_known_file_a_urn_alone_else_a_ukprn_alone_else_the_type_of_setting()
    {
        // The census guide: "If you record a URN, do not record the UKPRN or AP type of setting"; a UKPRN likewise; else the type.
        CensusPlacement[] placements =
        [
            Row("A123456789012", "Cooper", "Yusuf", new(2012, 5, 14), "Riverside", "148372", "10000001", ApSettingType.OTH, CensusPlacementReason.Reengagement, new(2026, 11, 23), null, false, 4),
            Row("B123456789012", "Doyle", "Ellie", new(2011, 2, 3), "Peak", null, "10087421", null, CensusPlacementReason.Health, new(2026, 9, 7), new(2026, 10, 16), true, 10),
            Row("C123456789012", "O'Neill, Jr", "Sam", new(2011, 7, 30), "Moorland", null, null, ApSettingType.OTH, CensusPlacementReason.Behaviour, new(2026, 10, 5), null, true, 10),
            Row("Z123456789012", "Left", "Out", new(2011, 1, 1), "Harbour", null, null, null, CensusPlacementReason.Other, new(2026, 10, 5), null, true, 10),
            Row("D123456789012", "Patel", "Ravi", new(2012, 1, 9), "Farm work", " ", null, ApSettingType.WBP, CensusPlacementReason.Other, new(2026, 9, 14), null, false, 2),
        ];
        var known = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "KnownFiles", "census-ap-placements.csv"));
        Assert.Equal(known, CensusReturn.Csv(placements));
        Assert.Equal("Harbour has no URN or UKPRN: record its type of setting on the provider.", CensusReturn.Problem(placements[3]));
    }

    [Fact]
    public void Census_ap_return_counts_each_placement_open_at_any_time_in_the_period()
    {
        var (from, to) = (new DateOnly(2026, 9, 1), new DateOnly(2026, 12, 2));
        Assert.True(CensusReturn.InPeriod(new(2026, 6, 1), null, from, to));           // still open
        Assert.True(CensusReturn.InPeriod(new(2026, 6, 1), new(2026, 9, 1), from, to)); // left on the first day
        Assert.False(CensusReturn.InPeriod(new(2026, 6, 1), new(2026, 8, 31), from, to));
        Assert.False(CensusReturn.InPeriod(new(2026, 12, 3), null, from, to));
    }
}
