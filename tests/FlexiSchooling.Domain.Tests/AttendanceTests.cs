using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;

namespace FlexiSchooling.Domain.Tests;

public sealed class AttendanceTests
{
    private static readonly RegisterSettings Hinckley = PolicyTemplates.Get(PolicyTemplates.Hinckley).Settings.Registers; // open 20 minutes
    private static readonly DateOnly Monday = new(2025, 1, 6);

    private static AttendanceFigures Figures(params string[] codes) =>
        AttendanceFigures.From(codes.Select(c => (AttendanceCodeSet.Dfe2024[c].Category, true)));

    [Fact]
    public void Code_set_is_the_full_dfe_2024_set_with_a_category_for_each_code()
    {
        var set = AttendanceCodeSet.Dfe2024;
        Assert.Equal(new DateOnly(2024, 8, 19), set.EffectiveFrom);
        string[] all = ["/", "\\", "L", "K", "V", "P", "W", "B", "D", "C1", "M", "J1", "S", "C2", "C", "X", "T", "R", "I", "E", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "G", "N", "O", "U", "Z", "#"];
        Assert.Equal(all.Order(), set.Codes.Select(c => c.Code).Order());
        Assert.Equal(AttendanceCategory.ApprovedEducationalActivity, set["B"].Category);
        Assert.Equal(AttendanceCategory.Authorised, set["C2"].Category);
        Assert.Equal(AttendanceCategory.Unauthorised, set["U"].Category);
        Assert.Equal(AttendanceCategory.NotPossible, set["D"].Category);
        Assert.Equal(AttendanceCategory.Administrative, set["#"].Category);
        Assert.Same(set, AttendanceCodeSet.For(new DateOnly(2026, 1, 1)));
    }

    [Fact]
    public void Attendance_counts_every_category_correctly()
    {
        // Attending: / L B (3). Authorised: C I (2). Unauthorised: N U G (3). Not possible: D X Q Y1 # Z.
        var f = Figures("/", "L", "B", "C", "I", "N", "U", "G", "D", "X", "Q", "Y1", "#", "Z");
        Assert.Equal(8, f.Possible);
        Assert.Equal(3, f.Attending);
        Assert.Equal(2, f.Authorised);
        Assert.Equal(3, f.Unauthorised);
        Assert.Equal(37.5m, f.Percent);
    }

    [Fact]
    public void Persistent_absence_is_ten_percent_or_more_and_severe_fifty_percent_or_more()
    {
        var settings = PolicyTemplates.Get(PolicyTemplates.Ddat).Settings.Attendance;
        var ninety = Figures([.. Enumerable.Repeat("/", 9), "I"]);
        Assert.True(ninety.IsPersistentAbsence(settings));
        Assert.False(Figures([.. Enumerable.Repeat("/", 10), "I"]).IsPersistentAbsence(settings)); // 90.9%
        Assert.True(Figures("/", "O").IsSevereAbsence(settings));
        Assert.False(Figures("/", "/", "O").IsSevereAbsence(settings));
        Assert.Null(Figures("X", "#").Percent); // no possible sessions
    }

    [Fact]
    public void Late_before_the_register_closes_is_L_and_after_it_is_U()
    {
        RegisterRules.CheckLateness("L", 20, Hinckley);
        RegisterRules.CheckLateness("U", 21, Hinckley);
        Assert.Equal("late-before-close", Assert.Throws<DomainRuleException>(() => RegisterRules.CheckLateness("L", 25, Hinckley)).Rule);
        Assert.Equal("late-after-close", Assert.Throws<DomainRuleException>(() => RegisterRules.CheckLateness("U", 10, Hinckley)).Rule);
        Assert.Equal("late-needs-minutes", Assert.Throws<DomainRuleException>(() => RegisterRules.CheckLateness("L", null, Hinckley)).Rule);
        Assert.Equal(AttendanceCategory.Present, AttendanceCodeSet.Dfe2024["L"].Category);
        Assert.Equal(AttendanceCategory.Unauthorised, AttendanceCodeSet.Dfe2024["U"].Category);
    }

