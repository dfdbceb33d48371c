using Npgsql;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>Ids of demo records by school slug, read straight from the database (as superuser).</summary>
public sealed record DemoRecords(string Database)
{
    public async Task<Guid> SchoolAsync(string name) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT id FROM schools WHERE name LIKE '{name}%'");

    public async Task<Guid> PupilAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT p.id FROM pupils p JOIN schools s ON s.id = p.school_id WHERE s.name LIKE '{schoolName}%' ORDER BY p.upn LIMIT 1");

    public async Task<Guid> UserAsync(string email) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT id FROM users WHERE email = '{email}'");

    public async Task<Guid> PolicyVersionOfTrustAsync(string trustName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT v.id FROM policy_profile_versions v JOIN trusts t ON t.id = v.trust_id WHERE t.name LIKE '{trustName}%' AND v.school_id IS NULL");

    public async Task<Guid> ClosureAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT c.id FROM closure_days c JOIN schools s ON s.id = c.school_id WHERE s.name LIKE '{schoolName}%' LIMIT 1");

    public async Task<Guid> GroupAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT g.id FROM registration_groups g JOIN schools s ON s.id = g.school_id WHERE s.name LIKE '{schoolName}%' LIMIT 1");

    public async Task<Guid> FlexiCaseAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT a.id FROM arrangements a JOIN schools s ON s.id = a.school_id WHERE s.name LIKE '{schoolName}%' ORDER BY a.created_at LIMIT 1");

    public async Task<Guid> CaseDocumentAtAsync(string schoolName) =>
        await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(Database), $"SELECT d.id FROM case_documents d JOIN schools s ON s.id = d.school_id WHERE s.name LIKE '{schoolName}%' ORDER BY d.created_at LIMIT 1");

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
