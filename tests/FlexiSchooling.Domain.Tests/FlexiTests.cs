using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.Tests;

/// <summary>The rules of a flexi-schooling case (issue 4), each named after the rule it proves.</summary>
public sealed class FlexiTests
{
    private static readonly Guid School = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static FlexiSettings Flexi(string template) => PolicyTemplates.Get(template).Settings.Flexi;

    private static SchoolCalendar Summer2025() => new(
        [new Term(School, "Summer 2025", new(2025, 4, 22), new(2025, 7, 22), new(2025, 5, 26), new(2025, 5, 30))],
        [],
        BankHolidayFeed.Shipped().Select(b => b.Date));

    private static Arrangement Requested(DateOnly on) => Arrangement.RequestFlexi(School, Guid.NewGuid(), on, "Sarah Patel", "Mother", null, null, Now).Case;

    private static Arrangement Met(DateOnly requested, DateOnly meeting)
    {
        var arrangement = Requested(requested);
        arrangement.RecordMeeting(meeting, "Sarah Patel, headteacher", "Discussed", null, meeting, null, Now);
        return arrangement;
    }

    private static List<CriterionAssessment> AllMet() => [.. FlexiRules.Criteria.Select(c => new CriterionAssessment(c.Key, true, "Satisfied"))];

    [Fact]
    public void An_arrangement_agreed_on_paper_keeps_its_signatures_original_dates_and_is_marked_only_as_it_is_opened()
    {
        // Issue 11, "Bringing in arrangements that already run": the agreement entered today reproduces one signed in May.
        var pattern = SessionPattern.Of(SessionPattern.Weekdays.Take(4).SelectMany(d => new[] { (d, Attendance.Session.AM), (d, Attendance.Session.PM) }));
        var today = new DateOnly(2025, 6, 16);
        var entered = Now.AddDays(46);
        Arrangement Agreed(bool onPaper)
        {
            var arrangement = Requested(new DateOnly(2025, 4, 28));
            if (onPaper)
            {
                Assert.Equal("Brought in from paper records", arrangement.EnterAfterwards(null, entered).What);
            }

            arrangement.RecordMeeting(new DateOnly(2025, 5, 1), "Sarah Patel, headteacher", "Discussed", null, today, null, entered);
            arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, entered);
            return arrangement;
        }

        var run = Agreed(onPaper: false);
        var (draft, _) = FlexiAgreement.DraftFor(run, new AgreementTerms("a", "b", "c", "d", "e", "f", "g", "h", new DateOnly(2025, 5, 12), pattern), Summer2025(), null, entered);
        Assert.Equal(("sign-date", "SignedOn"), Assert.Throws<DomainRuleException>(() => draft.Sign(run, parent: true, "Sarah Patel", new DateOnly(2025, 5, 6), today, null, entered)) is var e ? (e.Rule, e.Field) : default);

