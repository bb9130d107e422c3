using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EstPortal.Admin;

namespace EstPortal.Api;

/// <summary>
/// Opaque page cursors (base64url): where the previous page ended, tagged with the list it belongs to, so a cursor
/// of another list, a truncated one or an invented one is a 400, not a wrong page.
/// </summary>
public static class ApiCursor
{
    public const int DefaultLimit = 50;

    public static string Encode(string list, string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{list}|{position}"));

    public static string Encode(string list, TimePosition position) =>
        Encode(list, string.Create(CultureInfo.InvariantCulture, $"{position.UtcTicks}.{position.Ties}"));

    public static bool TryDecode(string list, string? cursor, out string? position)
    {
        position = null;
        if (cursor is null)
            return true;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (!text.StartsWith(list + "|", StringComparison.Ordinal))
                return false;
            position = text[(list.Length + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static bool TryDecode(string list, string? cursor, out TimePosition? position)
    {
        position = null;
        if (!TryDecode(list, cursor, out string? text))
            return false;
        if (text is null)
            return true;
        var parts = text.Split('.');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ties)
            || ticks > DateTimeOffset.MaxValue.UtcTicks || ties < 1)
            return false;
        position = new TimePosition(ticks, ties);
        return true;
    }

    /// <summary>A subject search's position: its prefix, subject and serial as a JSON array (a subject may hold any character).</summary>
    public static string Encode(string list, SubjectPosition position) =>
        Encode(list, JsonSerializer.Serialize(new[] { position.Prefix, position.Subject, position.SerialNumber }));

    public static bool TryDecode(string list, string? cursor, out SubjectPosition? position)
    {
        position = null;
        if (!TryDecode(list, cursor, out string? text))
            return false;
        if (text is null)
            return true;
        try
        {
            if (JsonSerializer.Deserialize<string?[]>(text) is not [{ } prefix, { } subject, { } serial])
                return false;
            position = new SubjectPosition(prefix, subject, serial);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public const string BadCursor = "The cursor is not one this list handed out: pass the 'next' value of the previous page unchanged, or leave it out for the first page.";

    /// <summary>limit=1…200 (default 50).</summary>
    public static bool TryLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        if (text is null)
            return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= KeysetPages.MaxTake;
    }

    public static string BadLimit => $"'limit' is a whole number from 1 to {KeysetPages.MaxTake}.";
}

/// <summary>A page of a list: its items and the cursor of the next page (absent on the last).</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, string? Next);
