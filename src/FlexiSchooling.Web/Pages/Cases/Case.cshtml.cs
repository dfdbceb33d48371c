using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Flexi;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Pages.Cases;

public sealed record CaseDocumentRow(Guid Id, CaseDocumentKind Kind, string FileName, int Size, DateTimeOffset CreatedAt);

public sealed record CaseEventRow(string What, string? Detail, string? By, DateTimeOffset At);

/// <summary>
/// A case of any kind (issue 11, "one case page for every kind"): where it stands as a task list with who must act —
/// the kind's own steps (<c>Flexi/_FlexiCase</c>, <c>PartTime/_PartTimeCase</c>) beside the shared ones — its reviews,
/// documents and history. Reading a case is an audited view (it can hold safeguarding information).
/// </summary>
public sealed class CaseModel(AuditTrail audit) : CasePageModel
{
    public IReadOnlyList<CaseDocumentRow> Documents { get; private set; } = [];

    public IReadOnlyList<CaseEventRow> History { get; private set; } = [];

    public bool CanManage { get; private set; }

    public FlexiAgreement? Agreement { get; private set; }

    public Domain.RiskAssessments.RiskAssessment? Risk { get; private set; }

    public bool CanAssessRisks { get; private set; }

    /// <summary>Whether the approved risk assessment's PDF opens for this user (it is listed for everyone who sees the case).</summary>
    public bool CanReadSafeguarding { get; private set; }

    public IReadOnlyList<Gate> Gates { get; private set; } = [];

    /// <summary>Since the start: statutory and arrangement-adjusted attendance (issue 4, "Running").</summary>
    public Domain.Attendance.AttendanceFigures? SinceStart { get; private set; }

    public Domain.Policy.FlexiSettings? Settings => Profile?.Flexi;

    /// <summary>The rules of the profile version the case was decided under (null until it is decided).</summary>
    public Domain.Policy.PolicyProfileSettings? Profile { get; private set; }

    /// <summary>A part-time timetable's plan: its reasons, phases and end date.</summary>
    public Domain.PartTime.PartTimePlan? Plan { get; private set; }

    /// <summary>An AP case's placement and its provider.</summary>
    public Domain.AlternativeProvision.Placement? Placement { get; private set; }

    public Domain.AlternativeProvision.AlternativeProvider? Provider { get; private set; }

    public Domain.AlternativeProvision.CommissioningAgreement? Commissioning { get; private set; }

    /// <summary>A running placement's QA visits so far and when the next is due (002 appendix 5; 004 §8).</summary>
    public int VisitCount { get; private set; }

    public DateOnly? VisitDue { get; private set; }

    /// <summary>Where today's report from the provider stands, for a running placement (002 §4.4).</summary>
    public Domain.AlternativeProvision.ProviderReportStatus ProviderReportToday { get; private set; }

    /// <summary>The consents, agreements and notifications recorded for the case, latest first.</summary>
    public IReadOnlyList<ArrangementConsent> Consents { get; private set; } = [];

    /// <summary>The rules in force today at the school, for a case not yet decided (a proposed plan's maximum and approver).</summary>
    public Domain.Policy.PolicyProfileSettings CurrentProfile { get; private set; } = null!;

    /// <summary>Whether the signed-in user is the approver the profile names for a part-time timetable (004 §9.5).</summary>
    public bool CanApprovePartTime { get; private set; }

    /// <summary>Who brought the case in from paper records, for a case entered afterwards.</summary>
    public string? EnteredAfterwardsBy { get; private set; }

    [BindProperty]
    public IFormFile? PaperRecord { get; set; }

    [BindProperty]
    public bool PaperRiskAssessment { get; set; }

    /// <summary>
    /// A paper record of a case brought in from before the product, scanned and kept with it (issue 11: "its scanned
    /// documents"). A risk assessment on paper is safeguarding content: only those who assess risks upload it, and it
    /// opens for those who may read safeguarding narratives.
    /// </summary>
    public async Task<IActionResult> OnPostPaperRecordAsync(Guid id)
    {
        if (!await LoadCaseAsync(id, Permission.ManageArrangements) || !Case.EnteredAfterwards
            || (PaperRiskAssessment && !CurrentUser.Can(Permission.AssessRisks, Case.SchoolId)))
        {
            return NotFound();
        }

        var now = Time.GetUtcNow();
        try
        {
            var content = await CaseUploads.ReadAsync(PaperRecord);
            if (content.Length == 0)
            {
                throw new DomainRuleException("paper-record-file", "Choose the scanned record: a PDF, JPEG or PNG smaller than 10 MB.", "PaperRecord");
            }

            Db.CaseDocuments.Add(new CaseDocument(Case.SchoolId, Case.Id, PaperRiskAssessment ? CaseDocumentKind.ScannedRiskAssessment : CaseDocumentKind.ScannedRecord,
                Path.GetFileName(PaperRecord!.FileName), CaseDocument.CheckUpload(content), content, CurrentUser.UserId, now));
        }
        catch (DomainRuleException e)
        {
            TempData["PaperRecordError"] = e.Message;
            return Redirect($"/Cases/{id}#paper-records");
        }

        await Db.SaveChangesAsync();
        return Redirect($"/Cases/{id}#documents");
    }

    /// <summary>The period <see cref="SinceStart"/> covers, in words.</summary>
    public string SinceStartPeriod { get; private set; } = "";

    /// <summary>The notifications the case still owes, with their deadlines (issue 11), shown until each is recorded as sent.</summary>
    public IReadOnlyList<NotificationDue> NotificationsDue { get; private set; } = [];

