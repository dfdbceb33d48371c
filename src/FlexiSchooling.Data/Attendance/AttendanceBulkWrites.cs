using FlexiSchooling.Data.Audit;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.Domain.Attendance;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace FlexiSchooling.Data.Attendance;

/// <summary>
/// Writes new marks and their first history rows (an import's marks have none, ADR 0017) set-based — one
/// INSERT … SELECT FROM unnest(arrays) per table per 50,000 rows (and, for marks, per school, time, user and reason) —
/// for imports of a term or a year of marks, where EF Core's row-by-row change tracking is twenty times too slow
/// (docs/performance.md). The marks are made and checked by
/// the domain first (<see cref="AttendanceMark.Record"/>), exactly as on the register page; this only
/// writes them. It keeps the save interceptor's tenancy rules (stamps the trust, refuses another
/// school) and PostgreSQL row-level security checks every row. COPY is not used because PostgreSQL
/// refuses COPY FROM into a table with row-level security.
/// </summary>
public static class AttendanceBulkWrites
{
    private const int Chunk = 50_000;

    // The school, the time, the user and the reason are the same for every mark of a save or an import file, so each is
    // sent once, not as an array of one value repeated: PostgreSQL decoding four arrays of a file's 2,500 values took
    // about 7% of the insert (docs/performance.md, twenty-eighth session). Marks that differ in them go in commands of
    // their own.
    private const string InsertMarks = """
        INSERT INTO attendance_marks (id, trust_id, school_id, pupil_id, date, session, code, category, minutes_late, comment, sub_reason, expected_in_school, expected_mark_id, recorded_at, recorded_by, first_entry_reason)
        SELECT u.id, @trust, @school, u.pupil_id, u.date, u.session, u.code, u.category, u.minutes_late, u.comment, u.sub_reason, u.expected_in_school, u.expected_mark_id, @at, @by, @firstEntry
          FROM unnest(@id, @pupil, @date, @session, @code, @category, @minutes, @comment, @subReason, @expected, @expectedMark)
            AS u(id, pupil_id, date, session, code, category, minutes_late, comment, sub_reason, expected_in_school, expected_mark_id)
        """;

    private const string InsertChanges = """
        INSERT INTO attendance_mark_changes (id, trust_id, school_id, mark_id, pupil_id, date, session, old_code, new_code, old_minutes_late, new_minutes_late, sub_reason, reason, changed_by, changed_at)
        SELECT u.id, @trust, u.school_id, u.mark_id, u.pupil_id, u.date, u.session, u.old_code, u.new_code, u.old_minutes, u.new_minutes, u.sub_reason, u.reason, u.changed_by, u.changed_at
          FROM unnest(@id, @school, @mark, @pupil, @date, @session, @old, @new, @oldMinutes, @newMinutes, @subReason, @reason, @by, @at)
            AS u(id, school_id, mark_id, pupil_id, date, session, old_code, new_code, old_minutes, new_minutes, sub_reason, reason, changed_by, changed_at)
        """;

    private const string InsertSubmission = """
        INSERT INTO register_submissions (id, trust_id, school_id, group_id, date, session, submitted_at, submitted_by)
        VALUES (@id, @trust, @school, @group, @date, @session, @at, @by)
        """;

    private const string InsertAudit = """
        INSERT INTO audit_events (id, trust_id, school_id, user_id, role, entity_type, entity_id, action, occurred_at, correlation_id)
        VALUES (@id, @trust, @school, @user, @role, @type, @entity, @action, @at, @correlation)
        """;

    /// <summary>
    /// Inserts new marks and their history rows inside the caller's transaction, and moves the pupils' weeks and years by
    /// the new marks and by <paramref name="changed"/>, the moves of marks the caller changes through EF Core in the same
    /// transaction (<see cref="SummaryMove.Changed"/>): all in one round trip.
    /// </summary>
    public static async Task InsertAsync(
        AppDbContext db, IReadOnlyList<AttendanceMark> marks, IReadOnlyList<MarkChange> changes, IReadOnlyCollection<SummaryMove> changed, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not { } transaction)
        {
            throw new InvalidOperationException("Bulk mark writes run inside the caller's transaction, so a failure half-way saves nothing.");
        }

