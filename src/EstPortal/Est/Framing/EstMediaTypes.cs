namespace EstPortal.Est.Framing;

/// <summary>Content types of RFC 7030 messages.</summary>
public static class EstMediaTypes
{
    /// <summary>simpleenroll / simplereenroll / serverkeygen request body (RFC 7030 §4.2.1).</summary>
    public const string Pkcs10 = "application/pkcs10";

    /// <summary>Issued certificate (RFC 7030 §4.2.3); some clients check the smime-type parameter, so keep it.</summary>
    public const string Pkcs7CertsOnly = "application/pkcs7-mime; smime-type=certs-only";

    /// <summary>/cacerts response (RFC 7030 §4.1.3).</summary>
    public const string Pkcs7Mime = "application/pkcs7-mime";

    /// <summary>/csrattrs response (RFC 7030 §4.5.2).</summary>
    public const string CsrAttrs = "application/csrattrs";

    /// <summary>Unencrypted server-generated private key part (RFC 7030 §4.4.2).</summary>
    public const string Pkcs8 = "application/pkcs8";

    /// <summary>serverkeygen response envelope (RFC 7030 §4.4.2).</summary>
    public const string MultipartMixed = "multipart/mixed";
}