    /// <summary>The case's reviews, scheduled and formal, latest due first.</summary>
    public IReadOnlyList<ArrangementReview> Reviews { get; private set; } = [];

    /// <summary>The formal review raised and not yet held, if any (000 §7; 003 Flexi-Schooling Protocol §7).</summary>
    public ArrangementReview? OpenFormalReview => Reviews.FirstOrDefault(r => r.Kind == ReviewKind.Formal && !r.IsHeld);

    public bool CanDecide { get; private set; }

    public bool DecisionOverdue => Case.Stage == ArrangementStage.MeetingHeld && Case.DecisionDueBy < Today;

    public IReadOnlyList<(string Text, CriterionAssessment? Assessed)> Criteria =>
        [.. FlexiRules.Criteria.Select(c => (c.Text, Case.Criteria.FirstOrDefault(a => a.Key == c.Key)))];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadCaseAsync(id, Permission.ViewArrangements))
        {
            return NotFound();
        }

        CanManage = CurrentUser.Can(Permission.ManageArrangements, Case.SchoolId);
        if (Case.EnteredAfterwardsBy is { } broughtInBy)
        {
            EnteredAfterwardsBy = await Db.Users.AsNoTracking().Where(u => u.Id == broughtInBy).Select(u => u.DisplayName).SingleOrDefaultAsync();
        }

        CanDecide = CurrentUser.Can(Permission.DecideArrangements, Case.SchoolId);
        Documents = await Db.CaseDocuments.AsNoTracking().Where(d => d.ArrangementId == id).OrderBy(d => d.CreatedAt)
            .Select(d => new CaseDocumentRow(d.Id, d.Kind, d.FileName, d.Size, d.CreatedAt)).ToListAsync();
        History = await (from e in Db.ArrangementEvents.AsNoTracking()
                         where e.ArrangementId == id
                         join u in Db.Users.AsNoTracking() on e.By equals u.Id into users
                         from u in users.DefaultIfEmpty()
                         orderby e.At descending
                         select new CaseEventRow(e.What, e.Detail, u == null ? null : u.DisplayName, e.At)).ToListAsync();
        Agreement = await Db.FlexiAgreements.AsNoTracking().SingleOrDefaultAsync(a => a.ArrangementId == id);
        Plan = await Db.PartTimePlans.AsNoTracking().SingleOrDefaultAsync(p => p.ArrangementId == id);
        Placement = await Db.Placements.AsNoTracking().SingleOrDefaultAsync(p => p.ArrangementId == id);
        if (Placement is not null)
        {
            Provider = await Db.AlternativeProviders.AsNoTracking().SingleAsync(p => p.Id == Placement.ProviderId);
            Commissioning = await Db.CommissioningAgreements.AsNoTracking().SingleOrDefaultAsync(c => c.ArrangementId == id);
            var visits = await Db.PlacementVisits.AsNoTracking().Where(v => v.ArrangementId == id).ToListAsync();
            VisitCount = visits.Count;
            if (Case.ProfileVersionId is not null)
            {
                var calendar = await SchoolRules.CalendarAsync(Db, Case.SchoolId);
                var settings = (await DecidedUnderAsync()).Settings.AlternativeProvision;
                VisitDue = Domain.AlternativeProvision.PlacementVisit.NextDue(Case.Stage, Case.StartedOn, visits, calendar, settings);
                var today = Today;
                ProviderReportToday = Domain.AlternativeProvision.ProviderReport.StatusToday(Case.Stage, Case.StartedOn, Placement, calendar, settings, today,
                    TimeOnly.FromDateTime(Domain.Common.LondonClock.Now(Time)), await Db.ProviderReports.AnyAsync(r => r.ArrangementId == id && r.Date == today));
            }
        }
        Consents = await Db.ArrangementConsents.AsNoTracking().Where(x => x.ArrangementId == id).OrderByDescending(x => x.RecordedAt).ToListAsync();
        CurrentProfile = (await SchoolRules.ProfileAsync(Db, Case.SchoolId, Today)).Settings;
        CanApprovePartTime = Domain.PartTime.PartTimeRules.MayApprove(CurrentUser.RolesAt(Case.SchoolId), CurrentProfile.PartTime);
        Risk = await Db.RiskAssessments.AsNoTracking().Where(a => a.ArrangementId == id).OrderByDescending(a => a.Number).FirstOrDefaultAsync();
        CanAssessRisks = CurrentUser.Can(Permission.AssessRisks, Case.SchoolId);
        CanReadSafeguarding = CurrentUser.Can(Permission.ReadSafeguarding, Case.SchoolId);
        if (Case.ProfileVersionId is not null)
        {
            // The rules of the profile version the case was decided under (000 §7: its threshold).
            Profile = (await DecidedUnderAsync()).Settings;
        }

        if (Profile is not null)
        {
            NotificationsDue = await NotificationsDueAsync(Profile);
        }

        if (Case.Stage == ArrangementStage.Agreed && Profile is not null)
        {
            Gates = await StartGatesAsync(Agreement, Profile, Pupil.Flags);
        }

        if (Case.StartedOn is { } started)
        {
            SinceStart = await FlexiReviews.FiguresAsync(Db, Case, started, Case.EndsOn ?? DateOnly.MaxValue);
            SinceStartPeriod = AttendanceText.Period(started, Today, Case.EndsOn);
            Reviews = await Db.ArrangementReviews.AsNoTracking().Where(r => r.ArrangementId == id).OrderByDescending(r => r.DueOn).ThenByDescending(r => r.Id).ToListAsync();
        }
        await audit.ViewedAsync(nameof(Arrangement), id, Case.SchoolId);
        return Page();
    }
}
