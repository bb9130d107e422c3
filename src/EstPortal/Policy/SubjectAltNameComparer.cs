using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Policy;

/// <summary>
/// Compares two subjectAltName extensions as names, the way RFC 5280 §7 says each kind compares: dNSName case-insensitively
/// (§7.2), iPAddress by its octets, rfc822Name with a case-insensitive host part (§7.5), URI with a case-insensitive scheme
/// and host (§7.4); other kinds as their encoding. Order carries no meaning, so the names compare as a collection.
/// </summary>
public static class SubjectAltNameComparer
{
    public const string Oid = "2.5.29.17";

    public static X509Extension? Of(IEnumerable<X509Extension> extensions) => extensions.FirstOrDefault(e => e.Oid?.Value == Oid);

    /// <summary>Null when both carry the same names (or neither has any); otherwise what differs.</summary>
    public static string? Difference(X509Extension? a, X509Extension? b) => Difference(a?.RawData, b?.RawData);

    /// <summary>As the other overload, on the extensions' values (GeneralNames, DER).</summary>
    public static string? Difference(byte[]? a, byte[]? b)
    {
        var left = Read(a);
        var right = Read(b);
        if (left is null || right is null)
        {
            var same = (a, b) switch
            {
                (null, null) => true,
                (null, _) or (_, null) => false,
                _ => a.AsSpan().SequenceEqual(b),
            };
            return same ? null : "the subjectAltName extension is not well-formed";
        }
        var missing = left.Keys.Except(right.Keys).Select(k => left[k]).ToList();
        var added = right.Keys.Except(left.Keys).Select(k => right[k]).ToList();
        if (missing.Count == 0 && added.Count == 0)
            return null;
        return $"{Describe(missing)} vs {Describe(added)}";
    }

    private static string Describe(List<string> names) => names.Count == 0 ? "(none)" : string.Join(", ", names.Select(n => $"'{n}'"));

    /// <summary>Compared form → shown form; null when the extension is not well-formed.</summary>
    private static Dictionary<string, string>? Read(byte[]? extension)
    {
        if (extension is null)
            return [];
        var names = GeneralNamesReader.TryRead(extension);
        if (names is null)
            return null;
        var read = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
            read.TryAdd($"{name.Kind}:{Comparable(name)}", $"{name.Type?.ToString().ToUpperInvariant() ?? name.Kind}:{name.Value}");
        return read;
    }

    private static string Comparable(GeneralNameEntry name) => name.Type switch
    {
        SubjectAltNameType.Dns => name.Value.ToLowerInvariant(),
        SubjectAltNameType.Email => name.Value.LastIndexOf('@') is var at and >= 0
            ? name.Value[..at] + name.Value[at..].ToLowerInvariant()
            : name.Value.ToLowerInvariant(),
        SubjectAltNameType.Uri => ComparableUri(name.Value),
        _ => name.Value,
    };

    /// <summary>RFC 5280 §7.4: scheme and host compare case-insensitively, the rest exactly.</summary>
    private static string ComparableUri(string uri)
    {
        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            return uri;
        var authorityStart = schemeEnd + 3;
        var authorityEnd = uri.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
            authorityEnd = uri.Length;
        return uri[..authorityEnd].ToLowerInvariant() + uri[authorityEnd..];
    }
}
