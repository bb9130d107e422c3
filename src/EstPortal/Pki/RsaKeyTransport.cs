namespace EstPortal.Pki;

/// <summary>How a content-encryption key is encrypted to a client's RSA key in a KeyTransRecipientInfo.</summary>
public enum RsaKeyTransport
{
    /// <summary>RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 8017 §7.1, identifiers from RFC 4055 §4): the default.</summary>
    OaepSha256 = 0,

    /// <summary>RSAES-PKCS1-v1_5 (rsaEncryption): for clients that support nothing else (RFC 8551 §2.3 still requires it).</summary>
    Pkcs1V15,
}
