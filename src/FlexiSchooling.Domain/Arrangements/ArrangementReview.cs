using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Tenancy;

namespace FlexiSchooling.Domain.Arrangements;

/// <summary>A review falls due on the profile's cadence, or is a formal review raised by a trigger.</summary>
public enum ReviewKind
{
    Scheduled,
    Formal,
}

/// <summary>What a review decided.</summary>
public enum ReviewOutcome
{
    /// <summary>The arrangement continues as agreed.</summary>
    Continue,

    /// <summary>It continues, with the changes the notes record (a redrafted agreement where the sessions change).</summary>
    ContinueWithChanges,

    /// <summary>The school withdraws the agreement (000 §7): notice follows on the ending page.</summary>
    Withdraw,
}

/// <summary>A review's outcome in the words of the case's kind, for pages and the review record.</summary>
public static class ReviewOutcomes
{
    public static string Label(ArrangementKind kind, ReviewOutcome outcome) => (kind, outcome) switch
    {
        (ArrangementKind.PartTimeTimetable, ReviewOutcome.Continue) => "Continue: the plan moves on to its next phase as dated",
        (ArrangementKind.PartTimeTimetable, ReviewOutcome.ContinueWithChanges) => "Continue with changes: stepped up sooner, or extended (then recorded on the case)",
        (ArrangementKind.PartTimeTimetable, _) => "End: back to full time (recorded on the case)",
        (ArrangementKind.AlternativeProvision, ReviewOutcome.Continue) => "The placement continues as agreed",
        (ArrangementKind.AlternativeProvision, ReviewOutcome.ContinueWithChanges) => "It continues with changes: to the sessions, the aims or the reintegration timeline",
        (ArrangementKind.AlternativeProvision, _) => "The placement ends: the pupil returns to school or moves on (recorded on the case)",
        (_, ReviewOutcome.Continue) => "Continue as agreed",
        (_, ReviewOutcome.ContinueWithChanges) => "Continue with changes",
        _ => "Withdraw the agreement (notice follows)",
    };
}

/// <summary>
/// How a review is worded for a case's kind — one place for the review page, its checks and the record it prints. A flexi
/// review weighs the parent's evidence of home education (003); a part-time review the parents' view and their signature
/// (003 appendix 1); an AP review is the half-termly meeting with the parents about the placement, recorded as
/// 002 appendix 6's progress report (attendance, pastoral, curriculum, next steps, targets; 002 §3.8, appendix 3).
/// </summary>
public sealed record ReviewWording(
    string RecordTitle,
    string FormalRecordTitle,
    string AttendanceLabel,
    string AttendanceHint,
    string ProgressLabel,
    string ProgressHint,
    string ParentLabel,
    string ParentHint,
    string ParentMissing,
    /// <summary>003 appendix 1 "Review Dates (Fortnightly)": each part-time review record carries the parent's signature.</summary>
    bool AsksParentSignature,
    bool AsksProgressReport,
    bool ProgressBelowStandardRaisesFormal)
{
    public static ReviewWording For(ArrangementKind kind) => kind switch
    {
        ArrangementKind.PartTimeTimetable => new("Review record", "Formal review record", "Attendance at the agreed school sessions", "sessions out of school are not counted.",
            "Progress towards full time", "How the timetable is working: attendance at the sessions in school, learning, wellbeing",
            "The parents' view", "", "Record the parents' view.", AsksParentSignature: true, AsksProgressReport: false, ProgressBelowStandardRaisesFormal: false),
        ArrangementKind.AlternativeProvision => new("Progress report for parents and carers", "Formal review record: progress report", "Attendance at school and the provider",
            "sessions at the provider count from its daily reports; an absence it reports counts against the figure.",
            "Curriculum", "Progress in the curriculum at the provider and in school, and how the placement is meeting its aims (002 appendix 6)",
            "The parents' view", "What the parents or carers said at the meeting about the placement and a return to school", "Record the parents' view.",
            AsksParentSignature: false, AsksProgressReport: true, ProgressBelowStandardRaisesFormal: true),
        _ => new("Review record", "Formal review record", "Attendance at the agreed school sessions", "home sessions are not counted.",
            "Progress", "Attainment and progress in the areas the school is responsible for",
            "The parent's evidence", "The diary, work samples and records the parent brought, or that none was brought",
            "Record the evidence the parent brought (diary, work samples), or that none was brought.", AsksParentSignature: false, AsksProgressReport: false, ProgressBelowStandardRaisesFormal: true),
    };
}

