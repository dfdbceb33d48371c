using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Privacy;

/// <summary>
/// How long the trust keeps each kind of record (issue 14, "Retention"), with the defaults of the Information and Records
/// Management Society's toolkit for academies and the statutory floors the product will not go below. Uploaded letters
/// and the other documents of a case are part of its case file and go with it.
/// </summary>
public sealed record RetentionSchedule(int AttendanceYears, int CaseFileYears, int SendCaseFileYears, int AuditYears, int EmailMonths)
{
    /// <summary>
    /// Attendance registers: every entry 6 years from the date it was made (School Attendance (Pupil Registration)
    /// (England) Regulations 2024, reg. 14); flexi, part-time and AP case files, safeguarding content with them: the
    /// pupil's date of birth + 25 years, + 31 where the pupil has SEND (IRMS toolkit for academies: pupil and SEN
    /// files); the audit trail 6 years; emails the product sent, 12 months.
    /// </summary>
    public static readonly RetentionSchedule Default = new(6, 25, 31, 6, 12);

    /// <summary>The floors: the product never removes a register entry before 6 years, a case file before 25, nor audit or mail within a year.</summary>
    public static readonly RetentionSchedule Minimum = new(6, 25, 25, 1, 1);

    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        void Check(string field, int value, int min, int max, string unit, string why)
        {
            if (value < min || value > max)
            {
                problems.Add((field, $"Enter a number of {unit} from {min} to {max}{why}"));
            }
        }

        Check(nameof(AttendanceYears), AttendanceYears, Minimum.AttendanceYears, 100, "years", ": the law asks for 6 at least");
        Check(nameof(CaseFileYears), CaseFileYears, Minimum.CaseFileYears, 100, "years", ": 25 after birth at least");
        Check(nameof(SendCaseFileYears), SendCaseFileYears, Math.Max(Minimum.SendCaseFileYears, CaseFileYears), 100, "years", ", and not fewer than for other pupils");
        Check(nameof(AuditYears), AuditYears, Minimum.AuditYears, 100, "years", "");
        Check(nameof(EmailMonths), EmailMonths, Minimum.EmailMonths, 1200, "months", "");
        return problems;
    }

    /// <summary>What is due on <paramref name="today"/>: records dated before each cut-off, case files of pupils born before theirs.</summary>
    public RetentionCutoffs Cutoffs(DateOnly today) => new(
        today.AddYears(-AttendanceYears), today.AddYears(-CaseFileYears), today.AddYears(-SendCaseFileYears), today.AddYears(-AuditYears), today.AddMonths(-EmailMonths));
}

public sealed record RetentionCutoffs(DateOnly MarksBefore, DateOnly BornBefore, DateOnly SendBornBefore, DateOnly AuditBefore, DateOnly EmailsBefore);

/// <summary>The trust's schedule as stored (one row per trust; none means the defaults).</summary>
public sealed class RetentionSettings : ITrustStampable
{
    private RetentionSettings() { }

    public RetentionSettings(RetentionSchedule schedule, Guid by, DateTimeOffset now) => Set(schedule, by, now);

    public Guid TrustId { get; private set; }

    public int AttendanceYears { get; private set; }

    public int CaseFileYears { get; private set; }

    public int SendCaseFileYears { get; private set; }

    public int AuditYears { get; private set; }

    public int EmailMonths { get; private set; }

