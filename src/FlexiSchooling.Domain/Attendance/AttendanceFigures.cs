using FlexiSchooling.Domain.Policy;

namespace FlexiSchooling.Domain.Attendance;

/// <summary>
/// The statutory arithmetic (DfE): attendance = attending sessions ÷ possible sessions, where
/// possible excludes the not-possible and administrative codes; persistent absence is absence of 10%
/// or more, severe absence 50% or more. Beside it, the arrangement-adjusted figure: attendance at the
/// sessions the pupil was expected in school (flexi home sessions and approved leave excluded), the
/// figure flexi-schooling formal reviews are triggered on (000 §7, 003 Flexi-Schooling Protocol §7).
/// Additive, so weekly summaries add up to any range.
/// </summary>
public sealed record AttendanceFigures(int Possible, int Present, int ApprovedActivity, int Authorised, int Unauthorised, int ExpectedPossible, int ExpectedAttended)
{
    public static readonly AttendanceFigures Zero = new(0, 0, 0, 0, 0, 0, 0);

    public int Attending => Present + ApprovedActivity;

    public int Absent => Authorised + Unauthorised;

    /// <summary>Exact percentage (not rounded): thresholds compare against this.</summary>
    public decimal? Percent => Possible == 0 ? null : 100m * Attending / Possible;

    public decimal? AdjustedPercent => ExpectedPossible == 0 ? null : 100m * ExpectedAttended / ExpectedPossible;

    public bool IsPersistentAbsence(AttendanceSettings settings) => Percent is { } p && p <= settings.PersistentAbsenceAtOrBelowPercent;

    public bool IsSevereAbsence(AttendanceSettings settings) => Percent is { } p && p <= settings.SevereAbsenceAtOrBelowPercent;

    public static AttendanceFigures operator +(AttendanceFigures a, AttendanceFigures b) => new(
        a.Possible + b.Possible, a.Present + b.Present, a.ApprovedActivity + b.ApprovedActivity, a.Authorised + b.Authorised,
        a.Unauthorised + b.Unauthorised, a.ExpectedPossible + b.ExpectedPossible, a.ExpectedAttended + b.ExpectedAttended);

    public static AttendanceFigures operator -(AttendanceFigures a, AttendanceFigures b) => new(
        a.Possible - b.Possible, a.Present - b.Present, a.ApprovedActivity - b.ApprovedActivity, a.Authorised - b.Authorised,
        a.Unauthorised - b.Unauthorised, a.ExpectedPossible - b.ExpectedPossible, a.ExpectedAttended - b.ExpectedAttended);

    /// <summary>From marks (category and whether the pupil was expected in school), counting only sessions on roll.</summary>
    public static AttendanceFigures From(IEnumerable<(AttendanceCategory Category, bool ExpectedInSchool)> marks)
    {
        int possible = 0, present = 0, aea = 0, authorised = 0, unauthorised = 0, expectedPossible = 0, expectedAttended = 0;
        foreach (var (category, expected) in marks)
        {
            if (!category.IsPossible())
            {
                continue;
            }

            possible++;
            switch (category)
            {
                case AttendanceCategory.Present: present++; break;
                case AttendanceCategory.ApprovedEducationalActivity: aea++; break;
                case AttendanceCategory.Authorised: authorised++; break;
                case AttendanceCategory.Unauthorised: unauthorised++; break;
            }

            if (expected)
            {
                expectedPossible++;
                if (category.IsAttending())
                {
                    expectedAttended++;
                }
            }
        }

        return new AttendanceFigures(possible, present, aea, authorised, unauthorised, expectedPossible, expectedAttended);
    }

    /// <summary>The Monday of a date's week.</summary>
    public static DateOnly WeekOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    /// <summary>
    /// The key of the weekly summaries: the Monday of the date's week, but never before the first day of
    /// the date's academic year, so that every summary week lies inside one academic year and the yearly
    /// summaries add up from the weekly ones exactly.
    /// </summary>
    public static DateOnly SummaryWeekOf(DateOnly date)
    {
        var monday = WeekOf(date);
        var yearStart = Common.AcademicYear.Containing(date).Start;
        return monday < yearStart ? yearStart : monday;
    }
}

/// <summary>
/// How one mark moves its pupil's kept figures, the week's and the year's (ADR 0011, 0056): a new mark adds its own
/// figures; a changed mark adds its figures now less those it had. A save sends its marks' moves to be added onto the
/// summary rows where they stand (<c>t.possible + moved</c>), so two saves of the same pupils at once each add their own
/// and neither is lost — where counting a week again from the marks a save could see lost the other's (RegisterTests).
/// The old figures are those the change replaced: a changed mark is saved against its row version, so a save whose mark
/// someone changed meanwhile fails whole, its moves with it.
/// </summary>
public readonly record struct SummaryMove(Guid SchoolId, Guid PupilId, DateOnly Date, AttendanceFigures By, bool Creates)
{
    /// <summary>A mark that did not exist: its week and year rows are made if they are not there yet.</summary>
    public static SummaryMove Added(AttendanceMark mark) => new(mark.SchoolId, mark.PupilId, mark.Date, Of(mark.Category, mark.ExpectedInSchool), true);

    /// <summary>A mark changed from what it was (<see cref="AttendanceMark.Counted"/> read before the change); none when its figures did not move.</summary>
    public static SummaryMove? Changed(AttendanceMark mark, (AttendanceCategory Category, bool ExpectedInSchool) before)
    {
        var by = Of(mark.Category, mark.ExpectedInSchool) - Of(before.Category, before.ExpectedInSchool);
        return by == AttendanceFigures.Zero ? null : new SummaryMove(mark.SchoolId, mark.PupilId, mark.Date, by, false);
    }

    private static AttendanceFigures Of(AttendanceCategory category, bool expectedInSchool) => AttendanceFigures.From([(category, expectedInSchool)]);
}