/// <summary>The parts of 002 appendix 6's progress report beyond attendance and curriculum: pastoral, next steps and targets.</summary>
public sealed record ProgressReport(string Pastoral, string NextSteps, string Targets);

/// <summary>What the review recorded when it was held (issue 4, "Reviews").</summary>
public sealed record ReviewRecord(
    DateOnly HeldOn,
    string Attendees,
    string Progress,
    bool ProgressBelowStandard,
    string ParentEvidence,
    string PupilView,
    ReviewOutcome Outcome,
    string OutcomeNotes,
    string? ParentSignedBy = null,
    ProgressReport? Report = null);

/// <summary>
/// A review of a running arrangement. Scheduled reviews fall due from the calendar at the cadence of the
/// profile version the case was decided under (000: termly; 003 Flexi-Schooling Protocol: half-termly;
/// 004 §10: termly); holding one schedules the next. A formal review is raised by a trigger (000 §7,
/// 003 §7: attendance at the agreed school sessions below the threshold, or progress below the accepted
/// standard); where the profile names a trust lead who must agree to it (000 §7: the Deputy CEO), it is
/// held only after that agreement. Each review records the attendance at the agreed sessions over its
/// period, progress, the parent's evidence, the pupil's view and the outcome.
/// </summary>
public sealed class ArrangementReview : ISchoolOwned, ITrustStampable
{
    private ArrangementReview() { }

    private ArrangementReview(Arrangement arrangement, ReviewKind kind, DateOnly dueOn)
    {
        Id = Ids.New();
        TrustId = arrangement.TrustId; // a case's reviews are its trust's (empty until the case is stamped)
        SchoolId = arrangement.SchoolId;
        ArrangementId = arrangement.Id;
        Kind = kind;
        DueOn = dueOn;
    }

    public Guid Id { get; private set; }

    public Guid TrustId { get; private set; }

    public Guid SchoolId { get; private set; }

    public Guid ArrangementId { get; private set; }

    public ReviewKind Kind { get; private set; }

    /// <summary>When a scheduled review falls due; for a formal review, the day it was raised.</summary>
    public DateOnly DueOn { get; private set; }

    /// <summary>Why a formal review was raised, in words for the case and the worklist.</summary>
    public string? RaisedBecause { get; private set; }

    /// <summary>The trust lead who must agree to a formal review before it is held (000 §7: "Deputy CEO"); null when none.</summary>
    public string? NeedsAgreementOf { get; private set; }

    public DateOnly? AgreedOn { get; private set; }

    public Guid? AgreedBy { get; private set; }

    public string? AgreedByName { get; private set; }

    public DateOnly? HeldOn { get; private set; }

    public string? Attendees { get; private set; }

    /// <summary>Sessions attended of the agreed school sessions over the review's period (the arrangement-adjusted figure).</summary>
    public int? AttendedAgreedSessions { get; private set; }

    public int? AgreedSessions { get; private set; }

    public string? Progress { get; private set; }

    public bool ProgressBelowStandard { get; private set; }

    public string? ParentEvidence { get; private set; }

    public string? PupilView { get; private set; }

    public ReviewOutcome? Outcome { get; private set; }

    public string? OutcomeNotes { get; private set; }

    public Guid? HeldBy { get; private set; }

    /// <summary>The parent's name as they signed the review record (003 appendix 1), where the kind asks for it.</summary>
    public string? ParentSignedBy { get; private set; }

    /// <summary>002 appendix 6 "Pastoral" (AP reviews).</summary>
    public string? Pastoral { get; private set; }

    /// <summary>002 appendix 6 "Next steps in their education" (AP reviews).</summary>
    public string? NextSteps { get; private set; }