        var tenant = Checked(db, marks.Select(m => m.SchoolId).Concat(changes.Select(c => c.SchoolId)).Concat(changed.Select(m => m.SchoolId)));
        await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction());
        AddMarks(batch, tenant, marks, changes, changed);
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Saves a register none of whose pupils had a mark for the session, outside any transaction, in one batch: the trust
    /// set for it (<see cref="TenantSql"/>), the submission and its audit event (<see cref="TenantSaveChangesInterceptor.Audit"/>,
    /// as a save through EF Core writes it), the marks with their history, and the pupils' weeks and years moved by them.
    /// PostgreSQL runs a batch sent with one Sync as one implicit transaction, so it is saved whole or not at all, as the
    /// register's other path is in its transaction: three round trips for the register's save where that path makes six
    /// (ADR 0054). A submission whose key was saved already fails on its primary key, and a mark saved meanwhile by someone
    /// else on the marks' unique key, as on the other path.
    /// </summary>
    public static async Task SaveNewRegisterAsync(
        AppDbContext db, RegisterSubmission submission, IReadOnlyList<AttendanceMark> marks, IReadOnlyList<MarkChange> changes, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A register saved in one batch is its own transaction: it cannot run inside another.");
        }

        var tenant = Checked(db, marks.Select(m => m.SchoolId).Concat(changes.Select(c => c.SchoolId)).Append(submission.SchoolId));
        submission.StampTrust(tenant.TrustId);
        var audit = TenantSaveChangesInterceptor.Audit(tenant, tenant.TrustId, submission.SchoolId, nameof(RegisterSubmission), submission.Id.ToString(), AuditActions.Created, now);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection);
        if (TenantSql.SetForTransaction(tenant) is { } setTrust)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(setTrust));
        }

        var insert = new NpgsqlBatchCommand(InsertSubmission);
        insert.Parameters.AddWithValue("id", submission.Id);
        insert.Parameters.AddWithValue("trust", submission.TrustId);
        insert.Parameters.AddWithValue("school", submission.SchoolId);
        insert.Parameters.AddWithValue("group", submission.GroupId);
        insert.Parameters.AddWithValue("date", submission.Date);
        insert.Parameters.AddWithValue("session", submission.Session.ToString());
        insert.Parameters.AddWithValue("at", submission.SubmittedAt);
        insert.Parameters.Add(new NpgsqlParameter("by", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)submission.SubmittedBy ?? DBNull.Value });
        batch.BatchCommands.Add(insert);
        var audited = new NpgsqlBatchCommand(InsertAudit);
        audited.Parameters.AddWithValue("id", audit.Id);
        audited.Parameters.Add(new NpgsqlParameter("trust", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)audit.TrustId ?? DBNull.Value });
        audited.Parameters.Add(new NpgsqlParameter("school", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)audit.SchoolId ?? DBNull.Value });
        audited.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)audit.UserId ?? DBNull.Value });
        audited.Parameters.Add(new NpgsqlParameter("role", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)audit.Role ?? DBNull.Value });
        audited.Parameters.AddWithValue("type", audit.EntityType);
        audited.Parameters.Add(new NpgsqlParameter("entity", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)audit.EntityId ?? DBNull.Value });
        audited.Parameters.AddWithValue("action", audit.Action);
        audited.Parameters.AddWithValue("at", audit.OccurredAt);
        audited.Parameters.Add(new NpgsqlParameter("correlation", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)audit.CorrelationId ?? DBNull.Value });
        batch.BatchCommands.Add(audited);
        AddMarks(batch, tenant, marks, changes, []);
        // A request's connection is open already (CurrentUserMiddleware); Entity Framework closes only one it opened here.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // The save interceptor's tenancy rules for rows it does not see: a trust is set, and every school is the user's.
    private static TenantContext Checked(AppDbContext db, IEnumerable<Guid> schools)
    {
        var tenant = db.Tenant;
        if (!tenant.HasTrust)
        {
            throw new TenantViolationException("New marks need a trust, and none is set.");
        }

        foreach (var school in schools.Distinct())
        {
            if (!tenant.IsSystem && !tenant.AllSchools && !tenant.SchoolIds.Contains(school))
            {
                throw new TenantViolationException("Refused: these marks belong to a school outside the user's access.");
            }
        }

        return tenant;
    }

    private static void AddMarks(
        NpgsqlBatch batch, TenantContext tenant, IReadOnlyList<AttendanceMark> marks, IReadOnlyList<MarkChange> changes, IReadOnlyCollection<SummaryMove> changed)
    {
        foreach (var chunk in marks.GroupBy(m => (m.SchoolId, m.RecordedAt, m.RecordedBy, m.FirstEntryReason)).SelectMany(g => g.Chunk(Chunk)))
        {
            foreach (var mark in chunk)
            {
                mark.StampTrust(tenant.TrustId);
            }

            var first = chunk[0];
            var command = new NpgsqlBatchCommand(InsertMarks);
            command.Parameters.AddWithValue("trust", tenant.TrustId);
            command.Parameters.AddWithValue("school", first.SchoolId);
            command.Parameters.AddWithValue("at", first.RecordedAt);
            command.Parameters.Add(new NpgsqlParameter("by", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)first.RecordedBy ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("firstEntry", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)first.FirstEntryReason ?? DBNull.Value });
            command.Parameters.AddWithValue("id", chunk.Select(m => m.Id).ToArray());
            command.Parameters.AddWithValue("pupil", chunk.Select(m => m.PupilId).ToArray());
            command.Parameters.AddWithValue("date", chunk.Select(m => m.Date).ToArray());
            command.Parameters.AddWithValue("session", chunk.Select(m => m.Session.ToString()).ToArray());
            command.Parameters.AddWithValue("code", chunk.Select(m => m.Code).ToArray());
            command.Parameters.AddWithValue("category", chunk.Select(m => m.Category.ToString()).ToArray());
            command.Parameters.AddWithValue("minutes", chunk.Select(m => m.MinutesLate).ToArray());
            command.Parameters.AddWithValue("comment", chunk.Select(m => m.Comment).ToArray());
            command.Parameters.AddWithValue("subReason", chunk.Select(m => m.SubReason).ToArray());
            command.Parameters.AddWithValue("expected", chunk.Select(m => m.ExpectedInSchool).ToArray());
            command.Parameters.AddWithValue("expectedMark", chunk.Select(m => m.ExpectedMarkId).ToArray());
            batch.BatchCommands.Add(command);
        }

        foreach (var chunk in changes.Chunk(Chunk))
        {
            foreach (var change in chunk)
            {
                change.StampTrust(tenant.TrustId);
            }

            var command = new NpgsqlBatchCommand(InsertChanges);
            command.Parameters.AddWithValue("trust", tenant.TrustId);
            command.Parameters.AddWithValue("id", chunk.Select(c => c.Id).ToArray());
            command.Parameters.AddWithValue("school", chunk.Select(c => c.SchoolId).ToArray());
            command.Parameters.AddWithValue("mark", chunk.Select(c => c.MarkId).ToArray());
            command.Parameters.AddWithValue("pupil", chunk.Select(c => c.PupilId).ToArray());
            command.Parameters.AddWithValue("date", chunk.Select(c => c.Date).ToArray());
            command.Parameters.AddWithValue("session", chunk.Select(c => c.Session.ToString()).ToArray());
            command.Parameters.AddWithValue("old", chunk.Select(c => c.OldCode).ToArray());
            command.Parameters.AddWithValue("new", chunk.Select(c => c.NewCode).ToArray());
            command.Parameters.AddWithValue("oldMinutes", chunk.Select(c => c.OldMinutesLate).ToArray());
            command.Parameters.AddWithValue("newMinutes", chunk.Select(c => c.NewMinutesLate).ToArray());
            command.Parameters.AddWithValue("subReason", chunk.Select(c => c.SubReason).ToArray());
            command.Parameters.AddWithValue("reason", chunk.Select(c => c.Reason).ToArray());
            command.Parameters.AddWithValue("by", chunk.Select(c => c.ChangedBy).ToArray());
            command.Parameters.AddWithValue("at", chunk.Select(c => c.ChangedAt).ToArray());
            batch.BatchCommands.Add(command);
        }

        foreach (var move in AttendanceSummaries.MoveCommands(tenant.TrustId, [.. marks.Select(SummaryMove.Added), .. changed]))
        {
            batch.BatchCommands.Add(move);
        }
    }
}
