namespace EstPortal.Policy;

/// <summary>
/// TPM-attested enrollment under a profile (docs/adr/0022-tpm-attested-enrollment.md). <see cref="EkTrust"/> names the
/// trust anchors (purpose TpmEndorsement, i.e. TPM vendors' EK roots) whose EK certificates may attest a key here; with
/// none the profile answers no attestation. <see cref="Required"/> refuses enrollment by any credential other than a
/// token released by attestation (and renewal by anything but the attested key's certificate).
/// </summary>
public sealed record TpmAttestationPolicy
{
    public bool Required { get; init; }
    public IReadOnlyList<string> EkTrust { get; init; } = [];
}