    [Fact]
    public void A_locked_mark_needs_a_reason_and_every_change_is_kept()
    {
        var now = DateTimeOffset.UtcNow;
        var user = Guid.NewGuid();
        var (mark, first) = AttendanceMark.Record(Guid.NewGuid(), Guid.NewGuid(), Monday, Session.AM, new MarkEntry("N", null, null), Hinckley, Monday, user, now, null);
        Assert.Null(first.OldCode);
        Assert.Equal("N", first.NewCode);

        // The same day, replacing N (no reason yet provided): no reason needed. Nothing changed: no history entry.
        Assert.Single(mark.Change(new MarkEntry("I", null, null), Hinckley, Monday, user, now, null));
        Assert.Empty(mark.Change(new MarkEntry("i", null, null), Hinckley, Monday, user, now, null));

        // The next day the mark is locked.
        var tuesday = Monday.AddDays(1);
        var e = Assert.Throws<DomainRuleException>(() => mark.Change(new MarkEntry("M", null, null), Hinckley, tuesday, user, now, null));
        Assert.Equal("locked-mark-needs-reason", e.Rule);
        Assert.Equal("I", mark.Code);
        var change = Assert.Single(mark.Change(new MarkEntry("M", null, null), Hinckley, tuesday, user, now, "Appointment letter seen"));
        Assert.Equal(("I", "M", "Appointment letter seen"), (change.OldCode, change.NewCode, change.Reason));
    }

    [Fact]
    public void A_saved_mark_changed_to_another_code_needs_a_reason_even_on_the_day_except_replacing_N()
    {
        var now = DateTimeOffset.UtcNow;
        var user = Guid.NewGuid();
        var (mark, _) = AttendanceMark.Record(Guid.NewGuid(), Guid.NewGuid(), Monday, Session.AM, new MarkEntry("/", null, null), Hinckley, Monday, user, now, null);
        var e = Assert.Throws<DomainRuleException>(() => mark.Change(new MarkEntry("I", null, null), Hinckley, Monday, user, now, null));
        Assert.Equal("changed-mark-needs-reason", e.Rule);
        Assert.Equal(nameof(MarkEntry.Reason), e.Field);
        Assert.Equal("/", mark.Code);
        var change = Assert.Single(mark.Change(new MarkEntry("I", null, null), Hinckley, Monday, user, now, "Sent home unwell at 9:20"));
        Assert.Equal(("/", "I", "Sent home unwell at 9:20"), (change.OldCode, change.NewCode, change.Reason));
        Assert.Single(mark.Change(new MarkEntry("I", null, "Collected by mum"), Hinckley, Monday, user, now, null)); // the same code with a comment: no reason asked

        Assert.True(RegisterRules.ChangeNeedsReason("/", "L"));
        Assert.False(RegisterRules.ChangeNeedsReason("N", "I"));
        Assert.False(RegisterRules.ChangeNeedsReason("I", "I"));
    }

