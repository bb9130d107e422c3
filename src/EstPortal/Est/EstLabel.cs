namespace EstPortal.Est;

/// <summary>RFC 7030 §3.2.2: a label is one path segment between /.well-known/est/ and the operation.</summary>
public static class EstLabel
{
    public const int MaxLength = 64;

    // RFC 3986 pchar minus pct-encoded: unreserved / sub-delims / ":" / "@". Percent-encoding is refused so that
    // the label an operator types is exactly the segment a client sends.
    private const string Allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@";

    /// <summary>Null when <paramref name="label"/> can be used; otherwise why not.</summary>
    public static string? Validate(string? label)
    {
        if (string.IsNullOrEmpty(label))
            return "A label cannot be empty.";
        if (label.Length > MaxLength)
            return $"A label has at most {MaxLength} characters.";
        var bad = label.FirstOrDefault(c => !Allowed.Contains(c, StringComparison.Ordinal));
        if (bad != default)
            return $"A label is one URL path segment (RFC 7030 §3.2.2): '{bad}' is not allowed.";
        if (label is "." or "..")
            return "A label cannot be '.' or '..'.";
        // "the operation path segments ... are reserved" — a label equal to one would make paths ambiguous.
        if (EstOperations.IsOperation(label))
            return $"'{label}' is an EST operation name and cannot be a label.";
        return null;
    }
}
