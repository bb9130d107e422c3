namespace EstPortal.Est.Framing;

/// <summary>How the private key travels in a /serverkeygen response (RFC 7030 §4.4.2).</summary>
public enum ServerKeyPartFormat
{
    /// <summary>Unencrypted PKCS#8 PrivateKeyInfo, protected by TLS only: application/pkcs8.</summary>
    Pkcs8 = 0,

    /// <summary>CMS EnvelopedData around a signed key package: application/pkcs7-mime; smime-type=server-generated-key.</summary>
    EncryptedCms,
}