    [Fact]
    public void An_imported_mark_keeps_its_first_entry_until_its_first_change_writes_it_out_as_recorded()
    {
        // ADR 0017: the import batch is the record of the file; the mark's own fields are its first entry until it changes.
        var importedAt = DateTimeOffset.UtcNow.AddDays(-3);
        var officer = Guid.NewGuid();
        var mark = AttendanceMark.Import(Guid.NewGuid(), Guid.NewGuid(), Monday, Session.AM, new MarkEntry("M", null, null, SubReason: "Hospital appointment"), Hinckley, Monday.AddDays(3), officer, importedAt, "Imported from sims.csv");
        var kept = mark.FirstEntry!;
        Assert.Equal((null, "M", "Hospital appointment", "Imported from sims.csv", officer, importedAt), (kept.OldCode, kept.NewCode, kept.SubReason, kept.Reason, kept.ChangedBy, kept.ChangedAt));

        // Nothing changed: nothing written, the entry still kept.
        Assert.Empty(mark.Change(new MarkEntry("m", null, null, SubReason: "Hospital appointment"), Hinckley, Monday.AddDays(3), officer, importedAt, null));
        Assert.NotNull(mark.FirstEntry);

        // The first change writes the first entry out, as imported, before the change itself.
        var head = Guid.NewGuid();
        var history = mark.Change(new MarkEntry("I", null, null), Hinckley, Monday.AddDays(4), head, DateTimeOffset.UtcNow, "Parent called: ill, not at the dentist");
        Assert.Equal(2, history.Count);
        Assert.Equal((null, "M", "Hospital appointment", "Imported from sims.csv", officer, importedAt), (history[0].OldCode, history[0].NewCode, history[0].SubReason, history[0].Reason, history[0].ChangedBy, history[0].ChangedAt));
        Assert.Equal(("M", "I", head), (history[1].OldCode, history[1].NewCode, history[1].ChangedBy));
        Assert.Null(mark.FirstEntry);
        Assert.Null(mark.FirstEntryReason);

        // Later changes are ordinary ones.
        Assert.Single(mark.Change(new MarkEntry("O", null, null), Hinckley, Monday.AddDays(5), head, DateTimeOffset.UtcNow, "No reason given after all"));
    }

    [Fact]
    public void Present_typed_as_slash_in_the_afternoon_is_recorded_as_backslash()
    {
        var (mark, _) = AttendanceMark.Record(Guid.NewGuid(), Guid.NewGuid(), Monday, Session.PM, new MarkEntry("/", null, null), Hinckley, Monday, null, DateTimeOffset.UtcNow, null);
        Assert.Equal("\\", mark.Code);
        Assert.Throws<DomainRuleException>(() => AttendanceMark.Record(Guid.NewGuid(), Guid.NewGuid(), Monday, Session.AM, new MarkEntry("QQ", null, null), Hinckley, Monday, null, DateTimeOffset.UtcNow, null));
    }

    [Fact]
    public void Registers_are_for_school_days_and_pupils_on_roll()
    {
        var school = Guid.NewGuid();
        var calendar = new SchoolCalendar([new Term(school, "Spring 2025", new(2025, 1, 6), new(2025, 4, 4), new(2025, 2, 17), new(2025, 2, 21))], [], BankHolidayFeed.Shipped().Select(b => b.Date));
        var pupil = new Pupil(school, Upns.Create("801200001001"), "Ada", "Lovelace", new(2015, 1, 1), 5, admissionDate: new DateOnly(2025, 2, 3));
        SessionRules.CheckMarkable(calendar, pupil, new DateOnly(2025, 2, 3));
        Assert.Equal("register-school-days-only", Assert.Throws<DomainRuleException>(() => SessionRules.CheckMarkable(calendar, pupil, new DateOnly(2025, 2, 18))).Rule);
        Assert.Equal("register-school-days-only", Assert.Throws<DomainRuleException>(() => SessionRules.CheckMarkable(calendar, pupil, new DateOnly(2025, 2, 8))).Rule);
        // Admitted mid-year: sessions before admission are not the pupil's.
        Assert.Equal("register-on-roll-only", Assert.Throws<DomainRuleException>(() => SessionRules.CheckMarkable(calendar, pupil, new DateOnly(2025, 1, 31))).Rule);
    }

