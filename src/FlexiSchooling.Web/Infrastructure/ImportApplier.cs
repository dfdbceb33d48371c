using FlexiSchooling.Data;
using FlexiSchooling.Data.Attendance;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Common;
using FlexiSchooling.Domain.Imports;
using FlexiSchooling.Domain.Pupils;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Infrastructure;

public sealed record ImportResult(int Created, int Changed, int Unchanged, IReadOnlyList<ImportError> Errors, IReadOnlyList<string> Notes)
{
    public bool Valid => Errors.Count == 0;
}

/// <summary>
/// The MIS import's two steps, once for the import page, the benchmark and the tests: <see cref="CheckAsync"/> (the
/// upload) and <see cref="ConfirmAsync"/> (the officer's confirm). Both apply the parsed file to one school through the
/// domain (so every rule that guards a page guards an import too), matching pupils by UPN and marks by pupil, date and
/// session, so the same file twice changes nothing. The check throws its changes away; the confirm writes new marks
/// set-based (<see cref="AttendanceBulkWrites"/>) and everything else through the context, in one transaction.
/// </summary>
public sealed class ImportApplier(AppDbContext db, CurrentUser user, TimeProvider time)
{
    private readonly HashSet<Guid> _touchedPupils = [];

    /// <summary>
    /// The upload: every row checked through the domain and nothing of it saved; a clean file is kept as a batch for the
    /// officer to confirm (none is kept for a file with problems).
    /// </summary>
    public async Task<(ImportResult Result, ImportBatch? Batch)> CheckAsync(Guid schoolId, ImportKind kind, string content, string fileName)
    {
        var result = await ApplyAsync(schoolId, kind, content, fileName, save: false);
        if (!result.Valid)
        {
            return (result, null);
        }

        var rows = Math.Max(0, Csv.Read(content).Count() - 1);
        var batch = new ImportBatch(schoolId, kind, Path.GetFileName(fileName), content, rows, user.UserId, time.GetUtcNow());
        db.ImportBatches.Add(batch);
        await db.SaveChangesAsync();
        return (result, batch);
    }

    /// <summary>A checked batch of the school's (imported or not); none when the school has no batch of that id.</summary>
    public Task<ImportBatch?> BatchAsync(Guid schoolId, Guid batchId) =>
        db.ImportBatches.SingleOrDefaultAsync(b => b.Id == batchId && b.SchoolId == schoolId);

    /// <summary>
    /// The confirm, in one transaction: the checked batch applied again (the data may have changed since the check, and
    /// then nothing is saved and the problems are returned), the batch marked imported with its outcome, and for marks the
    /// formal reviews their attendance now calls for raised (the summaries are moved by its marks as they are written).
    /// </summary>
    public async Task<ImportResult> ConfirmAsync(ImportBatch batch)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var result = await ApplyAsync(batch.SchoolId, batch.Kind, batch.Content, batch.FileName, save: true);
        if (!result.Valid)
        {
            return result;
        }

        var now = time.GetUtcNow();
        batch.MarkImported(now, $"{result.Created} new, {result.Changed} changed, {result.Unchanged} unchanged.");
        await db.SaveChangesAsync();
        if (batch.Kind == ImportKind.Marks)
        {
            // The summaries were moved by the new marks and the changed ones as the new were written (ApplyAsync).
            await FlexiReviews.RaiseOnAttendanceAsync(db, _touchedPupils, LondonClock.Today(time), user.UserId, now);
        }

