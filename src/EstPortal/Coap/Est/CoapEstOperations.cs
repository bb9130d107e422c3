namespace EstPortal.Coap.Est;

/// <summary>
/// RFC 9148 §5 short resource names under /.well-known/est[/label], the method each takes, the Content-Format a
/// request body must have, the answers a client may Accept (first = default), and the resource type for discovery.
/// </summary>
public sealed record CoapEstOperation(string Name, byte Method, int? RequestFormat, int[] ResponseFormats, string ResourceType)
{
    public const string CaCerts = "crts";
    public const string SimpleEnroll = "sen";
    public const string SimpleReenroll = "sren";
    public const string CsrAttrs = "att";
    public const string ServerKeyGen = "skg";
    public const string ServerKeyGenCert = "skc";

    public static readonly IReadOnlyList<CoapEstOperation> All =
    [
        new(CaCerts, CoapCodes.Get, null, [CoapContentFormats.Pkcs7CertsOnly], "ace.est.crts"),
        new(SimpleEnroll, CoapCodes.Post, CoapContentFormats.Pkcs10, [CoapContentFormats.PkixCert, CoapContentFormats.Pkcs7CertsOnly], "ace.est.sen"),
        new(SimpleReenroll, CoapCodes.Post, CoapContentFormats.Pkcs10, [CoapContentFormats.PkixCert, CoapContentFormats.Pkcs7CertsOnly], "ace.est.sren"),
        new(CsrAttrs, CoapCodes.Get, null, [CoapContentFormats.CsrAttrs], "ace.est.att"),
        new(ServerKeyGen, CoapCodes.Post, CoapContentFormats.Pkcs10, [CoapContentFormats.MultipartCore], "ace.est.skg"),
        new(ServerKeyGenCert, CoapCodes.Post, CoapContentFormats.Pkcs10, [CoapContentFormats.MultipartCore], "ace.est.skc"),
    ];

    public static CoapEstOperation? Find(string name) => All.FirstOrDefault(o => o.Name == name);
}
