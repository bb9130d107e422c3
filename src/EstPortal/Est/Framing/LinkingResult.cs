namespace EstPortal.Est.Framing;

/// <summary>Outcome of checking the tls-unique proof that a CSR was made for this TLS session (RFC 7030 §3.5).</summary>
public enum LinkingResult
{
    /// <summary>The CSR has no (or an empty) challengePassword: the client did not link its request.</summary>
    Missing = 0,

    /// <summary>A challengePassword is present but is not the base64 of this session's tls-unique value.</summary>
    Mismatch,

    /// <summary>The challengePassword is this session's tls-unique value: the CSR was made inside this TLS session.</summary>
    Match,
}
