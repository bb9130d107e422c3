using System.Text;

namespace EstPortal.Coap.Est;

/// <summary>
/// RFC 9148 §5 discovery: /.well-known/core lists the EST resources in RFC 6690 link format, each with its
/// rt="ace.est.*" and the Content-Formats it answers (ct). A query <c>rt=ace.est.sen</c> (or a prefix with a trailing
/// '*', RFC 6690 §4.1) keeps only matching links.
/// </summary>
public static class CoreLinkFormat
{
    public const string Root = "/.well-known/est";

    public static string Links(IReadOnlyList<string> query)
    {
        var filter = query.FirstOrDefault(q => q.StartsWith("rt=", StringComparison.Ordinal))?[3..];
        var links = new List<string>();
        if (Matches(filter, "ace.est"))
            links.Add($"<{Root}>;rt=\"ace.est\"");
        foreach (var operation in CoapEstOperation.All)
        {
            if (!Matches(filter, operation.ResourceType))
                continue;
            var ct = operation.ResponseFormats.Length == 1
                ? operation.ResponseFormats[0].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : $"\"{string.Join(' ', operation.ResponseFormats)}\"";
            links.Add($"<{Root}/{operation.Name}>;rt=\"{operation.ResourceType}\";ct={ct}");
        }
        return string.Join(',', links);
    }

    private static bool Matches(string? filter, string resourceType) => filter switch
    {
        null => true,
        _ when filter.EndsWith('*') => resourceType.StartsWith(filter[..^1], StringComparison.Ordinal),
        _ => resourceType == filter,
    };

    public static byte[] Bytes(IReadOnlyList<string> query) => Encoding.UTF8.GetBytes(Links(query));
}
