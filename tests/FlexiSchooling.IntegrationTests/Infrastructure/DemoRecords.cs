using Npgsql;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>Ids of demo records by school slug, read straight from the database (as superuser).</summary>
public sealed record DemoRecords(string Database)
{
    public async Task<Guid> SchoolAsync(string name) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT id FROM schools WHERE name LIKE '{name}%'");

    /// <summary>The local authority the school names (a record of its trust).</summary>
    public async Task<Guid> LocalAuthorityOfAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT local_authority_id FROM schools WHERE name LIKE '{schoolName}%'");

    public async Task<Guid> PupilAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id WHERE s.name LIKE '{schoolName}%' ORDER BY p.upn LIMIT 1");

    public async Task<Guid> UserAsync(string email) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT id FROM users WHERE email = '{email}'");

    public async Task<Guid> PolicyVersionOfTrustAsync(string trustName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT v.id FROM policy_profile_versions v JOIN trusts t ON t.id = v.trust_id WHERE t.name LIKE '{trustName}%' AND v.school_id IS NULL");

    /// <summary>One of the trust's alternative providers: the one with a file of evidence where any has one.</summary>
    public async Task<Guid> ProviderOfTrustAsync(string trustName, string? providerName = null) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database),
            $"SELECT p.id FROM alternative_providers p JOIN trusts t ON t.id = p.trust_id WHERE t.name LIKE '{trustName}%' AND p.name LIKE '{providerName ?? ""}%' ORDER BY p.name LIMIT 1");

    public async Task<Guid> ClosureAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT c.id FROM closure_days c JOIN schools s ON s.id = c.school_id WHERE s.name LIKE '{schoolName}%' LIMIT 1");

    public async Task<Guid> GroupAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT g.id FROM registration_groups g JOIN schools s ON s.id = g.school_id WHERE s.name LIKE '{schoolName}%' LIMIT 1");

    public async Task<Guid> FlexiCaseAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE '{schoolName}%' AND a.kind = 'FlexiSchooling' ORDER BY a.created_at LIMIT 1");

    /// <summary>
    /// A review of a running case at the school. The demo cases await their decisions, so a running case (decided
    /// under the trust's profile, started in September) and its first review are written here once.
    /// </summary>
    public async Task<Guid> FlexiReviewAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"""
            WITH pupil AS (
                SELECT p.id, p.school_id, p.trust_id FROM pupils p JOIN schools s ON s.id = p.school_id
                 WHERE s.name LIKE '{schoolName}%' AND NOT EXISTS (SELECT 1 FROM arrangements a WHERE a.pupil_id = p.id)
                   AND NOT EXISTS (SELECT 1 FROM arrangement_reviews r JOIN schools rs ON rs.id = r.school_id WHERE rs.name LIKE '{schoolName}%')
                 ORDER BY p.upn DESC LIMIT 1),
            arrangement AS (
                INSERT INTO arrangements (id, trust_id, school_id, pupil_id, kind, stage, requested_on, requested_by, requester_relationship, created_at, criteria, outcome, decided_on, profile_version_id, started_on)
                SELECT gen_random_uuid(), p.trust_id, p.school_id, p.id, 'FlexiSchooling', 'Running', '2026-09-01', 'A parent', 'Mother', now(), '[]', 'Agreed', '2026-09-02',
                       (SELECT v.id FROM policy_profile_versions v WHERE v.trust_id = p.trust_id AND v.school_id IS NULL ORDER BY v.number DESC LIMIT 1), '2026-09-07'
                  FROM pupil p RETURNING id, trust_id, school_id),
            review AS (
                INSERT INTO arrangement_reviews (id, trust_id, school_id, arrangement_id, kind, due_on, progress_below_standard)
                SELECT gen_random_uuid(), a.trust_id, a.school_id, a.id, 'Scheduled', '2026-12-18', false FROM arrangement a RETURNING id, school_id)
            SELECT id FROM review
            UNION ALL
            SELECT r.id FROM arrangement_reviews r JOIN schools s ON s.id = r.school_id WHERE s.name LIKE '{schoolName}%'
            LIMIT 1
            """);

    /// <summary>A proposed part-time timetable at the school, written here once (the template's demo has none proposed).</summary>
    /// <summary>The demo's referred AP placement at the school (waiting for the head's agreement).</summary>
    public async Task<Guid> PlacementCaseAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database),
            $"SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE '{schoolName}%' AND a.kind = 'AlternativeProvision' AND a.stage = 'Proposed' ORDER BY a.created_at LIMIT 1");

    public async Task<Guid> PartTimeCaseAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $$"""
            WITH existing AS (
                SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id
                 WHERE s.name LIKE '{{schoolName}}%' AND a.kind = 'PartTimeTimetable' AND a.stage = 'Proposed' ORDER BY a.created_at LIMIT 1),
            pupil AS (
                SELECT p.id, p.school_id, p.trust_id FROM pupils p JOIN schools s ON s.id = p.school_id
                 WHERE s.name LIKE '{{schoolName}}%' AND NOT EXISTS (SELECT 1 FROM arrangements a WHERE a.pupil_id = p.id) AND NOT EXISTS (SELECT 1 FROM existing)
                 ORDER BY p.upn DESC OFFSET 1 LIMIT 1),
            arrangement AS (
                INSERT INTO arrangements (id, trust_id, school_id, pupil_id, kind, stage, requested_on, requested_by, requester_relationship, created_at, criteria)
                SELECT gen_random_uuid(), p.trust_id, p.school_id, p.id, 'PartTimeTimetable', 'Proposed', '2026-11-16', 'A head of year', 'Head of year', now(), '[]'
                  FROM pupil p RETURNING id, trust_id, school_id),
            plan AS (
                INSERT INTO part_time_plans (arrangement_id, trust_id, school_id, reasons, support_plan, reintegration, welfare_responsibility, start_date, end_date, phases, approved_end_date, extensions)
                SELECT a.id, a.trust_id, a.school_id, '["medical"]', 'Support plan', 'Mornings, then full days', 'Parent at home', '2026-11-23', '2027-01-29',
                       '[{"from":"2026-11-23","inSchool":341,"hoursInSchool":12}]', '2027-01-29', 0 FROM arrangement a RETURNING arrangement_id)
            SELECT arrangement_id FROM plan
            UNION ALL
            SELECT id FROM existing
            LIMIT 1
            """);

    public async Task<Guid> CaseDocumentAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT d.id FROM case_documents d JOIN schools s ON s.id = d.school_id WHERE s.name LIKE '{schoolName}%' ORDER BY d.created_at LIMIT 1");

    /// <summary>A subject access request about a pupil of the school (made here: the demo holds none).</summary>
    public async Task<Guid> SubjectAccessRequestAtAsync(string schoolName)
    {
        var existing = await TestDatabase.ScalarAsync<Guid?>(TestDatabase.Super(Database), $"SELECT r.id FROM subject_access_requests r JOIN schools s ON s.id = r.school_id WHERE s.name LIKE '{schoolName}%' LIMIT 1");
        if (existing is { } id)
        {
            return id;
        }

        id = Guid.NewGuid();
        await TestDatabase.ExecuteAsync(TestDatabase.Super(Database), $"""
            INSERT INTO subject_access_requests (id, trust_id, school_id, pupil_id, requester_name, requester, received_on, due_by, recorded_by, recorded_at, export_status, export_progress, items_for_review)
            SELECT '{id}', p.trust_id, p.school_id, p.id, 'Sam Parent', 'Parent', current_date, current_date + 30, u.id, now(), 'NotStarted', 0, 0
              FROM pupils p JOIN schools s ON s.id = p.school_id JOIN users u ON u.trust_id = p.trust_id
             WHERE s.name LIKE '{schoolName}%' ORDER BY p.upn, u.email LIMIT 1
            """);
        return id;
    }

    public async Task<string> PupilSurnameAsync(Guid pupil) =>
        await TestDatabase.ScalarAsync<string>(TestDatabase.Super(Database), $"SELECT legal_surname FROM pupils WHERE id = '{pupil}'");

    public async Task<long> CountAsync(string sql) => await TestDatabase.ScalarAsync<long>(TestDatabase.Super(Database), sql);

    public static async Task<List<(string Forename, string Surname, DateOnly Dob, string Upn)>> PupilsAsync(string database)
    {
        var rows = new List<(string, string, DateOnly, string)>();
        await using var connection = new NpgsqlConnection(TestDatabase.Super(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT legal_forename, legal_surname, date_of_birth, upn FROM pupils", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3)));
        }

        return rows;
    }
}
