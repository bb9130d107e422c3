namespace EstPortal.Pki;

/// <summary>What an issued certificate is for; decides its extended key usage (RFC 5280 §4.2.1.12).</summary>
public enum CertificatePurpose
{
    /// <summary>id-kp-clientAuth: devices authenticating to services (and to EST for re-enrollment).</summary>
    ClientAuth = 0,

    /// <summary>id-kp-serverAuth: the EST and portal TLS certificate.</summary>
    ServerAuth,

    ClientAndServerAuth,
}
