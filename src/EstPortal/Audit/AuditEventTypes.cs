namespace EstPortal.Audit;

/// <summary>The kinds of event the audit log records. Stable strings: operators filter and export by them.</summary>
public static class AuditEventTypes
{
    public const string Enroll = "est.simpleenroll";
    public const string Reenroll = "est.simplereenroll";
    public const string ServerKeyGen = "est.serverkeygen";
    /// <summary>A TPM attestation under a profile (docs/adr/0022-tpm-attested-enrollment.md): a token released, or why not.</summary>
    public const string TpmAttest = "tpm.attest";

    /// <summary>Every "est.*" type: listed so dashboards query the (EventType, Timestamp) index by equality, not LIKE.</summary>
    public static readonly IReadOnlyList<string> Enrollments = [Enroll, Reenroll, ServerKeyGen];

    public const string ProfileCreated = "profile.created";
    public const string ProfileUpdated = "profile.updated";
    public const string PendingApproved = "pending.approved";
    public const string PendingRejected = "pending.rejected";
    /// <summary>
    /// Refusals of requests that never authenticated (or went over a rate limit), summed per client address and minute:
    /// one row instead of one per request (ADR 0014). Not an "est.*" type: it is not one enrollment.
    /// </summary>
    public const string RefusalsSummarized = "refusals.summarized";
    public const string CaRolledOver = "ca.rolled-over";
    public const string CertificateRevoked = "certificate.revoked";

    public const string CaCreated = "ca.created";
    public const string CaImported = "ca.imported";
    public const string DeviceAdded = "device.added";
    public const string DeviceDisabled = "device.disabled";
    public const string DeviceEnabled = "device.enabled";
    public const string DeviceUpdated = "device.updated";
    public const string TokenRevoked = "token.revoked";
    public const string DeviceCredentialIssued = "device.credential-issued";
    public const string DeviceCredentialDisabled = "device.credential-disabled";
    public const string TokenIssued = "token.issued";
    public const string OperatorAdded = "operator.added";
    public const string FirstAdminCreated = "operator.first-admin-created";
    public const string OperatorDisabled = "operator.disabled";
    public const string OperatorEnabled = "operator.enabled";
    public const string OperatorPasswordReset = "operator.password-reset";
    public const string OperatorRoleChanged = "operator.role-changed";
    public const string OperatorSignInRefused = "operator.sign-in-refused";
    public const string TrustAnchorAdded = "trust.added";
    public const string TrustAnchorRemoved = "trust.removed";
    public const string AuditVerified = "audit.verified";
    public const string AuditExported = "audit.exported";
    public const string BackupCreated = "backup.created";
    public const string BackupRestored = "backup.restored";
    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyRevoked = "apikey.revoked";

    /// <summary>Every type above, for the audit log's filter.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(AuditEventTypes)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => f.GetRawConstantValue()).OfType<string>()
        .Order(StringComparer.Ordinal)
        .ToList();
}
