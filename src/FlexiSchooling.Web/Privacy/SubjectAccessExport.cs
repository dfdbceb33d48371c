using System.Globalization;
using System.IO.Compression;
using System.Text;
using FlexiSchooling.Data;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Imports;
using FlexiSchooling.Domain.Privacy;
using FlexiSchooling.Web.Documents;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlexiSchooling.Web.Privacy;

/// <summary>One file of the export: where it goes, what it holds, and whether it holds other people's information.</summary>
public sealed record SubjectAccessSource(string File, string Description, bool ForReview, string Sql);

public sealed record SubjectAccessFile(string Path, string Description, int Rows, bool ForReview);

public sealed record SubjectAccessIndex(
    Letterhead Letterhead,
    string PupilName,
    string Upn,
    DateOnly DateOfBirth,
    string RequesterName,
    string Requester,
    DateOnly ReceivedOn,
    DateOnly DueBy,
    DateTimeOffset ProducedAt,
    IReadOnlyList<SubjectAccessFile> Files);

/// <summary>
/// Everything the product holds about one pupil, as one zip: a PDF index and a CSV per kind of record, with the case
/// documents themselves (issue 14, "Subject access"). Files holding other people's information — contacts, absence
/// calls, welfare checks, risk assessments, safeguarding documents — go under <c>for-review/</c>, to be reviewed
/// (redacted or withheld) before release. Read through the request's own trust connection, so row-level security keeps
/// it inside the trust whatever the query says. Every column of every table is included but file contents (kept as
/// files) and one-time token hashes.
/// </summary>
public static class SubjectAccessExport
{
    public static readonly IReadOnlyList<SubjectAccessSource> Sources =
    [
        new("records/pupil.csv", "The pupil's record on the roll: names, date of birth, year, groups, flags", false, "SELECT * FROM pupils WHERE id = @pupil"),
        new("for-review/contacts.csv", "Parents' and carers' contact details: other people's information", true, "SELECT * FROM pupil_contacts WHERE pupil_id = @pupil ORDER BY name"),
        new("records/attendance-marks.csv", "Every attendance mark, morning and afternoon", false, "SELECT * FROM attendance_marks WHERE pupil_id = @pupil ORDER BY date, session"),
        new("records/attendance-mark-history.csv", "Every change to a mark: when, from, to and why", false, "SELECT * FROM attendance_mark_changes WHERE pupil_id = @pupil ORDER BY changed_at"),
        new("records/expected-marks.csv", "Leave and arrangement sessions placed in the register", false, "SELECT * FROM expected_marks WHERE pupil_id = @pupil ORDER BY \"from\""),
        new("records/attendance-weeks.csv", "Attendance week by week, as the dashboards count it", false, "SELECT * FROM attendance_pupil_weeks WHERE pupil_id = @pupil ORDER BY week_start"),
        new("for-review/absence-contacts.csv", "Calls and messages about absences: may name other people", true, "SELECT * FROM absence_contacts WHERE pupil_id = @pupil ORDER BY at"),
        new("records/cases.csv", "Flexi-schooling, part-time timetable and alternative provision cases", false, "SELECT * FROM arrangements WHERE pupil_id = @pupil ORDER BY created_at"),
        new("records/case-history.csv", "Each case's history, step by step", false, "SELECT * FROM arrangement_events WHERE arrangement_id = ANY(@cases) ORDER BY at"),
        new("records/reviews.csv", "Reviews of each case, with the views given", false, "SELECT * FROM arrangement_reviews WHERE arrangement_id = ANY(@cases) ORDER BY due_on"),
        new("records/consents-and-notifications.csv", "Consents given and notifications sent for each case", false, "SELECT * FROM arrangement_consents WHERE arrangement_id = ANY(@cases) ORDER BY recorded_at"),
        new("records/flexi-agreements.csv", "Flexi-schooling agreements", false, "SELECT * FROM flexi_agreements WHERE arrangement_id = ANY(@cases)"),
        new("records/part-time-plans.csv", "Part-time timetable plans", false, "SELECT * FROM part_time_plans WHERE arrangement_id = ANY(@cases)"),
        new("records/commissioning-agreements.csv", "What the school and each provider agreed for a placement (004 §7.11)", false, "SELECT * FROM commissioning_agreements WHERE arrangement_id = ANY(@cases)"),
        new("for-review/placement-visits.csv", "QA visits to each placement (002 appendix 5): may name other people", true, "SELECT * FROM placement_visits WHERE arrangement_id = ANY(@cases) ORDER BY visited_on"),
        new("for-review/provider-reports.csv", "The provider's daily reports on the pupil (002 §4.4): may name other people", true, "SELECT * FROM provider_reports WHERE arrangement_id = ANY(@cases) ORDER BY date, received_at"),
        new("for-review/placements.csv", "Alternative provision placements and their referrals: the parents' meeting may name other people", true, "SELECT * FROM placements WHERE arrangement_id = ANY(@cases)"),
        new("records/signing-links.csv", "Links sent to parents to sign or consent", false, "SELECT * FROM agreement_signature_links WHERE arrangement_id = ANY(@cases) ORDER BY created_at"),
        new("for-review/welfare-checks.csv", "Welfare checks while out of school: may name other people", true, "SELECT * FROM welfare_checks WHERE pupil_id = @pupil ORDER BY date"),
        new("for-review/risk-assessments.csv", "Risk assessments: safeguarding information, review before release (KCSIE)", true, "SELECT * FROM risk_assessments WHERE arrangement_id = ANY(@cases) ORDER BY number"),
        new("records/documents.csv", "The documents of each case (the files are in documents/ and for-review/documents/)", false, "SELECT * FROM case_documents WHERE arrangement_id = ANY(@cases) ORDER BY created_at"),
        new("records/emails.csv", "Emails the product sent to the pupil's contacts", false, "SELECT * FROM outbox_messages WHERE \"to\" = ANY(@emails) ORDER BY created_at"),
    ];

