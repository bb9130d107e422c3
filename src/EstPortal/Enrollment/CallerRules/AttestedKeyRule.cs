using System.Security.Cryptography;

namespace EstPortal.Enrollment.CallerRules;

/// <summary>
/// A token released by TPM attestation enrolls only the key the TPM attested: the CSR's SubjectPublicKeyInfo must hash
/// to the one bound to the token. On a profile that requires attestation, a renewal keeps the attested key: the CSR's key
/// must be the certificate's (a new key would be one no TPM vouched for).
/// </summary>
public sealed class AttestedKeyRule : ICallerRule
{
    public string Name => "attested-key";
    public bool NeedsCsr => true;

    public CallerRefusal? Check(CallerRequest request)
    {
        if (request.Csr is not { } csr)
            return null;
        var csrKey = Convert.ToHexString(SHA256.HashData(csr.PublicKey.ExportSubjectPublicKeyInfo()));
        if (request.Caller.AttestedKey is { } attested && !string.Equals(csrKey, attested.PublicKeySha256, StringComparison.OrdinalIgnoreCase))
            return new CallerRefusal(Name, "the CSR's public key is not the key the TPM attested for this token");
        if (request.Profile.Policy.TpmAttestation.Required && request.Renewed is { } renewed
            && !string.Equals(csrKey, Convert.ToHexString(SHA256.HashData(renewed.PublicKey.ExportSubjectPublicKeyInfo())), StringComparison.Ordinal))
            return new CallerRefusal(Name, "this profile requires a TPM-attested key: a renewal keeps the certificate's key");
        return null;
    }
}
