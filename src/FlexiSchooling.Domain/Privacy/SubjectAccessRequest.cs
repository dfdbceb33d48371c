using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Privacy;

/// <summary>Who asked for the pupil's records (UK GDPR Article 15; a parent asks on the child's behalf).</summary>
public enum SubjectAccessRequester
{
    Parent,
    Pupil,
    Representative,
}

public enum SubjectAccessExportStatus
{
    NotStarted,
    Queued,
    Running,
    Failed,
    Ready,
}

/// <summary>
/// A subject access request about one pupil (issue 14, "Subject access"): when it was received, its statutory deadline,
/// the export of everything the product holds about the pupil (produced in the background, with its progress), and when
/// it was completed — after someone reviewed the third-party information in it. Open requests stay on the trust lead's
/// list until completed.
/// </summary>
public sealed class SubjectAccessRequest : ISchoolOwned, ITrustStampable
{
    public const int MaxText = 2000;

    private SubjectAccessRequest() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid PupilId { get; private set; }

    public string RequesterName { get; private set; } = "";

    public SubjectAccessRequester Requester { get; private set; }

    public DateOnly ReceivedOn { get; private set; }

    /// <summary>One calendar month from receipt (<see cref="SubjectAccessRules.DueBy"/>).</summary>
    public DateOnly DueBy { get; private set; }

    public string? Notes { get; private set; }

    public Guid RecordedBy { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public SubjectAccessExportStatus ExportStatus { get; private set; }

    /// <summary>0–100 while the export runs.</summary>
    public int ExportProgress { get; private set; }

    /// <summary>What the export is doing now ("Attendance marks"), or why it failed.</summary>
    public string? ExportStep { get; private set; }

    public Guid? ExportRequestedBy { get; private set; }

    public DateTimeOffset? ExportRequestedAt { get; private set; }

    public DateTimeOffset? ExportFinishedAt { get; private set; }

    /// <summary>How many files of the export hold other people's information, to review before release.</summary>
    public int ItemsForReview { get; private set; }

    public DateOnly? CompletedOn { get; private set; }

    public Guid? CompletedBy { get; private set; }

    public uint Version { get; private set; }

    public bool IsOpen => CompletedOn is null;

    public void StampTrust(Guid trustId) => TrustId = trustId;

    public bool IsOverdue(DateOnly today) => IsOpen && today > DueBy;

    public static SubjectAccessRequest Record(Guid schoolId, Guid pupilId, string requesterName, SubjectAccessRequester requester, DateOnly receivedOn,
        string? notes, IReadOnlySet<DateOnly> bankHolidays, DateOnly today, Guid by, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(requesterName))
        {
            throw new DomainRuleException("subject-access-requester", "Enter the name of the person who made the request", nameof(RequesterName));
        }

        if (receivedOn > today)
        {
            throw new DomainRuleException("subject-access-received", "The date received must be today or in the past", nameof(ReceivedOn));
        }

        return new SubjectAccessRequest
        {
            Id = Ids.New(),
            SchoolId = schoolId,
            PupilId = pupilId,
            RequesterName = requesterName.Trim(),
            Requester = requester,
            ReceivedOn = receivedOn,
            DueBy = SubjectAccessRules.DueBy(receivedOn, bankHolidays),
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
            RecordedBy = by,
            RecordedAt = now,
        };
    }

    /// <summary>Asks for the export (again, after a failure or to include later records); never while one runs or after completion.</summary>
    public void QueueExport(Guid by, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new DomainRuleException("subject-access-export", "This request has been completed");
        }

        if (ExportStatus is SubjectAccessExportStatus.Queued or SubjectAccessExportStatus.Running)
        {
            throw new DomainRuleException("subject-access-export", "The export is already being produced");
        }

        ExportStatus = SubjectAccessExportStatus.Queued;
        ExportProgress = 0;
        ExportStep = null;
        ExportRequestedBy = by;
        ExportRequestedAt = now;
        ExportFinishedAt = null;
        ItemsForReview = 0;
    }

    /// <summary>
    /// Completed: the export was produced, someone confirmed the third-party information in it was reviewed (redacted or
    /// withheld where it must be), and it was sent on <paramref name="on"/>.
    /// </summary>
    public void Complete(DateOnly on, bool thirdPartyReviewed, DateOnly today, Guid by)
    {
        if (!IsOpen)
        {
            throw new DomainRuleException("subject-access-complete", "This request has already been completed");
        }

        if (ExportStatus != SubjectAccessExportStatus.Ready)
        {
            throw new DomainRuleException("subject-access-complete", "Produce the export before completing the request");
        }

        if (ItemsForReview > 0 && !thirdPartyReviewed)
        {
            throw new DomainRuleException("subject-access-third-parties", "Confirm that the information about other people has been reviewed", "ThirdPartyReviewed");
        }

        if (on < ReceivedOn || on > today)
        {
            throw new DomainRuleException("subject-access-complete", "The date sent must be between the date received and today", nameof(CompletedOn));
        }

        CompletedOn = on;
        CompletedBy = by;
    }
}

public static class SubjectAccessRules
{
    /// <summary>
    /// The statutory deadline: one calendar month from the day the request was received — the same date next month, or
    /// the last day of next month where it has no such date (31 January → 28 February); a deadline falling on a weekend
    /// or a bank holiday moves to the next working day (ICO, "Right of access": time limits).
    /// </summary>
    public static DateOnly DueBy(DateOnly receivedOn, IReadOnlySet<DateOnly> bankHolidays)
    {
        var due = receivedOn.AddMonths(1); // AddMonths keeps the day or clamps it to the month's last day
        while (due.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || bankHolidays.Contains(due))
        {
            due = due.AddDays(1);
        }

        return due;
    }
}
