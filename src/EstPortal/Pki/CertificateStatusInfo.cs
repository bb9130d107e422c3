namespace EstPortal.Pki;

/// <summary>The three answers RFC 6960 §2.2 allows for one certificate.</summary>
public enum CertificateStatusKind
{
    Good = 0,
    Revoked = 1,
    Unknown = 2,
}

/// <summary>What the revocation store says about one certificate, for <see cref="OcspResponder"/>.</summary>
public sealed class CertificateStatusInfo
{
    private CertificateStatusInfo(CertificateStatusKind kind, DateTimeOffset? revokedAt, RevocationReason reason)
    {
        Kind = kind;
        RevokedAt = revokedAt;
        Reason = reason;
    }

    /// <summary>Issued by this CA and not revoked. Only for certificates we know we issued (RFC 6960 §2.2).</summary>
    public static CertificateStatusInfo Good { get; } = new(CertificateStatusKind.Good, null, RevocationReason.Unspecified);

    /// <summary>We have no record of this serial for this CA.</summary>
    public static CertificateStatusInfo Unknown { get; } = new(CertificateStatusKind.Unknown, null, RevocationReason.Unspecified);

    public CertificateStatusKind Kind { get; }

    /// <summary>Set only when <see cref="Kind"/> is <see cref="CertificateStatusKind.Revoked"/>.</summary>
    public DateTimeOffset? RevokedAt { get; }

    public RevocationReason Reason { get; }

    /// <summary>Revoked (certificateHold included, RFC 6960 §2.2) at <paramref name="revokedAt"/>.</summary>
    public static CertificateStatusInfo Revoked(DateTimeOffset revokedAt, RevocationReason reason = RevocationReason.Unspecified) =>
        RevocationReasons.IsDefined(reason)
            ? new(CertificateStatusKind.Revoked, revokedAt, reason)
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "not an RFC 5280 revocation reason");
}
