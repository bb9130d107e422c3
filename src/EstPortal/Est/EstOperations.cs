namespace EstPortal.Est;

/// <summary>The RFC 7030 §3.2.2 operation path segments and the method each takes.</summary>
public static class EstOperations
{
    public const string CaCerts = "cacerts";
    public const string SimpleEnroll = "simpleenroll";
    public const string SimpleReenroll = "simplereenroll";
    public const string FullCmc = "fullcmc";
    public const string ServerKeyGen = "serverkeygen";
    public const string CsrAttrs = "csrattrs";

    public static readonly IReadOnlyDictionary<string, string> Methods = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [CaCerts] = "GET",
        [SimpleEnroll] = "POST",
        [SimpleReenroll] = "POST",
        [FullCmc] = "POST",
        [ServerKeyGen] = "POST",
        [CsrAttrs] = "GET",
    };

    public static bool IsOperation(string segment) => Methods.ContainsKey(segment);
}