    public Guid UpdatedBy { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public uint Version { get; private set; }

    public RetentionSchedule Schedule => new(AttendanceYears, CaseFileYears, SendCaseFileYears, AuditYears, EmailMonths);

    public void Set(RetentionSchedule schedule, Guid by, DateTimeOffset now)
    {
        if (schedule.Problems() is [var first, ..])
        {
            throw new DomainRuleException("retention-floors", first.Message, first.Field);
        }

        (AttendanceYears, CaseFileYears, SendCaseFileYears, AuditYears, EmailMonths) = (schedule.AttendanceYears, schedule.CaseFileYears, schedule.SendCaseFileYears, schedule.AuditYears, schedule.EmailMonths);
        UpdatedBy = by;
        UpdatedAt = now;
    }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

/// <summary>A legal hold: nothing about the pupil (or the one case) is removed by retention while it stands.</summary>
public sealed class LegalHold : ITrustStampable
{
    private LegalHold() { }

    public LegalHold(Guid pupilId, Guid? arrangementId, string reason, Guid by, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new DomainRuleException("legal-hold-reason", "Enter why the records must be kept (the claim, inquiry or request)", nameof(Reason));
        }

        Id = Ids.New();
        PupilId = pupilId;
        ArrangementId = arrangementId;
        Reason = reason.Trim();
        PlacedBy = by;
        PlacedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid PupilId { get; private set; }

    public Guid? ArrangementId { get; private set; }

    public string Reason { get; private set; } = "";

    public Guid PlacedBy { get; private set; }

    public DateTimeOffset PlacedAt { get; private set; }

    public Guid? LiftedBy { get; private set; }

    public DateTimeOffset? LiftedAt { get; private set; }

    public bool InForce => LiftedAt is null;

    public void Lift(Guid by, DateTimeOffset now)
    {
        if (!InForce)
        {
            throw new DomainRuleException("legal-hold-lift", "This hold has already been lifted");
        }

        LiftedBy = by;
        LiftedAt = now;
    }

    public void StampTrust(Guid trustId) => TrustId = trustId;
}

public enum RetentionRunStatus
{
    Reported,
    Completed,
    Failed,
    Superseded,
}

/// <summary>
/// One retention run: first a report of what falls due (made by the scheduled job), then — once a named person confirms
/// — the removal, in one transaction, recorded here with what was removed and why; or the failure, with nothing removed.
/// </summary>
public sealed class RetentionRun : ITrustStampable
{
    private RetentionRun() { }

    public static RetentionRun Report(DateOnly asOf, RetentionSchedule schedule, string due, DateTimeOffset now) => new()
    {
        Id = Ids.New(),
        AsOf = asOf,
        Schedule = $"registers {schedule.AttendanceYears} y; case files birth + {schedule.CaseFileYears} y (SEND + {schedule.SendCaseFileYears} y); audit {schedule.AuditYears} y; emails {schedule.EmailMonths} months",
        Due = due,
        ReportedAt = now,
        Status = RetentionRunStatus.Reported,
    };

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public DateOnly AsOf { get; private set; }

    /// <summary>The schedule the run applied, in words: why each thing was removed.</summary>
    public string Schedule { get; private set; } = "";

    /// <summary>What fell due when reported: "category: count" lines.</summary>
    public string Due { get; private set; } = "";

    public DateTimeOffset ReportedAt { get; private set; }

    public RetentionRunStatus Status { get; private set; }

    public Guid? ConfirmedBy { get; private set; }

    public string? ConfirmedByName { get; private set; }

    public DateTimeOffset? ConfirmedAt { get; private set; }

    /// <summary>What was removed: "category: count" lines and the cases removed.</summary>
    public string? Removed { get; private set; }

    public string? Error { get; private set; }

    public uint Version { get; private set; }

    public void Confirm(Guid by, string name, DateTimeOffset now)
    {
        if (Status != RetentionRunStatus.Reported)
        {
            throw new DomainRuleException("retention-confirm", "This report has already been acted on: look at the latest one");
        }

        ConfirmedBy = by;
        ConfirmedByName = name;
        ConfirmedAt = now;
    }

    public void Complete(string removed)
    {
        Status = RetentionRunStatus.Completed;
        Removed = removed;
    }

    /// <summary>The confirmed removal failed (and was rolled back): who confirmed it, and why it failed.</summary>
    public void Fail(Guid by, string name, DateTimeOffset now, string error)
    {
        ConfirmedBy = by;
        ConfirmedByName = name;
        ConfirmedAt = now;
        Status = RetentionRunStatus.Failed;
        Error = error;
    }

    public void Supersede() => Status = RetentionRunStatus.Superseded;

    public void StampTrust(Guid trustId) => TrustId = trustId;
}