    [Fact]
    public void Registers_to_complete_are_the_school_day_befores_both_and_this_mornings_in_the_afternoon()
    {
        // 003 §3 and §7: an entry for every pupil on roll in every session, all registers up to date by the end of each day.
        // Spring 2025: half-term 17–21 February.
        var school = Guid.NewGuid();
        var calendar = new SchoolCalendar([new Term(school, "Spring 2025", new(2025, 1, 6), new(2025, 4, 4), new(2025, 2, 17), new(2025, 2, 21))], [], BankHolidayFeed.Shipped().Select(b => b.Date));
        var wednesday = new DateOnly(2025, 1, 8);
        var tuesday = new DateOnly(2025, 1, 7);
        Assert.Equal([(tuesday, Session.AM), (tuesday, Session.PM)], RegisterRules.EarlierSessionsToComplete(calendar, wednesday, Session.AM));
        // In the afternoon this morning's register is earlier too, after the day before's.
        Assert.Equal([(tuesday, Session.AM), (tuesday, Session.PM), (wednesday, Session.AM)], RegisterRules.EarlierSessionsToComplete(calendar, wednesday, Session.PM));
        // On Monday Friday's; on a Saturday afternoon Friday's and no morning of its own; after half-term the Friday before it.
        var friday = new DateOnly(2025, 1, 10);
        Assert.Equal([(friday, Session.AM), (friday, Session.PM)], RegisterRules.EarlierSessionsToComplete(calendar, new DateOnly(2025, 1, 13), Session.AM));
        Assert.Equal([(friday, Session.AM), (friday, Session.PM)], RegisterRules.EarlierSessionsToComplete(calendar, new DateOnly(2025, 1, 11), Session.PM));
        var beforeHalfTerm = new DateOnly(2025, 2, 14);
        Assert.Equal([(beforeHalfTerm, Session.AM), (beforeHalfTerm, Session.PM)], RegisterRules.EarlierSessionsToComplete(calendar, new DateOnly(2025, 2, 24), Session.AM));
        // The first morning of the first term has nothing before it; its afternoon has its morning.
        Assert.Empty(RegisterRules.EarlierSessionsToComplete(calendar, new DateOnly(2025, 1, 6), Session.AM));
        Assert.Equal([(new DateOnly(2025, 1, 6), Session.AM)], RegisterRules.EarlierSessionsToComplete(calendar, new DateOnly(2025, 1, 6), Session.PM));
    }

    [Fact]
    public void The_session_in_progress_is_the_afternoon_from_when_the_schools_afternoon_register_opens()
    {
        // 003 §3: registers at the start of the morning session and during the afternoon session; the afternoon opens when the
        // school's profile says, not at noon.
        var registers = new RegisterSettings(new TimeOnly(8, 30), new TimeOnly(13, 15), 20);
        Assert.Equal(Session.AM, RegisterRules.SessionAt(new TimeOnly(7, 0), registers));
        Assert.Equal(Session.AM, RegisterRules.SessionAt(new TimeOnly(12, 0), registers));
        Assert.Equal(Session.AM, RegisterRules.SessionAt(new TimeOnly(13, 14, 59), registers));
        Assert.Equal(Session.PM, RegisterRules.SessionAt(new TimeOnly(13, 15), registers));
        Assert.Equal(Session.PM, RegisterRules.SessionAt(new TimeOnly(23, 59), registers));
        // A profile whose afternoon register opens before noon is in its afternoon before noon.
        Assert.Equal(Session.PM, RegisterRules.SessionAt(new TimeOnly(11, 50), registers with { PmOpens = new TimeOnly(11, 45) }));
    }