        await transaction.CommitAsync();
        return result;
    }

    private async Task<ImportResult> ApplyAsync(Guid schoolId, ImportKind kind, string content, string fileName, bool save)
    {
        _touchedPupils.Clear();
        var result = kind == ImportKind.Pupils ? await PupilsAsync(schoolId, content) : await MarksAsync(schoolId, content, fileName, save);
        if (!save || !result.Valid)
        {
            db.ChangeTracker.Clear();
        }

        return result;
    }

    private async Task<ImportResult> PupilsAsync(Guid schoolId, string content)
    {
        var (rows, errors) = AttendanceImport.Pupils(content);
        var problems = errors.ToList();
        if (problems.Count > 0)
        {
            return new ImportResult(0, 0, 0, problems, []);
        }

        var upns = rows.Select(r => r.Upn).ToList();
        var existing = await db.Pupils.Where(p => upns.Contains(p.Upn)).ToDictionaryAsync(p => p.Upn);
        var groups = await db.RegistrationGroups.Where(g => g.SchoolId == schoolId).ToDictionaryAsync(g => g.Name, StringComparer.OrdinalIgnoreCase);
        var notes = new List<string>();
        int created = 0, changed = 0, unchanged = 0;
        foreach (var row in rows)
        {
            try
            {
                RegistrationGroup? group = null;
                if (row.RegistrationGroup is { } name && !groups.TryGetValue(name, out group))
                {
                    group = new RegistrationGroup(schoolId, name, row.YearGroup);
                    groups[name] = group;
                    db.RegistrationGroups.Add(group);
                    notes.Add($"New registration group {name}");
                }

                if (existing.TryGetValue(row.Upn, out var pupil))
                {
                    if (pupil.SchoolId != schoolId)
                    {
                        problems.Add(new ImportError(row.Line, "UPN", $"{row.Upn} is on roll at another school of the trust"));
                        continue;
                    }

                    var same = pupil.LegalSurname == row.LegalSurname && pupil.LegalForename == row.LegalForename && pupil.PreferredForename == row.PreferredForename
                        && pupil.DateOfBirth == row.DateOfBirth && pupil.YearGroup == row.YearGroup && pupil.RegistrationGroupId == group?.Id
                        && pupil.AdmissionDate == row.AdmissionDate && pupil.Flags == row.Flags;
                    if (same)
                    {
                        unchanged++;
                        continue;
                    }

                    pupil.Rename(row.LegalForename, row.LegalSurname, row.PreferredForename, pupil.PreferredSurname);
                    pupil.PlaceInGroup(group, row.YearGroup);
                    pupil.SetRoll(row.AdmissionDate, pupil.LeavingDate);
                    pupil.SetFlags(row.Flags);
                    changed++;
                }
                else
                {
                    var fresh = new Pupil(schoolId, row.Upn, row.LegalForename, row.LegalSurname, row.DateOfBirth, row.YearGroup, row.AdmissionDate);
                    fresh.Rename(row.LegalForename, row.LegalSurname, row.PreferredForename, null);
                    fresh.PlaceInGroup(group, row.YearGroup);
                    fresh.SetFlags(row.Flags);
                    db.Pupils.Add(fresh);
                    created++;
                }
            }
            catch (DomainRuleException e)
            {
                problems.Add(new ImportError(row.Line, e.Field ?? "Row", e.Message));
            }
        }

        return new ImportResult(created, changed, unchanged, problems, notes);
    }

    private async Task<ImportResult> MarksAsync(Guid schoolId, string content, string fileName, bool save)
    {
        var (rows, errors) = AttendanceImport.Marks(content);
        var problems = errors.ToList();
        if (problems.Count > 0)
        {
            return new ImportResult(0, 0, 0, problems, []);
        }

        var pupils = await db.Pupils.AsNoTracking().Where(p => p.SchoolId == schoolId).ToDictionaryAsync(p => p.Upn);
        var calendar = await SchoolRules.CalendarAsync(db, schoolId);
        var subReasons = AttendanceSubReasons.Parse(await db.Schools.Where(s => s.Id == schoolId).Select(s => s.AttendanceSubReasonsText).SingleAsync());
        var today = LondonClock.Today(time);
        var now = time.GetUtcNow();
        var dates = rows.Select(r => r.Date).Distinct().ToList();
        var ids = pupils.Values.Select(p => p.Id).ToList();
        var marks = await db.AttendanceMarks.Where(m => ids.Contains(m.PupilId) && dates.Contains(m.Date)).ToDictionaryAsync(m => (m.PupilId, m.Date, m.Session));
        var (first, last) = (dates.Count == 0 ? default : dates.Min(), dates.Count == 0 ? default : dates.Max());
        // What arrangements and leave declared for these sessions: an imported C on a flexi home session is not
        // expected in school, exactly as if the register had been taken here.
        var expected = (await db.ExpectedMarks.AsNoTracking().Where(e => ids.Contains(e.PupilId) && e.From <= last && e.To >= first && e.WithdrawnAt == null).ToListAsync())
            .ToLookup(e => e.PupilId);
        var profiles = new Dictionary<DateOnly, Domain.Policy.RegisterSettings>();
        var reason = $"Imported from {fileName}";
        var newMarks = new List<AttendanceMark>();
        var moved = new List<SummaryMove>();
        int created = 0, changed = 0, unchanged = 0;
        foreach (var row in rows)
        {
            if (!pupils.TryGetValue(row.Upn, out var pupil))
            {
                problems.Add(new ImportError(row.Line, "UPN", $"No pupil with UPN {row.Upn} at this school: import the pupils first"));
                continue;
            }

            try
            {
                SessionRules.CheckNotFuture(row.Date, today);
                SessionRules.CheckMarkable(calendar, pupil, row.Date);
                if (!profiles.TryGetValue(row.Date, out var registers))
                {
                    registers = profiles[row.Date] = (await SchoolRules.ProfileAsync(db, schoolId, row.Date)).Settings.Registers;
                }

                var (expectedInSchool, expectedId) = ExpectedMark.Against(expected[pupil.Id].FirstOrDefault(e => e.Covers(row.Date, row.Session)), row.Code);
                var entry = new MarkEntry(row.Code, row.MinutesLate, row.Comment, expectedInSchool, expectedId, SubReason: subReasons.Check(row.Code, row.SubReason));
                if (marks.TryGetValue((pupil.Id, row.Date, row.Session), out var mark))
                {
                    var before = mark.Counted;
                    if (mark.Change(entry, registers, today, user.UserId, now, reason) is { Count: > 0 } history)
                    {
                        db.MarkChanges.AddRange(history);
                        if (SummaryMove.Changed(mark, before) is { } move)
                        {
                            moved.Add(move);
                        }

                        changed++;
                    }
                    else
                    {
                        unchanged++;
                    }
                }
                else
                {
                    // Its first history entry stays on the mark, the batch being the record of the file (ADR 0017).
                    var fresh = AttendanceMark.Import(schoolId, pupil.Id, row.Date, row.Session, entry, registers, today, user.UserId, now, reason);
                    newMarks.Add(fresh);
                    marks[(pupil.Id, row.Date, row.Session)] = fresh;
                    created++;
                }

                _touchedPupils.Add(pupil.Id);
            }
            catch (DomainRuleException e)
            {
                problems.Add(new ImportError(row.Line, e.Field switch { nameof(MarkEntry.MinutesLate) => "Minutes Late", nameof(MarkEntry.SubReason) => "Sub Reason", _ => "Code" }, e.Message));
            }
        }

        if (save && problems.Count == 0)
        {
            // The summaries are moved by the new marks and by the changed ones (saved by ConfirmAsync's SaveChanges in the
            // same transaction) in the same round trip as the new marks.
            await AttendanceBulkWrites.InsertAsync(db, newMarks, [], moved);
        }

        return new ImportResult(created, changed, unchanged, problems, []);
    }
}
