using EstPortal.DeviceAuth;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// A profile that requires TPM attestation (docs/adr/0022-tpm-attested-enrollment.md) enrolls only with a token released
/// by attestation; a renewal only with a certificate this profile issued (to an attested key: <see cref="AttestedKeyRule"/>
/// holds the CSR to that key). A device credential, an ordinary token or a certificate from elsewhere proves no TPM.
/// </summary>
public sealed class TpmAttestationRule : ICallerRule
{
    public string Name => "tpm-attestation";
    public bool NeedsCsr => false;

    public CallerRefusal? Check(CallerRequest request)
    {
        if (!request.Profile.Policy.TpmAttestation.Required)
            return null;
        var caller = request.Caller;
        var attested = caller.Kind switch
        {
            EstCallerKind.BootstrapToken => caller.AttestedKey is not null,
            EstCallerKind.ClientCertificate => request.Kind == EnrollmentKind.Reenroll && caller.CertificateProfileId == request.Profile.Id,
            _ => false,
        };
        return attested ? null : new CallerRefusal(Name,
            "this profile requires a key attested by a TPM: post the EK certificate and key to tpm/attest and enroll with the token it releases",
            Forbidden: true);
    }
}