    [Fact]
    public void A_pupil_is_on_roll_from_the_admission_day_to_the_leaving_day()
    {
        var pupil = new Pupil(Guid.NewGuid(), Upns.Create("801200001001"), "Ada", "Lovelace", new(2015, 1, 1), 5, admissionDate: new DateOnly(2025, 2, 3));
        Assert.False(pupil.IsOnRoll(new(2025, 2, 2)));
        Assert.True(pupil.IsOnRoll(new(2025, 2, 3)));
        Assert.True(pupil.IsOnRoll(new(2030, 1, 1)));
        pupil.SetRoll(new(2025, 2, 3), new(2025, 7, 18));
        Assert.True(pupil.IsOnRoll(new(2025, 7, 18)));
        Assert.False(pupil.IsOnRoll(new(2025, 7, 19)));

        // The query form is the same expression with the date in it: inlined, it gives the same answers.
        var query = Pupil.OnRollOn(new(2025, 7, 18)).Compile();
        Assert.True(query(pupil));
        Assert.False(Pupil.OnRollOn(new(2025, 7, 19)).Compile()(pupil));
        Assert.False(Pupil.OnRollOn(new(2025, 2, 2)).Compile()(pupil));
        Assert.DoesNotContain("Invoke", Pupil.OnRollOn(new(2025, 7, 18)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pupil_is_on_roll_during_a_span_when_on_roll_on_any_day_of_it()
    {
        // Pupil.OnRollDuring reads several days' rolls at once (the home page's registers, today's and the school day
        // before's): for every span and every admission and leaving around it, it must say what asking each day would.
        var start = new DateOnly(2025, 3, 1);
        var days = Enumerable.Range(0, 8).Select(start.AddDays).ToList();
        var pupil = new Pupil(Guid.NewGuid(), Upns.Create("801200001001"), "Ada", "Lovelace", new(2015, 1, 1), 5, admissionDate: start);
        var cases = 0;
        foreach (var admitted in days)
        {
            foreach (var left in days.Where(d => d >= admitted).Select(d => (DateOnly?)d).Append(null))
            {
                pupil.SetRoll(admitted, left);
                foreach (var first in days.Skip(1).SkipLast(1))
                {
                    foreach (var last in days.Skip(1).SkipLast(1).Where(d => d >= first))
                    {
                        var anyDay = days.Where(d => d >= first && d <= last).Any(pupil.IsOnRoll);
                        Assert.Equal(anyDay, Pupil.OnRollDuring(first, last).Compile()(pupil));
                        Assert.All(days, d => Assert.Equal(pupil.IsOnRoll(d), Pupil.WasOnRoll(admitted, left, d)));
                        cases++;
                    }
                }
            }
        }

        Assert.Equal(44 * 21, cases);
        Assert.DoesNotContain("Invoke", Pupil.OnRollDuring(start, start).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Expected_mark_covers_its_dates_sessions_and_weekdays()
    {
        var flexiHome = new ExpectedMark(Guid.NewGuid(), Guid.NewGuid(), Monday, Monday.AddDays(27), Sessions.Both, new HashSet<DayOfWeek> { DayOfWeek.Thursday, DayOfWeek.Friday }, "C", expectedInSchool: false, "Flexi-schooling", null);
        Assert.True(flexiHome.Covers(new DateOnly(2025, 1, 9), Session.AM));   // Thursday
        Assert.False(flexiHome.Covers(new DateOnly(2025, 1, 8), Session.AM));  // Wednesday
        Assert.False(flexiHome.Covers(Monday.AddDays(28 + 3), Session.PM));      // after the range
        var leave = new ExpectedMark(Guid.NewGuid(), Guid.NewGuid(), Monday, Monday, Sessions.PM, null, "M", false, "Leave of absence", null);
        Assert.False(leave.Covers(Monday, Session.AM));
        Assert.True(leave.Covers(Monday, Session.PM));
        leave.Withdraw(DateTimeOffset.UtcNow);
        Assert.False(leave.Covers(Monday, Session.PM));
    }

    /// <summary>domain.md worked example 1: home sessions never lower the figure flexi reviews use.</summary>
    [Theory]
    [InlineData(PolicyTemplates.Ddat, 35, 36, false)]      // 97.2%: not below 97
    [InlineData(PolicyTemplates.Hinckley, 35, 36, false)]
    [InlineData(PolicyTemplates.Ddat, 34, 36, true)]       // 94.4%: below both
    [InlineData(PolicyTemplates.Hinckley, 34, 36, true)]
    [InlineData(PolicyTemplates.Ddat, 69, 72, true)]       // 95.8%: only DDAT
    [InlineData(PolicyTemplates.Hinckley, 69, 72, false)]
    public void Formal_review_when_agreed_session_attendance_below_threshold(string template, int present, int agreed, bool expected)
    {
        // 3 agreed days a week in school (6 sessions), 2 days at home (4 sessions, code C, not expected in school).
        var homeSessions = agreed / 6 * 4;
        var marks = Enumerable.Repeat((AttendanceCategory.Present, true), present)
            .Concat(Enumerable.Repeat((AttendanceCategory.Unauthorised, true), agreed - present))
            .Concat(Enumerable.Repeat((AttendanceCategory.Authorised, false), homeSessions));
        var figures = AttendanceFigures.From(marks);
        Assert.Equal(agreed, figures.ExpectedPossible);
        Assert.Equal(agreed + homeSessions, figures.Possible);
        Assert.True(figures.AdjustedPercent > figures.Percent); // the statutory figure counts home sessions as absence
        Assert.Equal(expected, FlexiRules.FormalReviewDue(figures, PolicyTemplates.Get(template).Settings.Flexi));
    }

    [Fact]
    public void Weekly_summaries_are_keyed_by_monday_and_add_up()
    {
        Assert.Equal(Monday, AttendanceFigures.WeekOf(new DateOnly(2025, 1, 12)));
        Assert.Equal(Monday, AttendanceFigures.WeekOf(Monday));
        Assert.Equal(Figures("/", "I", "N", "/"), Figures("/", "I") + Figures("N", "/"));
    }

    [Fact]
    public void Summaries_moved_by_each_marks_move_equal_the_figures_counted_again_from_the_marks()
    {
        // ADR 0056: a save adds its marks' moves onto the summaries — a new mark its figures, a changed one its new figures
        // less its old. Over random registers and random changes (expected in school or not, every code but the two late
        // ones, whose minutes have rules of their own), the week and year so moved always equal the domain's count of the
        // marks as they end.
        var random = new Random(20261207);
        var codes = AttendanceCodeSet.Dfe2024.Codes.Where(c => c.Code is not ("L" or "U")).Select(c => c.Code).ToArray();
        var (school, pupil) = (Guid.NewGuid(), Guid.NewGuid());
        var days = Enumerable.Range(0, 10).Select(d => new DateOnly(2026, 8, 24).AddDays(d)).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        var marks = new List<AttendanceMark>();
        var moved = new Dictionary<(DateOnly Week, DateOnly Year), AttendanceFigures>();
        void Move(SummaryMove move)
        {
            Assert.Equal((school, pupil), (move.SchoolId, move.PupilId));
            var key = (AttendanceFigures.SummaryWeekOf(move.Date), AcademicYear.Containing(move.Date).Start);
            moved[key] = moved.GetValueOrDefault(key, AttendanceFigures.Zero) + move.By;
        }

        MarkEntry Entry()
        {
            var code = codes[random.Next(codes.Length)];
            return new MarkEntry(code, null, null, ExpectedInSchool: random.Next(3) != 0);
        }

        foreach (var day in days)
        {
            foreach (var session in new[] { Session.AM, Session.PM })
            {
                var (mark, _) = AttendanceMark.Record(school, pupil, day, session, Entry(), Hinckley, day, null, DateTimeOffset.UtcNow, null);
                marks.Add(mark);
                Move(SummaryMove.Added(mark));
            }
        }

        for (var i = 0; i < 200; i++)
        {
            var mark = marks[random.Next(marks.Count)];
            var before = mark.Counted;
            mark.Change(Entry(), Hinckley, mark.Date, null, DateTimeOffset.UtcNow, "Corrected");
            if (SummaryMove.Changed(mark, before) is { } move)
            {
                Assert.NotEqual(AttendanceFigures.Zero, move.By);
                Assert.False(move.Creates);
                Move(move);
            }
        }

        // 24-28 and 31 August 2026, 1-2 September: three summary weeks (24 and 31 August's in 2025-26, 1 September's in
        // 2026-27, the week of Monday 31 August cut by the year), two years.
        var counted = marks.GroupBy(m => (AttendanceFigures.SummaryWeekOf(m.Date), AcademicYear.Containing(m.Date).Start))
            .ToDictionary(g => g.Key, g => AttendanceFigures.From(g.Select(m => m.Counted)));
        Assert.Equal(3, counted.Count);
        Assert.Equal(counted.Count, moved.Count);
        Assert.All(counted, c => Assert.Equal(c.Value, moved[c.Key]));
    }

    [Fact]
    public void Sub_reasons_are_a_school_setting_behind_dfe_codes_never_new_codes()
    {
        var reasons = AttendanceSubReasons.Parse("c: Performance licence\n\nC: Music exam\nL: Bus late");
        Assert.Equal(["Performance licence", "Music exam"], reasons.For("C"));
        Assert.Equal("C: Performance licence\nC: Music exam\nL: Bus late", reasons.ToString());
        Assert.Equal("Music exam", reasons.Check("c", " music EXAM ")); // recorded as the school wrote it
        Assert.Null(reasons.Check("C", "  "));
        Assert.Equal("sub-reason-belongs-to-code", Assert.Throws<DomainRuleException>(() => reasons.Check("I", "Music exam")).Rule);
        Assert.Contains("no reasons behind I", Assert.Throws<DomainRuleException>(() => reasons.Check("I", "Music exam")).Message, StringComparison.Ordinal);
        Assert.Contains("not one of this school's reasons behind C", Assert.Throws<DomainRuleException>(() => reasons.Check("C", "Holiday")).Message, StringComparison.Ordinal);

        foreach (var (text, message) in new[]
        {
            ("C Performance licence", "Line 1: write each reason"),
            ("C: ok\nZZ: Something", "Line 2: 'ZZ' is not a register code"),
            ("/: On time", "means present"),
            ("C: Music exam\nC: music exam", "Line 2: \"music exam\" is already a reason behind C"),
            ($"C: {new string('x', 101)}", "at most 100 characters"),
        })
        {
            var e = Assert.Throws<DomainRuleException>(() => AttendanceSubReasons.Parse(text));
            Assert.Equal("sub-reasons-format", e.Rule);
            Assert.Contains(message, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Summary_weeks_never_straddle_two_academic_years()
    {
        // 1 September 2027 is a Wednesday: its week's Monday and Tuesday belong to 2026/27.
        Assert.Equal(new DateOnly(2027, 8, 30), AttendanceFigures.SummaryWeekOf(new DateOnly(2027, 8, 31)));
        Assert.Equal(new DateOnly(2027, 9, 1), AttendanceFigures.SummaryWeekOf(new DateOnly(2027, 9, 1)));
        Assert.Equal(new DateOnly(2027, 9, 1), AttendanceFigures.SummaryWeekOf(new DateOnly(2027, 9, 3)));
        Assert.Equal(new DateOnly(2027, 9, 6), AttendanceFigures.SummaryWeekOf(new DateOnly(2027, 9, 8)));
        Assert.Equal(Monday, AttendanceFigures.SummaryWeekOf(new DateOnly(2025, 1, 12)));
    }
}

public sealed class CsvTests
{
    [Fact]
    public void Csv_reads_quoted_fields_doubled_quotes_and_line_numbers()
    {
        var rows = FlexiSchooling.Domain.Imports.Csv.Read("\uFEFFa,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",z\n").ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["x, y", "say \"hi\""], rows[1].Fields);
        Assert.Equal(4, rows[2].Line);
        Assert.Equal("multi\nline", rows[2].Fields[0]);
    }

    [Theory]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("+44", "'+44")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    public void Export_cells_starting_with_formula_characters_are_escaped(string value, string expected) =>
        Assert.Equal(expected, FlexiSchooling.Domain.Imports.Csv.Cell(value));
}
