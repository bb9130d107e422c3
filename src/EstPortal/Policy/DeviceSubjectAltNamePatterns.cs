using System.Text.RegularExpressions;

namespace EstPortal.Policy;

/// <summary>One allowed subjectAltName of a device: a regular expression, for one SAN type or (untyped) for any.</summary>
public sealed record DeviceSubjectAltNamePattern(SubjectAltNameType? Type, string Pattern)
{
    public override string ToString() => Type is { } type ? $"{type.ToString().ToLowerInvariant()}:{Pattern}" : Pattern;
}

/// <summary>
/// A device's subjectAltName patterns, as operators write them (<c>dns:{device}.plant.example</c>, <c>ip:10\.1\..*</c>,
/// or untyped for any SAN type) and as the Devices row stores them (one per line). The pattern syntax is the profile's
/// (<see cref="SubjectAltNamePolicy.Patterns"/>): a regular expression the whole name must match, <c>{device}</c> standing
/// for the device's name. DNS names and e-mail addresses match case-insensitively (RFC 5280 §7.2, §7.5).
/// </summary>
public static class DeviceSubjectAltNamePatterns
{
    public const int MaxCount = 32;
    public const int MaxLength = 512;
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public static IReadOnlyList<DeviceSubjectAltNamePattern> Parse(string? stored) =>
        string.IsNullOrWhiteSpace(stored)
            ? []
            : stored.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseOne).ToList();

    public static string? Store(IReadOnlyList<DeviceSubjectAltNamePattern> patterns) =>
        patterns.Count == 0 ? null : string.Join('\n', patterns.Select(p => p.ToString()));

    public static DeviceSubjectAltNamePattern ParseOne(string text)
    {
        var colon = text.IndexOf(':');
        if (colon > 0 && Enum.TryParse<SubjectAltNameType>(text[..colon], ignoreCase: true, out var type) && !int.TryParse(text[..colon], out _))
            return new(type, text[(colon + 1)..]);
        return new(null, text);
    }

    /// <summary>The patterns as typed, or the reasons they cannot be used (a message for the CLI or the portal).</summary>
    public static (IReadOnlyList<DeviceSubjectAltNamePattern> Patterns, IReadOnlyList<string> Errors) Validate(IEnumerable<string> typed)
    {
        var patterns = new List<DeviceSubjectAltNamePattern>();
        var errors = new List<string>();
        foreach (var text in typed.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            var pattern = ParseOne(text);
            if (text.Length > MaxLength)
                errors.Add($"The subjectAltName pattern '{text[..40]}…' is longer than {MaxLength} characters.");
            else if (pattern.Pattern.Length == 0)
                errors.Add($"The subjectAltName pattern '{text}' is empty after its type.");
            else if (CheckRegex(pattern.Pattern) is { } error)
                errors.Add($"The subjectAltName pattern '{text}' is not a valid regular expression: {error}");
            else
                patterns.Add(pattern);
        }
        if (patterns.Count > MaxCount)
            errors.Add($"A device has at most {MaxCount} subjectAltName patterns.");
        return (patterns, errors);
    }

    /// <summary>The first pattern <paramref name="name"/> matches, or null.</summary>
    public static DeviceSubjectAltNamePattern? Match(IReadOnlyList<DeviceSubjectAltNamePattern> patterns, GeneralNameEntry name, string deviceName)
    {
        if (name.Type is not { } type)
            return null;
        var options = RegexOptions.CultureInvariant | (type is SubjectAltNameType.Dns or SubjectAltNameType.Email ? RegexOptions.IgnoreCase : RegexOptions.None);
        foreach (var pattern in patterns.Where(p => p.Type is null || p.Type == type))
        {
            var expanded = pattern.Pattern.Replace("{device}", Regex.Escape(deviceName), StringComparison.Ordinal);
            try
            {
                if (Regex.IsMatch(name.Value, $"^(?:{expanded})$", options, RegexTimeout))
                    return pattern;
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern that takes this long matches nothing.
            }
            catch (ArgumentException)
            {
                // Stored before validation existed, or edited in the database: an unusable pattern matches nothing.
            }
        }
        return null;
    }

    private static string? CheckRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern.Replace("{device}", "device", StringComparison.Ordinal), RegexOptions.CultureInvariant, RegexTimeout);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
