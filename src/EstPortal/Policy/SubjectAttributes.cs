namespace EstPortal.Policy;

/// <summary>The subject attributes a policy can name, by the short names operators know (RFC 4519).</summary>
public static class SubjectAttributes
{
    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["C"] = "2.5.4.6",
        ["ST"] = "2.5.4.8",
        ["L"] = "2.5.4.7",
        ["O"] = "2.5.4.10",
        ["OU"] = "2.5.4.11",
        ["CN"] = "2.5.4.3",
        ["serialNumber"] = "2.5.4.5",
    };

    private static readonly Dictionary<string, string> ByOid = ByName.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Most significant first, the order a DN is usually written from the root down.</summary>
    public static readonly IReadOnlyList<string> CanonicalOrder = ["C", "ST", "L", "O", "OU", "CN", "serialNumber"];

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static string? ShortName(string oid) => ByOid.GetValueOrDefault(oid);

    public static string? Oid(string shortName) =>
        ByName.TryGetValue(shortName, out var oid) ? oid : null;
}
