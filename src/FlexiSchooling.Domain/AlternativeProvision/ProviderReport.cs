using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.AlternativeProvision;

/// <summary>What the provider said about the pupil's day.</summary>
public enum ProviderReportOutcome
{
    Attended,
    ArrivedLate,
    Absent,
}

/// <summary>Where today's report from the provider stands (<see cref="ProviderReport.StatusToday"/>).</summary>
public enum ProviderReportStatus
{
    NotDue,
    Awaited,
    Missing,
    Received,
}

/// <summary>How the provider's report reached the school.</summary>
public enum ProviderReportChannel
{
    Phone,
    Email,
    Text,
    Other,
}

/// <summary>
/// The provider's daily report on a pupil placed with it (002 §4.4: "attendance updates by 10:00 AM daily"; domain.md,
/// "Running: provider reports absence before 10:00"): whether the pupil arrived, what the provider said, how and when it
/// reached the school, and who took it. The school still codes the sessions in its register (B when attended; the
/// reason's code when not). Kept as received, never changed: a later call the same day ("arrived at 10:40") is another
/// report, and the latest of a day is the one that stands.
/// </summary>
public sealed class ProviderReport : ISchoolOwned, ITrustStampable
{
    public const int MaxDetailLength = 2000;

    private ProviderReport() { }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    /// <summary>The school day the report is about.</summary>
    public DateOnly Date { get; private set; }

    public ProviderReportOutcome Outcome { get; private set; }

    /// <summary>What the provider said: the reason given for an absence, the time of a late arrival; may be empty when the pupil attended.</summary>
    public string Detail { get; private set; } = "";

    public ProviderReportChannel Channel { get; private set; }

    /// <summary>When the report reached the school, London time on <see cref="Date"/>: judged against the profile's time.</summary>
    public TimeOnly ReceivedAt { get; private set; }

    public Guid RecordedBy { get; private set; }

    public DateTimeOffset RecordedAt { get; private set; }

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>Whether the report reached the school by the profile's time (002 §4.4: by 10:00).</summary>
    public bool OnTime(AlternativeProvisionSettings settings) => ReceivedAt <= settings.ProviderAbsenceReportBy;

    /// <summary>
    /// Whether a running placement has the pupil at the provider on a day: a school day from the placement's start, with
    /// at least one of the day's sessions at the provider (every session for a full-time placement; for a part-time one
    /// the sessions not in school). On such a day the provider's report is due.
    /// </summary>
    public static bool DueAtProvider(ArrangementStage stage, DateOnly? startedOn, Placement placement, SchoolCalendar calendar, DateOnly date) =>
        stage == ArrangementStage.Running
        && startedOn is { } started && date >= started
        && calendar.IsSchoolDay(date)
        && (placement.FullTime || !placement.InSchool.InSchool(date.DayOfWeek, Session.AM) || !placement.InSchool.InSchool(date.DayOfWeek, Session.PM));

    /// <summary>
    /// Where today's report from the provider stands: not due when the pupil is not at the provider today; received once
    /// one is recorded; awaited until the profile's time (10:00 in every template, 002 §4.4) — until then it waits on the
    /// provider, not the school — and missing after it, for the school to chase.
    /// </summary>
    public static ProviderReportStatus StatusToday(bool dueAtProvider, TimeOnly londonNow, TimeOnly reportBy, bool reportedToday) =>
        !dueAtProvider ? ProviderReportStatus.NotDue
        : reportedToday ? ProviderReportStatus.Received
        : londonNow >= reportBy ? ProviderReportStatus.Missing
        : ProviderReportStatus.Awaited;

    /// <summary>
    /// <see cref="StatusToday(bool, TimeOnly, TimeOnly, bool)"/> for a placement on a day, at the time its profile sets
    /// (<see cref="AlternativeProvisionSettings.ProviderAbsenceReportBy"/>): the one reading of today's report that the
    /// case, its reports page and Today share.
    /// </summary>
    public static ProviderReportStatus StatusToday(ArrangementStage stage, DateOnly? startedOn, Placement placement, SchoolCalendar calendar, AlternativeProvisionSettings settings,
        DateOnly today, TimeOnly londonNow, bool reportedToday) =>
        StatusToday(DueAtProvider(stage, startedOn, placement, calendar, today), londonNow, settings.ProviderAbsenceReportBy, reportedToday);

    public static ProviderReport Record(Arrangement arrangement, Placement placement, SchoolCalendar calendar, DateOnly date, ProviderReportOutcome outcome, string? detail,
        ProviderReportChannel channel, TimeOnly receivedAt, DateOnly today, TimeOnly londonNow, Guid by, DateTimeOffset now)
    {
        if (arrangement.Kind != ArrangementKind.AlternativeProvision || arrangement.Id != placement.ArrangementId || arrangement.Stage != ArrangementStage.Running
            || arrangement.StartedOn is not { } started)
        {
            throw new DomainRuleException("provider-report-running", "A provider's report is about a placement that is running.");
        }

        if (date > today || date < started)
        {
            throw new DomainRuleException("provider-report-date", $"The report is about a day from the start ({started:d MMMM yyyy}) to today.", "Date");
        }

        if (!DueAtProvider(arrangement.Stage, arrangement.StartedOn, placement, calendar, date))
        {
            throw new DomainRuleException("provider-report-due", $"On {date:dddd d MMMM yyyy} the pupil is not due at the provider: it is not a school day, or every session that day is in school.", "Date");
        }

        if (date == today && receivedAt > londonNow)
        {
            throw new DomainRuleException("provider-report-time", "The time the report came in cannot be later than now.", "ReceivedAt");
        }

        var said = (detail ?? "").Trim();
        if (outcome != ProviderReportOutcome.Attended && said.Length == 0)
        {
            throw new DomainRuleException("provider-report-detail", outcome == ProviderReportOutcome.Absent
                ? "Enter what the provider said about the absence, or that they gave no reason."
                : "Enter what the provider said: the time the pupil arrived, and any reason given.", "Detail");
        }

        return new ProviderReport
        {
            Id = Ids.New(),
            TrustId = arrangement.TrustId,
            SchoolId = arrangement.SchoolId,
            ArrangementId = arrangement.Id,
            Date = date,
            Outcome = outcome,
            Detail = said,
            Channel = channel,
            ReceivedAt = receivedAt,
            RecordedBy = by,
            RecordedAt = now,
        };
    }
}