    /// <summary>002 appendix 6 "Targets" (AP reviews).</summary>
    public string? Targets { get; private set; }

    public uint Version { get; private set; }

    public bool IsHeld => HeldOn is not null;

    /// <summary>A formal review waiting for the named trust lead's agreement.</summary>
    public bool AwaitingAgreement => Kind == ReviewKind.Formal && NeedsAgreementOf is not null && AgreedOn is null;

    public decimal? AttendedPercent => AgreedSessions is > 0 ? Math.Round(100m * AttendedAgreedSessions!.Value / AgreedSessions.Value, 1) : null;

    public void StampTrust(Guid trustId) => TrustId = trustId;

    /// <summary>
    /// The first day a review looks back over: the day after the last review of its kind held before it, or the
    /// start. The formal-review trigger counts attendance from here (a held formal review starts the count again),
    /// and a review records attendance at the agreed sessions over this period.
    /// </summary>
    public static DateOnly PeriodStart(DateOnly startedOn, IEnumerable<ArrangementReview> sameKind, ArrangementReview? review = null)
    {
        var lastHeld = sameKind
            .Where(r => r.HeldOn is not null && r.Id != review?.Id && (review?.HeldOn is not { } heldOn || r.HeldOn < heldOn))
            .Max(r => r.HeldOn);
        return PeriodStart(startedOn, lastHeld);
    }

    /// <summary>The same, given the day the last review of the kind was held (null: none yet), for cases read many at once.</summary>
    public static DateOnly PeriodStart(DateOnly startedOn, DateOnly? lastHeld) => lastHeld is { } held ? held.AddDays(1) : startedOn;

    /// <summary>The next scheduled review of a running arrangement, due on <paramref name="dueOn"/>.</summary>
    public static (ArrangementReview Review, ArrangementEvent Event) Schedule(Arrangement arrangement, DateOnly dueOn, Guid? userId, DateTimeOffset now)
    {
        var review = new ArrangementReview(arrangement, ReviewKind.Scheduled, dueOn);
        return (review, arrangement.Event("Review scheduled", $"Due by {dueOn:d MMMM yyyy}.", userId, now));
    }

    /// <summary>A formal review raised on <paramref name="raisedOn"/> for the reason given (000 §7; 003 Flexi-Schooling Protocol §7).</summary>
    public static (ArrangementReview Review, ArrangementEvent Event) RaiseFormal(Arrangement arrangement, DateOnly raisedOn, string because, string? needsAgreementOf, Guid? userId, DateTimeOffset now)
    {
        if (arrangement.Stage != ArrangementStage.Running)
        {
            throw new DomainRuleException("formal-review-running", "A formal review is raised for an arrangement that is running.");
        }

        var review = new ArrangementReview(arrangement, ReviewKind.Formal, raisedOn)
        {
            RaisedBecause = because.Trim(),
            NeedsAgreementOf = string.IsNullOrWhiteSpace(needsAgreementOf) ? null : needsAgreementOf.Trim(),
        };
        var agreement = review.NeedsAgreementOf is { } lead ? $" It is set with the agreement of the {lead}." : "";
        return (review, arrangement.Event("Formal review raised", $"{review.RaisedBecause}{agreement}", userId, now));
    }

    /// <summary>The named trust lead agrees to the formal review (000 §7: "With agreement from the Deputy CEO, the school will set a formal review").</summary>
    public ArrangementEvent Agree(Arrangement arrangement, DateOnly agreedOn, string agreedByName, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (!AwaitingAgreement)
        {
            throw new DomainRuleException("formal-review-agreement-once", "This review is not waiting for anyone's agreement.");
        }

        if (agreedOn > today || agreedOn < DueOn)
        {
            throw new DomainRuleException("formal-review-agreement-date", $"The date is on or after the review was raised ({DueOn:d MMMM yyyy}) and not in the future.", "AgreedOn");
        }

        (AgreedOn, AgreedBy, AgreedByName) = (agreedOn, userId, agreedByName.Trim());
        return arrangement.Event("Formal review agreed", $"Agreed by {AgreedByName} ({NeedsAgreementOf}) on {agreedOn:d MMMM yyyy}.", userId, now);
    }

