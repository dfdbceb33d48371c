using System.Globalization;
using FlexiSchooling.Domain.Attendance;
using FlexiSchooling.Domain.Pupils;

namespace FlexiSchooling.Domain.Imports;

public sealed record ImportError(int Line, string Column, string Message)
{
    public override string ToString() => $"Line {Line}: {Column}: {Message}";
}

public sealed record PupilRow(int Line, string Upn, string LegalSurname, string LegalForename, string? PreferredForename, DateOnly DateOfBirth, int YearGroup, string? RegistrationGroup, DateOnly AdmissionDate, PupilFlags Flags);

public sealed record MarkRow(int Line, string Upn, DateOnly Date, Session Session, string Code, int? MinutesLate, string? Comment, string? SubReason = null);

/// <summary>
/// Reads the CSV exports of the common MIS (column names vary, so each column accepts its usual
/// names) into rows, with every problem reported by line and column. A file with any problem is
/// refused whole (issue 3).
/// </summary>
public static class AttendanceImport
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy", "dd-MM-yyyy", "dd/MM/yy"];

    public static (IReadOnlyList<PupilRow> Rows, IReadOnlyList<ImportError> Errors) Pupils(string text)
    {
        var rows = new List<PupilRow>();
        var (header, records, errors) = Open(text, ["UPN", "Legal Surname|Surname", "Legal Forename|Forename|First Name", "Date of Birth|DOB", "Year|NC Year|Year Group", "Admission Date|Date of Admission"]);
        if (header is null)
        {
            return (rows, errors);
        }

        var seen = new HashSet<string>();
        foreach (var (line, fields) in records)
        {
            var errorsBefore = errors.Count; // a row is kept only when it adds no error
            string? Get(string names) => header.TryGetValue(names.Split('|')[0], out var i) && i < fields.Count ? fields[i].Trim() : null;
            bool Flag(string names) => Get(names) is { } v && v.ToUpperInvariant() is "Y" or "YES" or "TRUE" or "1" or "E" or "K";
            var upn = Upns.Normalise(Get("UPN") ?? "");
            if (!Upns.IsValid(upn))
            {
                errors.Add(new ImportError(line, "UPN", $"'{upn}' is not a valid unique pupil number"));
            }
            else if (!seen.Add(upn))
            {
                errors.Add(new ImportError(line, "UPN", $"{upn} appears more than once in the file"));
            }

            var surname = Get("Legal Surname") ?? "";
            var forename = Get("Legal Forename") ?? "";
            if (surname.Length is 0 or > 100)
            {
                errors.Add(new ImportError(line, "Legal Surname", "Enter the legal surname (at most 100 characters)"));
            }

            if (forename.Length is 0 or > 100)
            {
                errors.Add(new ImportError(line, "Legal Forename", "Enter the legal forename (at most 100 characters)"));
            }

            var dob = Date(Get("Date of Birth"), line, "Date of Birth", errors);
            var admitted = Date(Get("Admission Date"), line, "Admission Date", errors);
            var yearText = (Get("Year") ?? "").Trim().ToUpperInvariant();
            int? year = yearText switch
            {
                "R" or "REC" or "RECEPTION" => 0,
                "N" or "N1" or "N2" or "NURSERY" => -1,
                _ => int.TryParse(yearText.Replace("YEAR", "", StringComparison.Ordinal).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) && y is >= -1 and <= 13 ? y : null,
            };
            if (year is null)
            {
                errors.Add(new ImportError(line, "Year", $"'{yearText}' is not a year group (R, N or 1 to 13)"));
            }

            var group = Get("Registration Group");
            if (group is { Length: > 50 })
            {
                errors.Add(new ImportError(line, "Registration Group", "A registration group name has at most 50 characters"));
            }

            if (dob is { } d && admitted is { } a && a < d)
            {
                errors.Add(new ImportError(line, "Admission Date", "The admission date is before the date of birth"));
            }

            if (errors.Count == errorsBefore)
            {
                var flags = new PupilFlags(Flag("EHCP|EHC Plan"), Flag("Looked After|LAC|CLA"), Flag("Social Worker|Has Social Worker"), Flag("CP Plan|Child Protection"), Flag("CIN Plan|Child in Need"),
                    Flag("SEN Support|SEN"), Flag("FSM|Free School Meals"), Flag("Pupil Premium|PP"));
                rows.Add(new PupilRow(line, upn, surname, forename, string.IsNullOrWhiteSpace(Get("Preferred Forename")) ? null : Get("Preferred Forename"), dob!.Value, year!.Value,
                    string.IsNullOrWhiteSpace(group) ? null : group, admitted!.Value, flags));
            }
        }

        return (rows, errors);
    }

    public static (IReadOnlyList<MarkRow> Rows, IReadOnlyList<ImportError> Errors) Marks(string text)
    {
        var rows = new List<MarkRow>();
        var (header, records, errors) = Open(text, ["UPN", "Date|Session Date", "Session|AM/PM", "Code|Mark|Attendance Code"]);
        if (header is null)
        {
            return (rows, errors);
        }

        var seen = new HashSet<(string, DateOnly, Session)>();
        foreach (var (line, fields) in records)
        {
            var errorsBefore = errors.Count; // a row is kept only when it adds no error
            string? Get(string name) => header.TryGetValue(name, out var i) && i < fields.Count ? fields[i].Trim() : null;
            var upn = Upns.Normalise(Get("UPN") ?? "");
            if (!Upns.IsValid(upn))
            {
                errors.Add(new ImportError(line, "UPN", $"'{upn}' is not a valid unique pupil number"));
            }

            var date = Date(Get("Date"), line, "Date", errors);
            Session? session = (Get("Session") ?? "").ToUpperInvariant() switch
            {
                "AM" or "A" or "MORNING" => Session.AM,
                "PM" or "P" or "AFTERNOON" => Session.PM,
                _ => null,
            };
            if (session is null)
            {
                errors.Add(new ImportError(line, "Session", $"'{Get("Session")}' is not AM or PM"));
            }

            var code = AttendanceCodeSet.Normalise(Get("Code") ?? "");
            if (date is { } d && !AttendanceCodeSet.For(d).TryGet(code == AttendanceCodeSet.PresentAm && session == Session.PM ? AttendanceCodeSet.PresentPm : code, out _))
            {
                errors.Add(new ImportError(line, "Code", $"'{code}' is not a DfE register code"));
            }

            int? minutes = null;
            if (Get("Minutes Late") is { Length: > 0 } m)
            {
                if (int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 600)
                {
                    minutes = parsed;
                }
                else
                {
                    errors.Add(new ImportError(line, "Minutes Late", $"'{m}' is not a number of minutes"));
                }
            }

            if (date is { } dd && session is { } ss && !seen.Add((upn, dd, ss)))
            {
                errors.Add(new ImportError(line, "Date", $"{upn} has two marks for {dd:yyyy-MM-dd} {ss}"));
            }

            if (errors.Count == errorsBefore)
            {
                rows.Add(new MarkRow(line, upn, date!.Value, session!.Value, code, minutes, Get("Comment") is { Length: > 0 } c ? c : null, Get("Sub Reason") is { Length: > 0 } r ? r : null));
            }
        }

        return (rows, errors);
    }

    private static (Dictionary<string, int>? Header, List<(int Line, IReadOnlyList<string> Fields)> Records, List<ImportError> Errors) Open(string text, string[] required)
    {
        var errors = new List<ImportError>();
        var all = Csv.Read(text).ToList();
        if (all.Count == 0)
        {
            errors.Add(new ImportError(1, "File", "The file is empty"));
            return (null, [], errors);
        }

        var columns = all[0].Fields.Select((name, index) => (Name: name.Trim(), index)).ToList();
        var header = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var names in required.Concat(Optional))
        {
            var canonical = names.Split('|')[0];
            var match = columns.FirstOrDefault(c => names.Split('|').Contains(c.Name, StringComparer.OrdinalIgnoreCase));
            if (match.Name is not null)
            {
                header[canonical] = match.index;
            }
            else if (required.Contains(names))
            {
                errors.Add(new ImportError(1, canonical, $"The file has no '{canonical}' column"));
            }
        }

        return errors.Count > 0 ? (null, [], errors) : (header, all.Skip(1).ToList(), errors);
    }

    private static readonly string[] Optional =
    [
        "Preferred Forename", "Registration Group|Reg Group|Form|Class", "EHCP|EHC Plan", "Looked After|LAC|CLA", "Social Worker|Has Social Worker",
        "CP Plan|Child Protection", "CIN Plan|Child in Need", "SEN Support|SEN", "FSM|Free School Meals", "Pupil Premium|PP", "Minutes Late", "Comment", "Sub Reason|Sub-reason|Reason Detail",
    ];

    private static DateOnly? Date(string? text, int line, string column, List<ImportError> errors)
    {
        if (DateOnly.TryParseExact(text ?? "", DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(new ImportError(line, column, $"'{text}' is not a date (use 2026-09-01 or 01/09/2026)"));
        return null;
    }
}
