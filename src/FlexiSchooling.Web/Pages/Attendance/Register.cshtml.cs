using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Calendar;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Policy;
using FlexiSchooling.Domain.Pupils;
using FlexiSchooling.Domain.Security;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlexiSchooling.Web.Pages.Attendance;

/// <summary>One row of the register form: a pupil's mark as typed, and the version it was typed against.</summary>
public sealed record RegisterRow
{
    public Guid PupilId { get; init; }

    public string Code { get; init; } = "";

    public int? MinutesLate { get; init; }

    public string? Comment { get; init; }

    /// <summary>The school's reason behind the code, where it keeps them.</summary>
    public string? SubReason { get; init; }

    public string? Reason { get; init; }

    /// <summary>The mark's row version when the form was opened (0: no mark yet).</summary>
    public uint Version { get; init; }

    /// <summary>After a conflict: "mine" to save what I typed, "theirs" to keep what someone else saved.</summary>
    public string? Choice { get; init; }
}

public sealed record RegisterPupil(Guid Id, string Name, string? ExpectedLabel, string? SavedCode, DateTimeOffset? SavedAt);

public sealed record RegisterConflict(string TheirCode, string? TheirBy, DateTimeOffset TheirAt);

/// <summary>
/// Taking a register: each pupil's mark typed (or what an expected mark says; "mark everyone present" fills the rest
/// when the person chooses it, never by default), a code typed changes a mark, and one save writes the whole register with its history and its weekly and yearly
/// summaries in one transaction. A second person's save in between is shown mark by mark for the user to
/// choose; the same submission twice saves once; after the day, changes need a reason.
/// </summary>
public sealed class RegisterModel : AppPageModel
{
    [FromRoute]
    public Guid GroupId { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? Date { get; set; }

    [BindProperty(SupportsGet = true)]
    public Session Session { get; set; }

    [BindProperty]
    public List<RegisterRow> Rows { get; set; } = [];

    [BindProperty]
    public Guid SubmissionKey { get; set; }

    /// <summary>"all": the person chose to mark everyone not yet marked as present (issue 13: never a silent default).</summary>
    [BindProperty(SupportsGet = true, Name = "present")]
    public string? Present { get; set; }

    /// <summary>Pupils with no mark yet and none expected: the rows the "mark present" link fills.</summary>
    public int Unmarked { get; private set; }

    public string GroupName { get; private set; } = "";

    public string SchoolName { get; private set; } = "";

    public IReadOnlyList<RegisterPupil> Pupils { get; private set; } = [];

    public Dictionary<Guid, RegisterConflict> Conflicts { get; } = [];

    public bool IsSchoolDay { get; private set; }

    public bool IsLocked { get; private set; }

    /// <summary>Whether the register asks a reason for a change: all of it once locked, a saved mark's row while open.</summary>
    public bool AsksReasons => IsLocked || Pupils.Any(p => p.SavedCode is not null);

    /// <summary>
    /// A row's error as it shows in the row, under the pupil's name: without the "Name: " the error summary needs to say
    /// whose mark it is, and starting with a capital, so the narrow name column holds a few short lines, not one word a line.
    /// </summary>
    public static string InRow(string error)
    {
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 || colon + 2 >= error.Length) return error;
        var rest = error[(colon + 2)..];
        return char.ToUpperInvariant(rest[0]) + rest[1..];
    }

    public bool CanSave { get; private set; }

    public bool Saved { get; private set; }

    public RegisterSettings Registers { get; private set; } = null!;

    /// <summary>The school's reasons behind codes (a school setting); the register offers them when there are any.</summary>
    public AttendanceSubReasons SubReasons { get; private set; } = AttendanceSubReasons.None;

    private RegistrationGroup _group = null!;
    private SchoolCalendar _calendar = null!;
    private List<Pupil> _pupils = [];
    private List<ExpectedMark> _expected = [];
    private Dictionary<Guid, AttendanceMark> _marks = [];

    public async Task<IActionResult> OnGetAsync(bool saved = false)
    {
        if (!await LoadAsync(trackMarks: false))
        {
            return NotFound();
        }

        Saved = saved;
        if (IsSchoolDay)
        {
            var marks = _marks;
            Rows = [.. _pupils.Select(p => marks.TryGetValue(p.Id, out var m)
                ? new RegisterRow { PupilId = p.Id, Code = m.Code, MinutesLate = m.MinutesLate, Comment = m.Comment, SubReason = m.SubReason, Version = m.Version }
                : new RegisterRow { PupilId = p.Id, Code = ExpectedFor(p.Id)?.Code ?? "" })];
            if (Present == "all")
            {
                MarkUnmarkedPresent();
            }

            Unmarked = Rows.Count(r => string.IsNullOrWhiteSpace(r.Code));
            SubmissionKey = Guid.NewGuid();
        }

        return Page();
    }

