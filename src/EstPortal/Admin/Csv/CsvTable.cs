using System.Text;

namespace EstPortal.Admin.Csv;

/// <summary>One data record of a CSV file: its 1-based line number (where an operator looks) and fields by column name.</summary>
public sealed record CsvRecord(int Line, IReadOnlyDictionary<string, string> Fields)
{
    public string? this[string column] => Fields.TryGetValue(column, out var value) && value.Length > 0 ? value : null;
}

/// <summary>
/// RFC 4180 CSV, as spreadsheets export it: a header row naming the columns (case-insensitive, any order), fields
/// optionally in double quotes (which may hold commas, line breaks and doubled quotes), CRLF or LF line ends, an
/// optional UTF-8 BOM. Blank lines are skipped.
/// </summary>
public static class CsvTable
{
    public static (IReadOnlyList<string> Header, IReadOnlyList<CsvRecord> Records, string? Error) Read(TextReader reader)
    {
        var rows = Rows(reader).ToList();
        if (rows.FirstOrDefault(r => r.Error is not null) is { Error: { } malformed } bad)
            return ([], [], $"Line {bad.Line}: {malformed}");
        var first = rows.FirstOrDefault(r => r.Fields.Any(f => f.Length > 0));
        if (first.Fields is null)
            return ([], [], "The file is empty: it needs a header row naming its columns.");
        var header = first.Fields.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1 && g.Key.Length > 0);
        if (duplicate is not null)
            return (header, [], $"Line {first.Line}: the column '{duplicate.Key}' appears twice.");
        var records = new List<CsvRecord>();
        foreach (var (line, fields, _) in rows.SkipWhile(r => r.Line != first.Line).Skip(1))
        {
            if (fields.All(f => f.Length == 0))
                continue;
            if (fields.Count > header.Count)
                return (header, records, $"Line {line}: {fields.Count} fields, but the header names {header.Count} columns.");
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
                values[header[i]] = i < fields.Count ? fields[i].Trim() : "";
            records.Add(new CsvRecord(line, values));
        }
        return (header, records, null);
    }

    public static string Field(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    public static string Row(params string?[] values) => string.Join(',', values.Select(Field));

    private static IEnumerable<(int Line, List<string> Fields, string? Error)> Rows(TextReader reader)
    {
        var line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var start = line;
        var quoted = false;
        var afterQuote = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (ch == '\n')
                        line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0 && !afterQuote:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    afterQuote = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    yield return (start, fields, null);
                    fields = [];
                    field.Clear();
                    afterQuote = false;
                    start = ++line;
                    break;
                default:
                    if (afterQuote)
                    {
                        yield return (start, fields, "text after a closing quote; a quote inside a quoted field is written twice (\"\").");
                        yield break;
                    }
                    field.Append(ch);
                    break;
            }
        }
        if (quoted)
        {
            yield return (start, fields, "a quoted field is not closed.");
            yield break;
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (start, fields, null);
        }
    }
}
