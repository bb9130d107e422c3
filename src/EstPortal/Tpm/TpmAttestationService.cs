using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Enrollment;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Tpm;

/// <summary>What a device posts to tpm/attest: its EK certificate (and intermediates), the EK's and the new key's TPM2B_PUBLIC.</summary>
public sealed record TpmAttestationRequest(
    ResolvedProfile Profile, byte[]? EkCertificate, IReadOnlyList<X509Certificate2> EkIntermediates, byte[]? EkPublic, byte[]? KeyPublic, string? ClientIp);

/// <summary>The tpm2-tools credential file that carries the token, or the status and reason of a refusal.</summary>
public sealed record TpmAttestationResult(byte[]? CredentialFile, int Status, string? Reason)
{
    public static TpmAttestationResult Refused(int status, string reason) => new(null, status, reason);
}

/// <summary>
/// TPM-attested enrollment, the server's half (docs/adr/0022-tpm-attested-enrollment.md): checks that the EK certificate
/// chains to a TPM vendor root the profile names, that the EK public area is that certificate's key, and that the new key
/// was made inside a TPM and cannot leave it (fixedTPM, fixedParent, sensitiveDataOrigin) and signs what it is asked to
/// (sign, not restricted). Then it issues a one-time bootstrap token bound to that key and EK, and wraps it with
/// TPM2_MakeCredential for the EK and the key's TPM name: only the TPM that holds both recovers it
/// (TPM2_ActivateCredential). The token then enrolls through the ordinary /simpleenroll, where AttestedKeyRule holds the
/// CSR to the attested key. Each check names itself in its refusal; every answer is audited.
/// </summary>
public sealed class TpmAttestationService(
    TrustAnchorAdmin anchors, IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    /// <summary>Long enough for a device to activate the credential and enroll; short, since it unlocks an enrollment.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>24 random bytes, base64url: 32 ASCII characters, which fit the 32-byte secret of a SHA-256 EK credential.</summary>
    private const int TokenEntropyBytes = 24;

    private const TpmObjectAttributes EkAttributes =
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt;

    public async Task<TpmAttestationResult> AttestAsync(TpmAttestationRequest request, CancellationToken cancellationToken)
    {
        var profile = request.Profile;
        var trusted = profile.Policy.TpmAttestation.EkTrust;
        if (trusted.Count == 0)
            return TpmAttestationResult.Refused(StatusCodes.Status404NotFound, "this profile accepts no TPM attestation (it names no TPM EK trust anchor)");

        if (request.EkCertificate is null || request.EkPublic is null || request.KeyPublic is null)
            return await RefuseAsync(request, null, "attestation-request: post ek-certificate, ek-public and key-public (multipart/form-data)", cancellationToken);

        X509Certificate2 ekCertificate;
        try
        {
            ekCertificate = X509CertificateLoader.LoadCertificate(request.EkCertificate);
        }
        catch (CryptographicException)
        {
            return await RefuseAsync(request, null, "ek-certificate: not an X.509 certificate (DER or PEM)", cancellationToken);
        }
        using var _ = ekCertificate;
        var ek = new TpmAttestedKey("", ekCertificate.Issuer, ekCertificate.SerialNumber, Convert.ToHexStringLower(SHA256.HashData(ekCertificate.RawData)));

        TpmPublicArea ekPublic, keyPublic;
        try
        {
            ekPublic = TpmPublicArea.Parse(request.EkPublic);
        }
        catch (TpmFormatException ex)
        {
            return await RefuseAsync(request, ek, $"ek-public: {ex.Message}", cancellationToken);
        }
        try
        {
            keyPublic = TpmPublicArea.Parse(request.KeyPublic);
        }
        catch (TpmFormatException ex)
        {
            return await RefuseAsync(request, ek, $"key-public: {ex.Message}", cancellationToken);
        }

        var anchorCertificates = (await anchors.FindAsync(trusted, TrustAnchorPurpose.TpmEndorsement, cancellationToken)).Select(a => a.CertificateDer);
        if (EndorsementKeyCertificate.CheckChain(ekCertificate, anchorCertificates, request.EkIntermediates, time.GetUtcNow()) is { } chainError)
            return await RefuseAsync(request, ek, $"ek-certificate: {chainError}", cancellationToken);
        if (!ekPublic.SubjectPublicKeyInfo.AsSpan().SequenceEqual(ekCertificate.PublicKey.ExportSubjectPublicKeyInfo()))
            return await RefuseAsync(request, ek, "ek-public: the EK public area's key is not the EK certificate's key", cancellationToken);
        if (ekPublic.Type != TpmPublicArea.RsaType)
            return await RefuseAsync(request, ek, "ek-public: only RSA endorsement keys are supported", cancellationToken);
        if (!ekPublic.Has(EkAttributes) || !ekPublic.Symmetric.IsAesCfb)
            return await RefuseAsync(request, ek, "ek-public: not an endorsement key (a restricted decryption key fixed to its TPM, with AES-CFB)", cancellationToken);
        if (CheckKeyAttributes(keyPublic) is { } attributeError)
            return await RefuseAsync(request, ek, $"key-attributes: {attributeError}", cancellationToken);

        var attested = ek with { PublicKeySha256 = EndorsementKeyCertificate.KeySha256(keyPublic.SubjectPublicKeyInfo) };
        var token = NewToken();
        var (blob, secret) = MakeCredential.Make(ekPublic, keyPublic.Name(), Encoding.ASCII.GetBytes(token));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var entity = new BootstrapToken
        {
            Id = Guid.NewGuid(),
            TokenHash = DeviceSecrets.Hash(token),
            ProfileId = profile.Id,
            Note = $"released by TPM attestation to EK {attested.EkSha256}",
            CreatedBy = "tpm-attestation",
            CreatedAt = now,
            ExpiresAt = now + TokenLifetime,
            AttestedKeySha256 = attested.PublicKeySha256,
            TpmEkIssuer = attested.EkIssuer,
            TpmEkSerialNumber = attested.EkSerialNumber,
            TpmEkSha256 = attested.EkSha256,
        };
        db.BootstrapTokens.Add(entity);
        audit.Stage(db, Record(request, attested, true, null, $"token {entity.Id} for key SHA-256 {attested.PublicKeySha256}"));
        await db.SaveChangesAsync(cancellationToken);
        return new TpmAttestationResult(MakeCredential.ToolsFile(blob, secret), StatusCodes.Status200OK, null);
    }

    /// <summary>TPM 2.0 Part 2 §8.3: what makes a key one that was born in this TPM, stays there, and can sign a CSR.</summary>
    public static string? CheckKeyAttributes(TpmPublicArea key)
    {
        if (!key.Has(TpmObjectAttributes.FixedTpm))
            return "the key lacks fixedTPM: it may be duplicated out of the TPM, or was not made in one";
        if (!key.Has(TpmObjectAttributes.FixedParent))
            return "the key lacks fixedParent: it may be moved to another parent";
        if (!key.Has(TpmObjectAttributes.SensitiveDataOrigin))
            return "the key lacks sensitiveDataOrigin: its private part was imported, not generated by the TPM";
        if (!key.Has(TpmObjectAttributes.Sign))
            return "the key lacks sign: it cannot sign a CSR or a TLS handshake";
        if (key.Has(TpmObjectAttributes.Restricted))
            return "the key is restricted: it signs only TPM-generated data, never a CSR";
        return null;
    }

    private static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[TokenEntropyBytes];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    private async Task<TpmAttestationResult> RefuseAsync(TpmAttestationRequest request, TpmAttestedKey? ek, string reason, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(Record(request, ek, false, reason, null), cancellationToken);
        return TpmAttestationResult.Refused(StatusCodes.Status400BadRequest, reason);
    }

    private static AuditRecord Record(TpmAttestationRequest request, TpmAttestedKey? ek, bool succeeded, string? reason, string? what) =>
        new(AuditEventTypes.TpmAttest, succeeded, ek is null ? "tpm-ek:unknown" : $"tpm-ek:{ek.EkSha256[..16]}", request.ClientIp, reason,
            Details: string.Join("; ", new[]
            {
                $"profile '{request.Profile.Name}'",
                ek is null ? null : $"EK certificate issuer '{ek.EkIssuer}', serial {ek.EkSerialNumber}, SHA-256 {ek.EkSha256}",
                what,
            }.Where(p => p is not null)));
}