    /// <summary>"Mark everyone not yet marked as present": fills the empty marks, keeps every one typed, saves nothing.</summary>
    public async Task<IActionResult> OnPostPresentAsync()
    {
        if (!await LoadAsync(trackMarks: false))
        {
            return NotFound();
        }

        var pupilIds = _pupils.Select(p => p.Id).ToHashSet();
        if (!IsSchoolDay || !CanSave || Rows.Any(r => !pupilIds.Contains(r.PupilId)))
        {
            return NotFound();
        }

        ModelState.Clear();
        MarkUnmarkedPresent();
        return Page();
    }

    private void MarkUnmarkedPresent() =>
        Rows = [.. Rows.Select(r => string.IsNullOrWhiteSpace(r.Code) ? r with { Code = AttendanceCodeSet.Present(Session) } : r)];

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync(trackMarks: true))
        {
            return NotFound();
        }

        if (!IsSchoolDay || !CanSave)
        {
            ModelState.AddModelError("", IsSchoolDay ? "You cannot change this register." : "There is no register on a day that is not a school day.");
            return Page();
        }

        // Every row must be a pupil of this register: a tampered id is refused outright.
        var pupilIds = _pupils.Select(p => p.Id).ToHashSet();
        if (Rows.Any(r => !pupilIds.Contains(r.PupilId)) || Rows.Select(r => r.PupilId).Distinct().Count() != Rows.Count)
        {
            return NotFound();
        }

        var date = Date!.Value;
        var marks = _marks;
        foreach (var row in Rows.Where(r => r.Choice is null))
        {
            var current = marks.GetValueOrDefault(row.PupilId);
            // Changed since the form was opened, and to something other than what this person typed.
            if ((current?.Version ?? 0) != row.Version && current is not null && current.Code != Typed(row.Code))
            {
                var by = current!.RecordedBy is { } u ? await Db.Users.Where(x => x.Id == u).Select(x => x.DisplayName).FirstOrDefaultAsync() : null;
                Conflicts[row.PupilId] = new RegisterConflict(current.Code, by, current.RecordedAt);
            }
        }

        if (Conflicts.Count > 0)
        {
            // The same submission again, after someone else has since changed marks: it was saved once already.
            // (Without conflicts a repeat is caught by the submission's primary key when it is saved.)
            if (await Db.RegisterSubmissions.AnyAsync(s => s.Id == SubmissionKey))
            {
                return Redirect(SavedUrl());
            }

            // The form is redrawn from Rows (with the current versions), not from the posted values.
            ModelState.Clear();
            ModelState.AddModelError("", $"Someone else saved {Conflicts.Count} mark(s) in this register after you opened it. Nothing has been saved yet: for each highlighted pupil, choose their mark or yours, then save again.");
            Rows = [.. Rows.Select(r => Conflicts.ContainsKey(r.PupilId) ? r with { Version = marks[r.PupilId].Version } : r)];
            return Page();
        }

        var profile = Registers;
        var today = Today;
        var now = Time.GetUtcNow();
        var pupils = _pupils.ToDictionary(p => p.Id);
        var newMarks = new List<AttendanceMark>();
        var newHistory = new List<MarkChange>();
        var moved = new List<SummaryMove>();
        for (var i = 0; i < Rows.Count; i++)
        {
            var row = Rows[i];
            if (row.Choice == "theirs")
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(row.Code))
            {
                // A register is taken pupil by pupil: an empty mark is never taken as present.
                ModelState.AddModelError($"Rows[{i}].{nameof(RegisterRow.Code)}", $"{pupils[row.PupilId].DisplayName}: enter a mark — / for present, or the code for why they are not here.");
                continue;
            }

            var (expectedInSchool, expectedId) = ExpectedMark.Against(ExpectedFor(row.PupilId), row.Code ?? "");
            try
            {
                var entry = new MarkEntry(row.Code ?? "", row.MinutesLate, row.Comment, expectedInSchool, expectedId, row.Reason, SubReasons.Check(row.Code ?? "", row.SubReason));
                SessionRules.CheckMarkable(_calendar, pupils[row.PupilId], date);
                if (marks.TryGetValue(row.PupilId, out var mark))
                {
                    var before = mark.Counted;
                    Db.MarkChanges.AddRange(mark.Change(entry, profile, today, CurrentUser.UserId, now, row.Reason));
                    if (SummaryMove.Changed(mark, before) is { } move)
                    {
                        moved.Add(move);
                    }
                }
                else
                {
                    var (created, change) = AttendanceMark.Record(_group.SchoolId, row.PupilId, date, Session, entry, profile, today, CurrentUser.UserId, now, row.Reason);
                    newMarks.Add(created);
                    newHistory.Add(change);
                }
            }
            catch (DomainRuleException e)
            {
                var field = e.Field switch
                {
                    nameof(MarkEntry.MinutesLate) => nameof(RegisterRow.MinutesLate),
                    nameof(MarkEntry.Reason) => nameof(RegisterRow.Reason),
                    nameof(MarkEntry.SubReason) => nameof(RegisterRow.SubReason),
                    _ => nameof(RegisterRow.Code),
                };
                ModelState.AddModelError($"Rows[{i}].{field}", $"{pupils[row.PupilId].DisplayName}: {e.Message}");
            }
        }

        if (!ModelState.IsValid)
        {
            Unmarked = Rows.Count(r => string.IsNullOrWhiteSpace(r.Code));
            return Page(); // nothing saved: a register is saved whole or not at all
        }

        var submission = new RegisterSubmission(SubmissionKey, _group.SchoolId, _group.Id, date, Session, CurrentUser.UserId, now);
        // Only pupils with an arrangement declaring sessions out of school can have a flexi review raised by a save (000 §7).
        List<Guid> flexiPupils = [.. _expected.Where(e => !e.ExpectedInSchool).Select(e => e.PupilId).Distinct()];
        try
        {
            if (marks.Count == 0 && flexiPupils.Count == 0)
            {
                // No pupil had a mark for the session and none can have a review raised: the submission, its audit event,
                // the marks, their history and the summaries they move in one batch, one implicit transaction (ADR 0054).
                await AttendanceBulkWrites.SaveNewRegisterAsync(Db, submission, newMarks, newHistory, now);
            }
            else
            {
                Db.RegisterSubmissions.Add(submission);
                await using var transaction = await Db.Database.BeginTransactionAsync();
                // Changed marks and their history, the submission and its audit row through EF Core; then the
                // new marks, their history and the summaries moved by both set-based in one more round trip.
                await Db.SaveChangesAsync();
                await AttendanceBulkWrites.InsertAsync(Db, newMarks, newHistory, moved);
                // A formal review is raised in the same save that lowers a flexi pupil's attendance (000 §7).
                await FlexiReviews.RaiseOnAttendanceAsync(Db, flexiPupils, today, CurrentUser.UserId, now);
                await transaction.CommitAsync(); // left uncommitted on a failure, the transaction is rolled back as it is disposed
            }
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException
            || e is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } }
            || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            if ((e as PostgresException ?? e.InnerException as PostgresException)?.ConstraintName?.StartsWith("PK_register_submissions", StringComparison.Ordinal) == true)
            {
                return Redirect(SavedUrl()); // the same submission, saved a moment ago by a double click
            }

            ModelState.AddModelError("", "Someone else saved this register at the same moment. Nothing of yours has been saved: reopen the register to see their marks.");
            return Page();
        }

        return Redirect(SavedUrl());
    }

    private string Typed(string? code)
    {
        var typed = AttendanceCodeSet.Normalise(code ?? "");
        return typed == AttendanceCodeSet.PresentAm ? AttendanceCodeSet.Present(Session) : typed;
    }

    private string SavedUrl() => $"/Attendance/Register/{GroupId}?date={Date:yyyy-MM-dd}&session={Session}&saved=true";

    public ExpectedMark? ExpectedFor(Guid pupilId) => _expected.FirstOrDefault(e => e.PupilId == pupilId && e.Covers(Date!.Value, Session));

    // The register's read, compiled once for the process (EF.CompileAsyncQuery): every register opened or saved runs it,
    // and a compiled query skips building, parameterising and looking up its expression tree on each request (issue 15,
    // the register page's load; ADR 0034). Row-level security and the context's query filters apply as to any query.
    //
    // One round trip for the register: the group, its school's reasons behind codes, and the group's pupils on roll that
    // day, each with the session's mark (one at most: the marks' key is the pupil, date and session) and the expected
    // marks covering the day — all under the school scope, as any read is (a group of a school the user has no role in
    // is not found: a 404, as the permission's refusal below is; the filters apply to the whole query, so the group is
    // not read outside the scope any more, which the rows never were). It was two reads (the group, then the rows,
    // which were once three), each a command with its own tenancy block; the twenty-third session made them one. Read
    // without tracking; a save attaches the marks it will change.
    private static readonly Func<Data.AppDbContext, Guid, DateOnly, Session, Task<RegisterRead?>> FindRegister = EF.CompileAsyncQuery(
        Inline.Expand<Func<Data.AppDbContext, Guid, DateOnly, Session, RegisterRead?>>((db, groupId, date, session) =>
            db.RegistrationGroups.AsNoTracking().Where(g => g.Id == groupId)
                .Select(g => new RegisterRead(
                    g,
                    db.Schools.Where(s => s.Id == g.SchoolId).Select(s => s.AttendanceSubReasonsText).FirstOrDefault(),
                    (from p in db.Pupils.AsNoTracking()
                     // The group's id as a parameter as well as g.Id through the join: the pupils' own condition, for
                     // their group's index (on an unanalysed test database the join alone was planned as a filter
                     // over the trust's pupils).
                     where p.RegistrationGroupId == groupId && p.RegistrationGroupId == g.Id && Pupil.OnRoll.Invoke(p, date)
                     join m in db.AttendanceMarks.Where(m => m.Date == date && m.Session == session) on p.Id equals m.PupilId into marks
                     from m in marks.DefaultIfEmpty()
                     orderby p.LegalSurname, p.LegalForename
                     select new RegisterPupilRead(p, m, db.ExpectedMarks.Where(e => e.PupilId == p.Id && e.From <= date && e.To >= date && e.WithdrawnAt == null).ToList())).ToList()))
                .SingleOrDefault()));

    private sealed record RegisterRead(RegistrationGroup Group, string? SubReasons, List<RegisterPupilRead> Rows);

    private sealed record RegisterPupilRead(Pupil Pupil, AttendanceMark? Mark, List<ExpectedMark> Expected);

    private async Task<bool> LoadAsync(bool trackMarks)
    {
        Date ??= Today;
        var date = Date.Value;
        try
        {
            SessionRules.CheckNotFuture(date, Today);
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError("", e.Message);
            Date = Today;
            date = Today;
        }

        var found = await FindRegister(Db, GroupId, date, Session);
        var group = found?.Group;
        if (group is null || !await CanAsync(group.SchoolId, Permission.TakeRegister) || !CurrentUser.CanTakeRegister(group))
        {
            return false;
        }

        _group = group;
        SubReasons = AttendanceSubReasons.Parse(found!.SubReasons);
        GroupName = group.Name;
        SchoolName = CurrentUser.Schools.FirstOrDefault(s => s.Id == group.SchoolId)?.Name ?? "";
        _calendar = await SchoolRules.CalendarAsync(Db, group.SchoolId);
        IsSchoolDay = _calendar.IsSchoolDay(date);
        Registers = (await SchoolRules.ProfileAsync(Db, group.SchoolId, date)).Settings.Registers;
        IsLocked = AttendanceMark.IsLocked(date, Today);
        CanSave = !IsLocked || CurrentUser.Can(Permission.AmendLockedMarks, group.SchoolId);
        var rows = found.Rows;
        _pupils = [.. rows.Select(r => r.Pupil)];
        _expected = [.. rows.SelectMany(r => r.Expected)];
        _marks = rows.Where(r => r.Mark is not null).ToDictionary(r => r.Pupil.Id, r => r.Mark!);
        if (trackMarks)
        {
            // Attached as read, their row versions the originals: a save in between is still caught (DbUpdateConcurrencyException).
            Db.AttendanceMarks.AttachRange(_marks.Values);
        }

        Pupils = [.. _pupils.Select(p =>
        {
            var expected = ExpectedFor(p.Id);
            var mark = _marks.GetValueOrDefault(p.Id);
            return new RegisterPupil(p.Id, $"{p.LegalSurname}, {p.PreferredForename ?? p.LegalForename}", expected is null ? null : $"{expected.Code} ({expected.Source})", mark?.Code, mark?.RecordedAt);
        })];
        return true;
    }
}
