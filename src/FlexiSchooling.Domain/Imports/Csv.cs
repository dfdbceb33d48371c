using System.Text;

namespace FlexiSchooling.Domain.Imports;

/// <summary>RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF line ends, a UTF-8 BOM ignored.</summary>
public static class Csv
{
    /// <summary>Records with the line number each starts on (1 is the header).</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields)> Read(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var startLine = 1;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var any = false;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            any = true;
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                inQuotes = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                if (fields.Count > 1 || fields[0].Length > 0)
                {
                    yield return (startLine, fields);
                }

                fields = [];
                line++;
                startLine = line;
                any = false;
            }
            else
            {
                field.Append(c);
            }
        }

        if (any || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            if (fields.Count > 1 || fields[0].Length > 0)
            {
                yield return (startLine, fields);
            }
        }
    }

    /// <summary>
    /// A cell safe to open in a spreadsheet: one starting with = + - @ (or a tab or carriage return)
    /// is prefixed with an apostrophe so it is never run as a formula (OWASP CSV injection).
    /// </summary>
    public static string Cell(string? value)
    {
        var v = value ?? "";
        if (v.Length > 0 && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            v = "'" + v;
        }

        return v.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }

    public static string Line(IEnumerable<string?> cells) => string.Join(",", cells.Select(Cell));
}