        var paper = Agreed(onPaper: true);
        Assert.True(paper.EnteredAfterwards);
        var (reproduced, _) = FlexiAgreement.DraftFor(paper, new AgreementTerms("a", "b", "c", "d", "e", "f", "g", "h", new DateOnly(2025, 5, 12), pattern), Summer2025(), null, entered);
        Assert.Equal("sign-date", Assert.Throws<DomainRuleException>(() => reproduced.Sign(paper, parent: true, "Sarah Patel", new DateOnly(2025, 5, 1), today, null, entered)).Rule); // before the decision
        reproduced.Sign(paper, parent: true, "Sarah Patel", new DateOnly(2025, 5, 6), today, null, entered);
        Assert.Equal(new DateOnly(2025, 5, 6), reproduced.ParentSignedOn);
        Assert.Equal("entered-afterwards-at-opening", Assert.Throws<DomainRuleException>(() => run.EnterAfterwards(null, entered)).Rule); // never relabelled later
    }

    [Fact]
    public void Decision_is_due_five_working_days_after_the_meeting_at_oswald_road()
    {
        // domain.md worked example 3: meeting Thursday 1 May 2025 → letter due Friday 9 May 2025 (weekend and
        // the early-May bank holiday skipped). DDAT's policy (000) sets no deadline.
        Assert.Equal(new DateOnly(2025, 5, 9), FlexiRules.DecisionDueBy(Summer2025(), new DateOnly(2025, 5, 1), Flexi(PolicyTemplates.OswaldRoad)));
        Assert.Null(FlexiRules.DecisionDueBy(Summer2025(), new DateOnly(2025, 5, 1), Flexi(PolicyTemplates.Ddat)));
        var arrangement = Requested(new DateOnly(2025, 4, 28));
        arrangement.RecordMeeting(new DateOnly(2025, 5, 1), "Parent, head", "Notes", FlexiRules.DecisionDueBy(Summer2025(), new DateOnly(2025, 5, 1), Flexi(PolicyTemplates.OswaldRoad)), new DateOnly(2025, 5, 1), null, Now);
        Assert.Equal(new DateOnly(2025, 5, 9), arrangement.DecisionDueBy);
        Assert.Equal(ArrangementStage.MeetingHeld, arrangement.Stage);
    }

    [Fact]
    public void Notice_ends_an_agreement_four_weeks_after_a_parents_notice_at_emet_and_two_weeks_after_the_schools_at_ddat()
    {
        // domain.md worked example 5.
        var notice = new DateOnly(2025, 3, 3);
        Assert.Equal(new DateOnly(2025, 3, 31), FlexiRules.EndDate(notice, NoticeGivenBy.Parent, Flexi(PolicyTemplates.Emet)));
        Assert.Equal(new DateOnly(2025, 3, 17), FlexiRules.EndDate(notice, NoticeGivenBy.School, Flexi(PolicyTemplates.Ddat)));
        Assert.Equal(new DateOnly(2025, 3, 31), FlexiRules.EndDate(notice, NoticeGivenBy.School, Flexi(PolicyTemplates.Emet)));
        // DDAT (000 §7) gives parents no notice route of their own.
        Assert.Equal("flexi-parent-notice", Assert.Throws<DomainRuleException>(() => FlexiRules.EndDate(notice, NoticeGivenBy.Parent, Flexi(PolicyTemplates.Ddat))).Rule);
    }

    [Fact]
    public void A_second_request_in_the_same_academic_year_is_refused_where_the_profile_says_so()
    {
        var declined = Met(new DateOnly(2025, 9, 8), new DateOnly(2025, 9, 15));
        declined.Decide(DecisionOutcome.Declined, AllMet(), "Not now", new DateOnly(2025, 9, 19), Guid.NewGuid(), null, Now);
        // EMET (004 §10.4): one request per academic year once decided; a new year opens a new request.
        var e = Assert.Throws<DomainRuleException>(() => FlexiRules.CheckRequest(true, true, new DateOnly(2026, 2, 2), new DateOnly(2026, 2, 2), [declined], Flexi(PolicyTemplates.Emet)));
        Assert.Equal("flexi-one-request-per-year", e.Rule);
        Assert.Contains("1 September 2026", e.Message, StringComparison.Ordinal);
        FlexiRules.CheckRequest(true, true, new DateOnly(2026, 9, 7), new DateOnly(2026, 9, 7), [declined], Flexi(PolicyTemplates.Emet));
        // DDAT (000 §4) sets no such limit.
        FlexiRules.CheckRequest(true, true, new DateOnly(2026, 2, 2), new DateOnly(2026, 2, 2), [declined], Flexi(PolicyTemplates.Ddat));
    }

    [Fact]
    public void A_request_comes_in_writing_from_parental_responsibility_and_one_case_is_open_at_a_time()
    {
        var settings = Flexi(PolicyTemplates.Ddat);
        var today = new DateOnly(2025, 5, 1);
        Assert.Equal("flexi-request-from-parental-responsibility", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckRequest(false, true, today, today, [], settings)).Rule);
        Assert.Equal("flexi-request-in-writing", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckRequest(true, false, today, today, [], settings)).Rule);
        Assert.Equal("flexi-request-not-future", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckRequest(true, true, today.AddDays(1), today, [], settings)).Rule);
        Assert.Equal("flexi-one-open-case", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckRequest(true, true, today, today, [Requested(today.AddDays(-3))], settings)).Rule);
    }

    [Fact]
    public void The_head_decides_after_the_meeting_on_every_criterion_with_a_note()
    {
        var today = new DateOnly(2025, 5, 8);
        var requested = Requested(new DateOnly(2025, 4, 28));
        Assert.Equal("flexi-decision-after-meeting", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckDecision(requested, DecisionOutcome.Agreed, AllMet(), null, false, today, today)).Rule);

        var met = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        var withoutNote = AllMet().Select(c => c.Key == "quality" ? c with { Note = " " } : c).ToList();
        var e = Assert.Throws<DomainRuleException>(() => FlexiRules.CheckDecision(met, DecisionOutcome.Agreed, withoutNote, null, false, today, today));
        Assert.Equal(("flexi-criteria-each-with-a-note", "Criteria[quality]"), (e.Rule, e.Field));
        var unmet = AllMet().Select(c => c.Key == "safeguarding" ? c with { Met = false } : c).ToList();
        Assert.Equal("flexi-agree-needs-every-criterion", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckDecision(met, DecisionOutcome.Agreed, unmet, null, false, today, today)).Rule);
        Assert.Equal("flexi-decline-gives-reason", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckDecision(met, DecisionOutcome.Declined, unmet, " ", false, today, today)).Rule);
        Assert.Equal("flexi-decision-date", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckDecision(met, DecisionOutcome.Agreed, AllMet(), null, false, new DateOnly(2025, 4, 30), today)).Rule);
        FlexiRules.CheckDecision(met, DecisionOutcome.Declined, unmet, "Safeguarding concerns about the home arrangement.", false, today, today);
        FlexiRules.CheckDecision(met, DecisionOutcome.Agreed, AllMet(), null, false, today, today);
    }

    [Fact]
    public void A_pupil_with_an_ehcp_needs_the_local_authoritys_agreement_before_the_head_agrees()
    {
        var today = new DateOnly(2025, 5, 8);
        var met = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        Assert.Equal("flexi-ehcp-needs-local-authority", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckDecision(met, DecisionOutcome.Agreed, AllMet(), null, true, today, today)).Rule);
        met.RecordLocalAuthorityAgreement(new DateOnly(2025, 5, 6), "A. Caseworker, SEN team", today, null, Now);
        FlexiRules.CheckDecision(met, DecisionOutcome.Agreed, AllMet(), null, true, today, today);
        var version = Guid.NewGuid();
        met.Decide(DecisionOutcome.Agreed, AllMet(), null, today, version, null, Now);
        Assert.Equal((ArrangementStage.Agreed, version), (met.Stage, met.ProfileVersionId));
        Assert.Equal("flexi-decision-after-meeting", Assert.Throws<DomainRuleException>(() => FlexiRules.CheckDecision(met, DecisionOutcome.Agreed, AllMet(), null, true, today, today)).Rule);
    }

    [Fact]
    public void An_upload_is_accepted_by_its_content_as_pdf_png_or_jpeg_and_capped_at_ten_megabytes()
    {
        Assert.Equal("application/pdf", CaseDocument.CheckUpload("%PDF-1.7\n"u8));
        Assert.Equal("image/png", CaseDocument.CheckUpload([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]));
        Assert.Equal("image/jpeg", CaseDocument.CheckUpload([0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.Equal("upload-type", Assert.Throws<DomainRuleException>(() => CaseDocument.CheckUpload("<html>not a letter</html>"u8)).Rule);
        Assert.Equal("upload-not-empty", Assert.Throws<DomainRuleException>(() => CaseDocument.CheckUpload([])).Rule);
        Assert.Equal("upload-size", Assert.Throws<DomainRuleException>(() => CaseDocument.CheckUpload(new byte[CaseDocument.MaxUploadBytes + 1])).Rule);
    }

    [Fact]
    public void A_flexi_pattern_is_whole_sessions_some_in_school_and_some_at_home()
    {
        var pattern = SessionPattern.Of([(DayOfWeek.Monday, Attendance.Session.AM), (DayOfWeek.Monday, Attendance.Session.PM), (DayOfWeek.Tuesday, Attendance.Session.AM)]);
        Assert.True(pattern.InSchool(DayOfWeek.Monday, Attendance.Session.PM));
        Assert.False(pattern.InSchool(DayOfWeek.Tuesday, Attendance.Session.PM));
        Assert.False(pattern.InSchool(DayOfWeek.Saturday, Attendance.Session.AM));
        Assert.Equal((3, 7), (pattern.SchoolSessions, pattern.OtherSessions));
        Assert.Equal("Monday all day; Tuesday morning", pattern.Describe());
        pattern.CheckFlexi();
        Assert.Equal("flexi-pattern-some-school", Assert.Throws<DomainRuleException>(() => new SessionPattern(0).CheckFlexi()).Rule);
        Assert.Equal("flexi-pattern-some-home", Assert.Throws<DomainRuleException>(() => SessionPattern.FullTime.CheckFlexi()).Rule);
    }

    [Fact]
    public void An_agreement_is_drawn_up_after_agreeing_and_starts_on_a_school_day_after_the_decision()
    {
        var today = new DateOnly(2025, 5, 8);
        var pattern = SessionPattern.Of(SessionPattern.Weekdays.Take(4).SelectMany(d => new[] { (d, Attendance.Session.AM), (d, Attendance.Session.PM) }));
        AgreementTerms Terms(DateOnly start) => new("English, maths", "Music", "Sarah Patel", "Trips offered", "Diary", "None", "In full at school", "Music practice", start, pattern);
        var met = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        Assert.Equal("flexi-agreement-after-agreeing", Assert.Throws<DomainRuleException>(() => FlexiAgreement.DraftFor(met, Terms(new DateOnly(2025, 5, 12)), Summer2025(), null, Now)).Rule);

        met.Decide(DecisionOutcome.Agreed, AllMet(), null, today, Guid.NewGuid(), null, Now);
        Assert.Equal("flexi-agreement-start-after-decision", Assert.Throws<DomainRuleException>(() => FlexiAgreement.DraftFor(met, Terms(new DateOnly(2025, 5, 7)), Summer2025(), null, Now)).Rule);
        Assert.Equal("flexi-agreement-starts-on-a-school-day", Assert.Throws<DomainRuleException>(() => FlexiAgreement.DraftFor(met, Terms(new DateOnly(2025, 5, 26)), Summer2025(), null, Now)).Rule); // half-term
        var (agreement, drafted) = FlexiAgreement.DraftFor(met, Terms(new DateOnly(2025, 5, 12)), Summer2025(), null, Now);
        Assert.Equal((1, "Agreement drafted"), (agreement.Draft, drafted.What));
        Assert.Equal("Agreement revised (draft 2)", agreement.Revise(met, Terms(new DateOnly(2025, 5, 19)), Summer2025(), null, Now).What);
        Assert.Equal(new DateOnly(2025, 5, 19), agreement.StartDate);
    }

    [Fact]
    public void No_start_without_both_signatures_the_approved_risk_assessment_and_the_notifications()
    {
        var today = new DateOnly(2025, 5, 12);
        var arrangement = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, Now);
        var olol = Flexi(PolicyTemplates.OurLadyOfLourdes);
        Assert.Equal(6, FlexiRules.StartGates(null, null, [], olol).Count); // OLoL also tells the trust (002 §5.1)
        Assert.Equal(5, FlexiRules.StartGates(null, null, [], Flexi(PolicyTemplates.Ddat)).Count);
        var told = new List<ArrangementConsent>();

        var pattern = SessionPattern.Of(SessionPattern.Weekdays.Take(4).SelectMany(d => new[] { (d, Attendance.Session.AM), (d, Attendance.Session.PM) }));
        var (agreement, _) = FlexiAgreement.DraftFor(arrangement, new AgreementTerms("a", "b", "c", "d", "e", "f", "g", "h", new DateOnly(2025, 5, 12), pattern), Summer2025(), null, Now);
        var (risk, _) = RiskAssessments.RiskAssessment.Start(arrangement, RiskAssessments.RiskTemplates.For(ArrangementKind.FlexiSchooling, PolicyTemplates.OurLadyOfLourdes), null, Now);
        void Refused() => Assert.Equal("start-needs-every-gate", Assert.Throws<DomainRuleException>(() => arrangement.Start(FlexiRules.StartGates(agreement, risk, told, olol), agreement.StartDate, today, today, null, Now)).Rule);

        Refused();
        agreement.Sign(arrangement, parent: true, "Sarah Patel", today, today, null, Now);
        Refused();
        agreement.Sign(arrangement, parent: false, "Mrs Head", today, today, null, Now);
        Refused();
        risk.Submit(arrangement, Guid.NewGuid(), Now);
        risk.Approve(arrangement, null, Summer2025(), ReviewCadence.Termly, today, Guid.NewGuid(), Now);
        Refused();
        told.Add(ArrangementConsent.Record(arrangement, FlexiRules.Consents(olol)[0], ConsentAnswer.Told, today, "LA flexi-schooling officer", null, null, today, null, Now).Consent);
        var e = Assert.Throws<DomainRuleException>(() => arrangement.Start(FlexiRules.StartGates(agreement, risk, told, olol), agreement.StartDate, today, today, null, Now));
        Assert.Contains("the trust notified", e.Message, StringComparison.Ordinal);
        told.Add(ArrangementConsent.Record(arrangement, FlexiRules.Consents(olol)[1], ConsentAnswer.Told, today, "Link DPS", null, null, today, null, Now.AddMinutes(1)).Consent);
        arrangement.Start(FlexiRules.StartGates(agreement, risk, told, olol), agreement.StartDate, today, today, null, Now);
        Assert.Equal((ArrangementStage.Running, today), (arrangement.Stage, arrangement.StartedOn));
    }

    [Fact]
    public void A_notification_is_recorded_once_the_arrangement_is_agreed_dated_on_or_after_the_decision()
    {
        // 002 §5.1: the local authority is told of an agreed arrangement; through the one consents mechanism (ADR 0018).
        var arrangement = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        var la = FlexiRules.Consents(Flexi(PolicyTemplates.Ddat)).Single();
        Assert.Equal("notify-agreed-case", Assert.Throws<DomainRuleException>(() => ArrangementConsent.Record(arrangement, la, ConsentAnswer.Told, new DateOnly(2025, 5, 2), "LA", null, null, new DateOnly(2025, 5, 2), null, Now)).Rule);
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, Now);
        Assert.Equal(("notify-agreed-case", "On"), Assert.Throws<DomainRuleException>(() => ArrangementConsent.Record(arrangement, la, ConsentAnswer.Told, new DateOnly(2025, 5, 1), "LA", null, null, new DateOnly(2025, 5, 2), null, Now)) is var e ? (e.Rule, e.Field) : default);
        var (told, recorded) = ArrangementConsent.Record(arrangement, la, ConsentAnswer.Told, new DateOnly(2025, 5, 2), "Derby City Council, EHE team", null, null, new DateOnly(2025, 5, 2), null, Now);
        Assert.Equal((ConsentParty.LocalAuthority, "Local authority told"), (told.Party, recorded.What));
    }

    [Fact]
    public void A_redraft_of_the_agreement_must_be_signed_again()
    {
        var today = new DateOnly(2025, 5, 12);
        var arrangement = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, Now);
        var terms = new AgreementTerms("a", "b", "c", "d", "e", "f", "g", "h", new DateOnly(2025, 5, 12), SessionPattern.Of([(DayOfWeek.Monday, Attendance.Session.AM)]));
        var (agreement, _) = FlexiAgreement.DraftFor(arrangement, terms, Summer2025(), null, Now);
        agreement.Sign(arrangement, parent: true, "Sarah Patel", today, today, null, Now);
        agreement.Sign(arrangement, parent: false, "Mrs Head", today, today, null, Now);
        Assert.True(agreement.SignedByBoth);
        agreement.Revise(arrangement, terms with { Rationale = "changed" }, Summer2025(), null, Now);
        Assert.False(agreement.SignedByBoth);
        Assert.Null(agreement.ParentSignedOn);
        Assert.Equal("sign-date", Assert.Throws<DomainRuleException>(() => agreement.Sign(arrangement, parent: true, "Sarah Patel", today.AddDays(1), today, null, Now)).Rule);
    }

    [Fact]
    public void Home_sessions_become_expected_marks_with_the_profiles_code_not_expected_in_school()
    {
        // In school Monday to Wednesday all day and Thursday morning: home on Thursday afternoon and all Friday.
        var pattern = SessionPattern.Of([.. SessionPattern.Weekdays.Take(3).SelectMany(d => new[] { (d, Attendance.Session.AM), (d, Attendance.Session.PM) }), (DayOfWeek.Thursday, Attendance.Session.AM)]);
        var marks = pattern.CoveredSessionsAsExpectedMarks(School, Guid.NewGuid(), new DateOnly(2025, 5, 12), DateOnly.MaxValue, Flexi(PolicyTemplates.Hinckley).HomeSessionCode, "Flexi-schooling (home)");
        Assert.Equal(2, marks.Count);
        Assert.All(marks, m => Assert.Equal(("C", false), (m.Code, m.ExpectedInSchool)));
        Assert.True(marks.Single(m => m.Sessions == Attendance.Sessions.Both).Covers(new DateOnly(2025, 5, 16), Attendance.Session.AM)); // Friday
        Assert.True(marks.Single(m => m.Sessions == Attendance.Sessions.PM).Covers(new DateOnly(2025, 5, 15), Attendance.Session.PM)); // Thursday afternoon
        Assert.DoesNotContain(marks, m => m.Covers(new DateOnly(2025, 5, 15), Attendance.Session.AM) || m.Covers(new DateOnly(2025, 5, 12), Attendance.Session.AM));
    }

    [Fact]
    public void Notice_ends_only_a_running_arrangement_after_its_decision_with_a_reason()
    {
        var today = new DateOnly(2025, 5, 20);
        var arrangement = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        Assert.Equal("notice-running", Assert.Throws<DomainRuleException>(() => arrangement.GiveNotice("School", today, today.AddDays(14), "r", today, null, Now)).Rule);
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, Now);
        arrangement.Start([], new DateOnly(2025, 5, 12), new DateOnly(2025, 5, 12), today, null, Now);
        Assert.Equal("notice-date", Assert.Throws<DomainRuleException>(() => arrangement.GiveNotice("School", new DateOnly(2025, 5, 1), today, "r", today, null, Now)).Rule);
        Assert.Equal("notice-reason", Assert.Throws<DomainRuleException>(() => arrangement.GiveNotice("School", today, today.AddDays(14), " ", today, null, Now)).Rule);
        var ended = arrangement.GiveNotice("School", today, FlexiRules.EndDate(today, NoticeGivenBy.School, Flexi(PolicyTemplates.Ddat)), "Attendance fell", today, null, Now);
        Assert.Equal((ArrangementStage.Ended, new DateOnly(2025, 6, 3)), (arrangement.Stage, arrangement.EndsOn));
        Assert.Equal("Notice given by the school", ended.What);
    }

    [Fact]
    public void Notice_dated_before_the_arrangement_started_is_refused()
    {
        // Issue 11: the decision was on 2 May, the arrangement began on 12 May; notice dated 7 May ends nothing.
        var today = new DateOnly(2025, 5, 20);
        var arrangement = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, Now);
        arrangement.Start([], new DateOnly(2025, 5, 12), new DateOnly(2025, 5, 12), today, null, Now);
        var e = Assert.Throws<DomainRuleException>(() => arrangement.GiveNotice("School", new DateOnly(2025, 5, 7), new DateOnly(2025, 5, 21), "r", today, null, Now));
        Assert.Equal(("notice-after-start", "NoticeGivenOn"), (e.Rule, e.Field));
        arrangement.GiveNotice("School", new DateOnly(2025, 5, 12), new DateOnly(2025, 5, 26), "r", today, null, Now);
    }

    [Fact]
    public void A_case_starts_on_its_agreed_start_date_not_the_day_someone_presses_start()
    {
        // Issue 11: an agreement "to start 21 September" started on 1 December ran from 1 December, so its agreed sessions
        // before then never counted. Started before the agreed date, it starts on that date; after it, on the day it began.
        var agreed = new DateOnly(2025, 9, 22);
        Assert.Equal(agreed, Arrangement.StartDate(agreed, new DateOnly(2025, 9, 15), today: new DateOnly(2025, 9, 15)));
        Assert.Equal(agreed, Arrangement.StartDate(agreed, agreed, today: new DateOnly(2025, 12, 1)));
        Assert.Equal(new DateOnly(2025, 9, 29), Arrangement.StartDate(agreed, new DateOnly(2025, 9, 29), today: new DateOnly(2025, 12, 1)));
        Assert.Equal("start-not-before-agreed-date", Assert.Throws<DomainRuleException>(() => Arrangement.StartDate(agreed, new DateOnly(2025, 9, 19), new DateOnly(2025, 12, 1))).Rule);
        Assert.Equal("start-began-not-future", Assert.Throws<DomainRuleException>(() => Arrangement.StartDate(agreed, new DateOnly(2025, 12, 2), new DateOnly(2025, 12, 1))).Rule);

        // Through a flexi start: the home sessions are expected from the day it began, and the first review is counted from it.
        var arrangement = Met(new DateOnly(2025, 9, 1), new DateOnly(2025, 9, 3));
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 9, 4), Guid.NewGuid(), null, Now);
        var calendar = new SchoolCalendar([new Term(School, "Autumn 2025", new(2025, 9, 3), new(2025, 12, 19), new(2025, 10, 27), new(2025, 10, 31))], [], BankHolidayFeed.Shipped().Select(b => b.Date));
        var (agreement, _) = FlexiAgreement.DraftFor(arrangement, new AgreementTerms("a", "b", "c", "d", "e", "f", "g", "h", agreed, SessionPattern.Of([(DayOfWeek.Monday, Attendance.Session.AM)])), calendar, null, Now);
        var start = FlexiRules.Start(arrangement, agreement, [], Flexi(PolicyTemplates.Ddat), calendar, agreement.StartDate, new DateOnly(2025, 12, 1), null, Now);
        Assert.Equal(agreed, arrangement.StartedOn);
        Assert.All(start.ExpectedMarks, m => Assert.Equal(agreed, m.From));
    }

    private static Arrangement Running(DateOnly startedOn)
    {
        var arrangement = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, Now);
        arrangement.Start([], startedOn, startedOn, startedOn, null, Now);
        return arrangement;
    }

    [Theory]
    [InlineData(PolicyTemplates.Ddat, 2025, 7, 22)]     // 000: termly, the end of the summer term
    [InlineData(PolicyTemplates.Hinckley, 2025, 5, 23)] // 003: half-termly, the Friday before the May half term
    public void Reviews_fall_due_at_the_end_of_the_term_or_half_term_the_profile_sets(string template, int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), FlexiRules.NextReviewDue(Summer2025(), new DateOnly(2025, 5, 12), Flexi(template)));
        var (review, scheduled) = ArrangementReview.Schedule(Running(new DateOnly(2025, 5, 12)), new DateOnly(year, month, day), null, Now);
        Assert.Equal((ReviewKind.Scheduled, false), (review.Kind, review.IsHeld));
        Assert.Equal("Review scheduled", scheduled.What);
    }

    [Fact]
    public void A_formal_review_is_raised_below_the_threshold_with_its_reason_and_for_progress_below_standard()
    {
        // Worked example 1's figures, in words: 34 of 36 agreed sessions under DDAT (97%).
        var low = new Attendance.AttendanceFigures(60, 34, 0, 24, 2, 36, 34);
        Assert.Equal("Attendance at the agreed school sessions is 94.4% (34 of 36), below the school's threshold of 97%.", FlexiRules.FormalReviewReason(low, Flexi(PolicyTemplates.Ddat)));
        Assert.Null(FlexiRules.FormalReviewReason(low with { ExpectedAttended = 35 }, Flexi(PolicyTemplates.Ddat)));
        Assert.Null(FlexiRules.FormalReviewReason(low, Flexi(PolicyTemplates.Emet))); // 004 §10 sets no attendance trigger
        Assert.StartsWith("Progress was recorded below the accepted standard", FlexiRules.ProgressReason(new DateOnly(2025, 6, 2)), StringComparison.Ordinal);
        Assert.Equal("formal-review-running", Assert.Throws<DomainRuleException>(() => ArrangementReview.RaiseFormal(Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1)), new DateOnly(2025, 5, 2), "x", null, null, Now)).Rule);
    }

    [Fact]
    public void A_formal_review_needing_the_trust_leads_agreement_is_held_only_after_it_and_records_every_part()
    {
        var today = new DateOnly(2025, 6, 20);
        var arrangement = Running(new DateOnly(2025, 5, 12));
        var (review, raised) = ArrangementReview.RaiseFormal(arrangement, new DateOnly(2025, 6, 16), "Attendance low.", Flexi(PolicyTemplates.Ddat).FormalReviewAgreedBy, null, Now);
        Assert.Contains("with the agreement of the Deputy CEO", raised.Detail, StringComparison.Ordinal);
        var record = new ReviewRecord(today, "Head, parent", "Behind in maths", false, "Diary", "Likes it", ReviewOutcome.Continue, "Carry on");
        Assert.Equal("formal-review-needs-agreement", Assert.Throws<DomainRuleException>(() => review.Hold(arrangement, record, 34, 36, today, null, Now)).Rule);
        Assert.Equal("formal-review-agreement-date", Assert.Throws<DomainRuleException>(() => review.Agree(arrangement, new DateOnly(2025, 6, 15), "Deputy", today, null, Now)).Rule);
        review.Agree(arrangement, today, "Pat Deputy", today, null, Now);
        Assert.Equal("formal-review-agreement-once", Assert.Throws<DomainRuleException>(() => review.Agree(arrangement, today, "Pat Deputy", today, null, Now)).Rule);

        var missing = Assert.Throws<DomainRuleException>(() => review.Hold(arrangement, record with { PupilView = " " }, 34, 36, today, null, Now));
        Assert.Equal(("review-complete", "PupilView"), (missing.Rule, missing.Field));
        Assert.Equal("review-date", Assert.Throws<DomainRuleException>(() => review.Hold(arrangement, record with { HeldOn = today.AddDays(1) }, 34, 36, today, null, Now)).Rule);
        var held = review.Hold(arrangement, record, 34, 36, today, null, Now);
        Assert.Equal((94.4m, ReviewOutcome.Continue), (review.AttendedPercent, review.Outcome));
        Assert.Contains("94.4% (34 of 36)", held.Detail, StringComparison.Ordinal);
        Assert.Equal("review-held-once", Assert.Throws<DomainRuleException>(() => review.Hold(arrangement, record, 34, 36, today, null, Now)).Rule);
    }

    [Fact]
    public void A_review_looks_back_to_the_day_after_the_last_one_of_its_kind_was_held_or_to_the_start()
    {
        var start = new DateOnly(2025, 5, 12);
        var arrangement = Running(start);
        var record = new ReviewRecord(new DateOnly(2025, 6, 20), "Head, parent", "On track", false, "Diary", "Likes it", ReviewOutcome.Continue, "Carry on");
        var (first, _) = ArrangementReview.Schedule(arrangement, new DateOnly(2025, 7, 18), null, Now);
        var (second, _) = ArrangementReview.Schedule(arrangement, new DateOnly(2025, 12, 19), null, Now);
        Assert.Equal(start, ArrangementReview.PeriodStart(start, [first, second]));
        first.Hold(arrangement, record, 30, 30, new DateOnly(2025, 7, 1), null, Now);
        // The trigger and the next review count from the day after; the held review itself still covers its own period.
        Assert.Equal(new DateOnly(2025, 6, 21), ArrangementReview.PeriodStart(start, [first, second]));
        Assert.Equal(new DateOnly(2025, 6, 21), ArrangementReview.PeriodStart(start, [first, second], second));
        Assert.Equal(start, ArrangementReview.PeriodStart(start, [first, second], first));
    }

    [Fact]
    public void A_signing_link_signs_only_the_draft_it_was_sent_for_once_before_it_expires()
    {
        var today = new DateOnly(2025, 5, 12);
        var arrangement = Met(new DateOnly(2025, 4, 28), new DateOnly(2025, 5, 1));
        arrangement.Decide(DecisionOutcome.Agreed, AllMet(), null, new DateOnly(2025, 5, 2), Guid.NewGuid(), null, Now);
        var terms = new AgreementTerms("a", "b", "c", "d", "e", "f", "g", "h", today, SessionPattern.Of([(DayOfWeek.Monday, Attendance.Session.AM)]));
        var (agreement, _) = FlexiAgreement.DraftFor(arrangement, terms, Summer2025(), null, Now);
        Assert.Equal("signature-link-email", Assert.Throws<DomainRuleException>(() => AgreementSignatureLink.Send(arrangement, agreement, "no-at-sign", "Sarah", null, Now)).Rule);
        var (link, token, _) = AgreementSignatureLink.Send(arrangement, agreement, "sarah@example.org", "Sarah Patel", null, Now);
        Assert.Equal(OneTimeToken.Hash(token), link.TokenHash);
        Assert.NotEqual(token, link.TokenHash);

        // Expired after its lifetime (and no longer shown as sent); void once the agreement is redrafted.
        Assert.True(link.IsOutstanding(Now + AgreementSignatureLink.Lifetime - TimeSpan.FromMinutes(1)));
        Assert.False(link.IsOutstanding(Now + AgreementSignatureLink.Lifetime));
        Assert.Contains("expired", link.Unusable(arrangement, agreement, Now + AgreementSignatureLink.Lifetime), StringComparison.Ordinal);
        agreement.Revise(arrangement, terms with { Rationale = "changed" }, Summer2025(), null, Now);
        Assert.Contains("changed since this link was sent", link.Unusable(arrangement, agreement, Now), StringComparison.Ordinal);

        var (second, _, _) = AgreementSignatureLink.Send(arrangement, agreement, "sarah@example.org", "Sarah Patel", null, Now);
        Assert.Equal("signature-link-confirm", Assert.Throws<DomainRuleException>(() => second.Sign(arrangement, agreement, "Sarah Patel", confirmed: false, today, Now)).Rule);
        second.Sign(arrangement, agreement, "Sarah Patel", confirmed: true, today, Now);
        Assert.False(second.IsOutstanding(Now));
        Assert.Equal((SignatureMethod.TypedNameByLink, "Sarah Patel"), (agreement.ParentSignedVia!.Value, agreement.ParentSignedBy!));
        Assert.Equal("signature-link-usable", Assert.Throws<DomainRuleException>(() => second.Sign(arrangement, agreement, "Sarah Patel", true, today, Now)).Rule);
    }
}
