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