    /// <summary>
    /// Records the review as held, with the attendance at the agreed sessions over its period
    /// (<paramref name="attended"/> of <paramref name="agreedSessions"/>). Every part is recorded: progress,
    /// the parent's evidence (003: "records, photographs, diaries, work" brought to the review), the pupil's
    /// view and the outcome with its notes.
    /// </summary>
    public ArrangementEvent Hold(Arrangement arrangement, ReviewRecord record, int attended, int agreedSessions, DateOnly today, Guid? userId, DateTimeOffset now)
    {
        if (IsHeld)
        {
            throw new DomainRuleException("review-held-once", $"This review was recorded as held on {HeldOn:d MMMM yyyy}.");
        }

        if (arrangement.Stage != ArrangementStage.Running && !(arrangement.EndsOn is { } last && record.HeldOn <= last))
        {
            throw new DomainRuleException("review-running", "Reviews are held while the arrangement runs.");
        }

        if (AwaitingAgreement)
        {
            throw new DomainRuleException("formal-review-needs-agreement", $"The {NeedsAgreementOf} must agree to this formal review before it is held (000 §7).");
        }

        if (record.HeldOn > today || record.HeldOn < arrangement.StartedOn)
        {
            throw new DomainRuleException("review-date", $"The review date is on or after the start ({arrangement.StartedOn:d MMMM yyyy}) and not in the future.", "HeldOn");
        }

        var wording = ReviewWording.For(arrangement.Kind);
        Required(record.Attendees, "Attendees", "Say who attended the review.");
        Required(record.Progress, "Progress", $"Record the pupil's progress: {wording.ProgressLabel.ToLowerInvariant()}.");
        if (wording.AsksProgressReport)
        {
            Required(record.Report?.Pastoral, "Pastoral", "Record the pastoral update (002 appendix 6).");
            Required(record.Report?.NextSteps, "NextSteps", "Record the next steps in the pupil's education (002 appendix 6).");
            Required(record.Report?.Targets, "Targets", "Record the targets agreed (002 appendix 6).");
        }

        Required(record.ParentEvidence, "ParentEvidence", wording.ParentMissing);
        Required(record.PupilView, "PupilView", "Record the pupil's view of the arrangement.");
        Required(record.OutcomeNotes, "OutcomeNotes", "Record what was decided and what happens next.");
        if (wording.AsksParentSignature)
        {
            Required(record.ParentSignedBy, "ParentSignedBy", "Record the parent's signature on the review record (003 appendix 1): the name they signed with.");
        }

        HeldOn = record.HeldOn;
        Attendees = record.Attendees.Trim();
        Progress = record.Progress.Trim();
        ProgressBelowStandard = record.ProgressBelowStandard;
        ParentEvidence = record.ParentEvidence.Trim();
        PupilView = record.PupilView.Trim();
        Outcome = record.Outcome;
        OutcomeNotes = record.OutcomeNotes.Trim();
        AttendedAgreedSessions = attended;
        AgreedSessions = agreedSessions;
        HeldBy = userId;
        ParentSignedBy = string.IsNullOrWhiteSpace(record.ParentSignedBy) ? null : record.ParentSignedBy.Trim();
        if (wording.AsksProgressReport && record.Report is { } report)
        {
            (Pastoral, NextSteps, Targets) = (report.Pastoral.Trim(), report.NextSteps.Trim(), report.Targets.Trim());
        }

        var figure = AttendedPercent is { } p ? $" Attendance at the agreed sessions {p:0.0}% ({attended} of {agreedSessions})." : "";
        var outcome = record.Outcome switch
        {
            ReviewOutcome.Continue => "continues as agreed",
            ReviewOutcome.ContinueWithChanges => "continues with changes",
            _ => "is to be withdrawn",
        };
        return arrangement.Event(Kind == ReviewKind.Formal ? "Formal review held" : "Review held", $"Held on {record.HeldOn:d MMMM yyyy}.{figure} The arrangement {outcome}.", userId, now);
    }

    private static void Required(string? value, string field, string message)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DomainRuleException("review-complete", message, field);
        }
    }
}
