using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Data.Attendance;

/// <summary>
/// Weekly attendance per pupil, kept in step with the marks in the same transaction
/// (<see cref="AttendanceSummaries"/>), so dashboards never scan raw marks. It can always be rebuilt
/// from the marks (<c>--rebuild-attendance-summaries</c>); a test proves the two agree.
/// </summary>
public sealed class AttendancePupilWeek : ISchoolOwned
{
    private AttendancePupilWeek() { }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public DateOnly WeekStart { get; private set; }

    public int Possible { get; private set; }

    public int Present { get; private set; }

    public int ApprovedActivity { get; private set; }

    public int Authorised { get; private set; }

    public int Unauthorised { get; private set; }

    public int ExpectedPossible { get; private set; }

    public int ExpectedAttended { get; private set; }

    public AttendanceFigures Figures => new(Possible, Present, ApprovedActivity, Authorised, Unauthorised, ExpectedPossible, ExpectedAttended);
}

/// <summary>
/// A pupil's attendance for one academic year, summed from their weekly rows in the same transaction
/// (weekly rows never straddle two years: <see cref="AttendanceFigures.SummaryWeekOf"/>). The trust view
/// reads one row per pupil instead of forty.
/// </summary>
public sealed class AttendancePupilYear : ISchoolOwned
{
    private AttendancePupilYear() { }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public DateOnly YearStart { get; private set; }

    public int Possible { get; private set; }

    public int Present { get; private set; }

    public int ApprovedActivity { get; private set; }

    public int Authorised { get; private set; }

    public int Unauthorised { get; private set; }

    public int ExpectedPossible { get; private set; }

    public int ExpectedAttended { get; private set; }

    public AttendanceFigures Figures => new(Possible, Present, ApprovedActivity, Authorised, Unauthorised, ExpectedPossible, ExpectedAttended);
}

/// <summary>A saved register submission: the same submission twice saves once.</summary>
public sealed class RegisterSubmission : ISchoolOwned, ITrustStampable
{
    private RegisterSubmission() { }

    public RegisterSubmission(Guid id, Guid schoolId, Guid groupId, DateOnly date, Session session, Guid? submittedBy, DateTimeOffset submittedAt)
    {
        Id = id;
        SchoolId = schoolId;
        GroupId = groupId;
        Date = date;
        Session = session;
        SubmittedBy = submittedBy;
        SubmittedAt = submittedAt;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid GroupId { get; private set; }

    public DateOnly Date { get; private set; }

    public Session Session { get; private set; }

    public Guid? SubmittedBy { get; private set; }

    public DateTimeOffset SubmittedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

/// <summary>
/// A school's attendance for one week, summed over its pupils' weekly rows (ADR 0026, 0031): the dashboard's and the
/// governors' report's trend reads one row per school and week instead of one per pupil. Written when first read; taken
/// away by a trigger in the same transaction as any change to that school's pupils' weeks, so it is summed again from the
/// truth the next time it is read.
/// </summary>
public sealed class AttendanceSchoolWeek : ISchoolOwned
{
    private AttendanceSchoolWeek() { }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public DateOnly WeekStart { get; private set; }

    public int Possible { get; private set; }

    public int Attending { get; private set; }
}

/// <summary>
/// A school's attendance for one school year as the trust view reads it (ADR 0031): each pair of sessions possible and
/// attended that its pupils have, with how many pupils have it — a few hundred pairs instead of a row per pupil, to which
/// each school's own thresholds are applied. Written when first read; taken away by a trigger in the same transaction as
/// any change to the school's yearly pupil figures, so it is summed again from the truth the next time it is read.
/// </summary>
public sealed class AttendanceSchoolYear : ISchoolOwned
{
    private AttendanceSchoolYear() { }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public DateOnly YearStart { get; private set; }

    public int[] Possible { get; private set; } = [];

    public int[] Attending { get; private set; } = [];

    public int[] Pupils { get; private set; } = [];
}