    /// <summary>Who opened or changed any of the records above: the audit trail, with the person's name.</summary>
    private const string AccessLogSql = """
        SELECT a.occurred_at, coalesce(u.display_name, 'The system') AS person, a.role, a.entity_type AS record, a.action
        FROM audit_events a LEFT JOIN users u ON u.id = a.user_id
        WHERE a.entity_id = ANY(@ids) ORDER BY a.occurred_at
        """;

    private static readonly HashSet<string> NeverExported = ["token_hash", "content"];

    public static string FileName(SubjectAccessIndex index) => $"subject-access-{index.Upn}-{index.ProducedAt:yyyyMMdd}.zip";

    /// <summary>Builds the zip, reporting progress (0–100 with the step) as it goes; returns it with the number of files to review.</summary>
    public static async Task<(byte[] Zip, string FileName, int ForReview)> BuildAsync(
        AppDbContext db, DocumentRenderer renderer, SubjectAccessRequest request, DateTimeOffset now, Func<int, string, Task> progress, CancellationToken cancellationToken)
    {
        var pupil = await db.Pupils.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).SingleAsync(p => p.Id == request.PupilId, cancellationToken);
        var school = await db.Schools.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).SingleAsync(s => s.Id == pupil.SchoolId, cancellationToken);
        var trust = await db.Trusts.AsNoTracking().SingleAsync(cancellationToken);
        var cases = await db.Arrangements.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(a => a.PupilId == pupil.Id).Select(a => a.Id).ToArrayAsync(cancellationToken);
        var emails = await db.PupilContacts.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(c => c.PupilId == pupil.Id && c.Email != null).Select(c => c.Email!).ToListAsync(cancellationToken);
        emails.AddRange(await db.AgreementSignatureLinks.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(l => cases.Contains(l.ArrangementId)).Select(l => l.Email).ToListAsync(cancellationToken));

        await db.Database.OpenConnectionAsync(cancellationToken); // the trust is set on the connection (row-level security)
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var files = new List<SubjectAccessFile>();
        var ids = new HashSet<string> { pupil.Id.ToString() };
        string fileName;
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var steps = Sources.Count + 3;
            for (var i = 0; i < Sources.Count; i++)
            {
                var source = Sources[i];
                await progress(100 * i / steps, source.Description);
                await using var command = Command(connection, Data.Tenancy.TenantSql.Scoped(db, source.Sql), pupil.Id, cases, [.. emails.Distinct(StringComparer.OrdinalIgnoreCase)], []);
                var rows = await WriteCsvAsync(zip, source.File, command, ids, cancellationToken);
                files.Add(new SubjectAccessFile(source.File, source.Description, rows, source.ForReview));
            }

            await progress(100 * Sources.Count / steps, "The documents themselves");
            var documents = await db.CaseDocuments.AsNoTracking().IgnoreQueryFilters([AppDbContext.SchoolScopeFilter]).Where(d => cases.Contains(d.ArrangementId)).OrderBy(d => d.CreatedAt).ToListAsync(cancellationToken);
            foreach (var document in documents)
            {
                var forReview = CaseDocumentKinds.IsSafeguarding(document.Kind);
                var path = $"{(forReview ? "for-review/" : "")}documents/{document.CreatedAt:yyyy-MM-dd}-{document.Id.ToString()[..8]}-{document.FileName}";
                await using (var entry = zip.CreateEntry(path, CompressionLevel.Optimal).Open())
                {
                    await entry.WriteAsync(document.Content, cancellationToken);
                }

                files.Add(new SubjectAccessFile(path, CaseDocumentKinds.Label(document.Kind), 1, forReview));
            }

            await progress(100 * (Sources.Count + 1) / steps, "Who opened or changed the records");
            await using (var command = Command(connection, Data.Tenancy.TenantSql.Scoped(db, AccessLogSql), pupil.Id, cases, [], [.. ids]))
            {
                var rows = await WriteCsvAsync(zip, "records/access-log.csv", command, null, cancellationToken);
                files.Add(new SubjectAccessFile("records/access-log.csv", "Who opened or changed the pupil's records, and when", rows, false));
            }

            await progress(100 * (Sources.Count + 2) / steps, "The index");
            var index = new SubjectAccessIndex(Letterhead.For(school, trust.Name), $"{pupil.LegalForename} {pupil.LegalSurname}", pupil.Upn, pupil.DateOfBirth,
                request.RequesterName, request.Requester.ToString(), request.ReceivedOn, request.DueBy, now, files);
            var pdf = await renderer.PdfAsync("SubjectAccessIndex", index, cancellationToken);
            await using (var entry = zip.CreateEntry("index.pdf", CompressionLevel.Optimal).Open())
            {
                await entry.WriteAsync(pdf, cancellationToken);
            }

            fileName = FileName(index);
        }

        return (buffer.ToArray(), fileName, files.Count(f => f.ForReview)); // the archive closed: its directory written
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, Guid pupil, Guid[] cases, string[] emails, string[] ids)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("pupil", pupil);
        command.Parameters.AddWithValue("cases", cases);
        command.Parameters.AddWithValue("emails", emails);
        command.Parameters.AddWithValue("ids", ids);
        return command;
    }

    private static async Task<int> WriteCsvAsync(ZipArchive zip, string path, NpgsqlCommand command, HashSet<string>? ids, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount)
            .Where(i => reader.GetDataTypeName(i) != "bytea" && !NeverExported.Contains(reader.GetName(i))).ToList();
        var csv = new StringBuilder();
        csv.AppendLine(Csv.Line([.. columns.Select(reader.GetName)]));
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            csv.AppendLine(Csv.Line([.. columns.Select(i => Format(reader, i))]));
            if (ids is not null)
            {
                foreach (var i in columns.Where(i => reader.GetName(i) is "id" or "arrangement_id" && !reader.IsDBNull(i)))
                {
                    ids.Add(reader.GetValue(i).ToString()!);
                }
            }
        }

        await using var entry = zip.CreateEntry(path, CompressionLevel.Optimal).Open();
        await entry.WriteAsync(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), cancellationToken);
        return rows;
    }

    private static string? Format(NpgsqlDataReader reader, int i)
    {
        if (reader.IsDBNull(i))
        {
            return null;
        }

        return reader.GetValue(i) switch
        {
            DateTime d when reader.GetDataTypeName(i) == "date" => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime d => d.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        };
    }
}
