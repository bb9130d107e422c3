namespace EstPortal.DeviceAuth;

public enum EstCallerKind
{
    DeviceCredential,
    BootstrapToken,
    ClientCertificate,
    /// <summary>A manufacturer certificate (IEEE 802.1AR IDevID) vouched for by a trust anchor the profile accepts.</summary>
    ManufacturerCertificate,
}

/// <summary>
/// Who is asking, once authenticated. <see cref="Actor"/> is what the audit log shows. The device's identity (its name and
/// <see cref="DeviceSubjectAltNamePatterns"/>, as stored), a token's limits and the profile a presented certificate was
/// issued under are what the caller rules (Enrollment/CallerRules) bound the request by.
/// </summary>
public sealed record EstCaller(
    EstCallerKind Kind,
    string Actor,
    Guid? DeviceId,
    string? DeviceName,
    Guid? TokenId = null,
    Guid? CertificateId = null,
    System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate = null,
    Guid? TokenProfileId = null,
    string? TokenSubjectPattern = null,
    string? DeviceSubjectAltNamePatterns = null,
    Guid? CertificateProfileId = null,
    string? CertificateProfileName = null,
    IdevidCaller? Idevid = null,
    TpmAttestedKey? AttestedKey = null);

/// <summary>
/// What a token released by TPM attestation is bound to: the attested key (SHA-256 of its SubjectPublicKeyInfo, upper-case
/// hex) and the endorsement key certificate it was proven with (issuer, serial, SHA-256 fingerprint).
/// </summary>
public sealed record TpmAttestedKey(string PublicKeySha256, string EkIssuer, string EkSerialNumber, string EkSha256);

/// <summary>
/// The answer of one validator: success, "not mine" (try the next validator, 401 if none), or a refusal with a
/// reason (the credential was recognised but may not be used: 401 or 403 per <see cref="Forbidden"/>). A refusal
/// names the recognised credential in <see cref="Actor"/> so the audit log says which token or certificate it was.
/// </summary>
public sealed record DeviceAuthResult(EstCaller? Caller, string? Reason, bool Forbidden, string? Actor = null)
{
    public static readonly DeviceAuthResult NotRecognised = new(null, null, false);
    public static DeviceAuthResult Success(EstCaller caller) => new(caller, null, false, caller.Actor);
    public static DeviceAuthResult Refused(string reason, string? actor, bool forbidden = true) => new(null, reason, forbidden, actor);
    public bool Recognised => Caller is not null || Reason is not null;
}
