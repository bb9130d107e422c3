using System.Security.Cryptography.X509Certificates;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// Puts one issuance into a unit of work whose transaction the caller holds open and commits: the token redemption
/// (one conditional update, exactly one row), the pending request's transition to Issued, the device for an unbound
/// token, the issuance record and its audit row. Nothing is saved here; <see cref="IssuanceRecorder"/> saves and
/// commits, possibly together with other issuances.
/// </summary>
public sealed class IssuanceStaging(BootstrapTokenValidator tokens, AuditLog audit, TimeProvider time)
{
    /// <summary>Null when staged; otherwise why the certificate must be discarded (another request won).</summary>
    public async Task<string?> StageAsync(EstPortalDbContext db, IssuanceToRecord record, CancellationToken cancellationToken)
    {
        var (request, caller, issued) = (record.Request, record.Caller, record.Issued);

        // Both conditional updates run inside the caller's transaction: a later issuance in the same transaction sees
        // this one's update, so a token or an approval is still spent exactly once.
        if (caller.TokenId is { } tokenId
            && !await tokens.TryRedeemAsync(db, tokenId, issued.SerialHex, request.ClientIp, cancellationToken))
            return "the bootstrap token has already been used";

        if (record.PendingId is { } pendingId)
        {
            // The approval is spent only by the CSR it was given for (ADR 0013): the hash is checked again here, inside
            // the transaction that records the certificate.
            var claimed = await db.PendingEnrollments
                .Where(p => p.Id == pendingId && p.Status == PendingStatus.Approved && p.CsrSha256 == request.CsrSha256)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PendingStatus.Issued).SetProperty(p => p.IssuedSerial, issued.SerialHex), cancellationToken);
            if (claimed != 1)
                return "the approved request has already been fetched";
        }

        var deviceId = caller.DeviceId ?? (await RegisterDeviceForTokenAsync(db, issued, cancellationToken)).Id;
        var ek = caller.AttestedKey;
        if (ek is not null)
            await RecordEndorsementKeyAsync(db, deviceId, ek, cancellationToken);
        db.IssuedCertificates.Add(new IssuedCertificate
        {
            // Time-ordered (RFC 9562 §5.7): each insert lands at the end of the primary key index instead of on a random
            // page of it, one page written per group rather than one per certificate.
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            SerialNumber = issued.SerialHex,
            CertificateAuthorityId = record.CertificateAuthorityId,
            ProfileId = request.Profile.Id,
            DeviceId = deviceId,
            Subject = issued.Subject.Name,
            SubjectAlternativeNames = DescribeSan(issued.SubjectAlternativeName),
            Sha256Thumbprint = issued.Sha256Thumbprint,
            PublicKeySha256 = issued.PublicKeySha256,
            CertificateDer = issued.Der,
            NotBefore = issued.NotBefore,
            NotAfter = issued.NotAfter,
            IssuedAt = time.GetUtcNow(),
            IssuedVia = caller.Actor,
            ReplacesCertificateId = caller.CertificateId,
            TpmEkIssuer = ek?.EkIssuer,
            TpmEkSerialNumber = ek?.EkSerialNumber,
            TpmEkSha256 = ek?.EkSha256,
        });
        audit.Stage(db, new AuditRecord(record.EventType, true, caller.Actor, request.ClientIp,
            SerialNumber: issued.SerialHex, DeviceId: deviceId, Details: record.Details, CsrSha256: request.CsrSha256));
        return null;
    }

    /// <summary>
    /// A token not bound to a device enrolls a new device, named after the certificate's CN (or the serial when the
    /// name is taken or absent), so the device shows up in the portal and can re-enroll later. "Taken" includes a
    /// device staged by another issuance of the same unit of work, not yet saved.
    /// </summary>
    private async Task<Device> RegisterDeviceForTokenAsync(EstPortalDbContext db, IssuedCertificateResult issued, CancellationToken cancellationToken)
    {
        var commonName = issued.Subject.GetCommonName();
        var name = string.IsNullOrWhiteSpace(commonName) || commonName.Length > 100 || commonName.Contains(':')
                   || db.Devices.Local.Any(d => d.Name == commonName)
                   || await db.Devices.AnyAsync(d => d.Name == commonName, cancellationToken)
            ? $"device-{issued.SerialHex[..16].ToLowerInvariant()}"
            : commonName;
        var device = new Device { Id = Guid.NewGuid(), Name = name, Description = "Registered by bootstrap-token enrollment", CreatedAt = time.GetUtcNow() };
        db.Devices.Add(device);
        return device;
    }

    /// <summary>The TPM whose EK proved the key is the device's TPM from now on (the device page shows it).</summary>
    private static async Task RecordEndorsementKeyAsync(EstPortalDbContext db, Guid deviceId, TpmAttestedKey ek, CancellationToken cancellationToken)
    {
        if (db.Devices.Local.FirstOrDefault(d => d.Id == deviceId) is { } staged)
        {
            (staged.TpmEkIssuer, staged.TpmEkSerialNumber, staged.TpmEkSha256) = (ek.EkIssuer, ek.EkSerialNumber, ek.EkSha256);
            return;
        }
        await db.Devices.Where(d => d.Id == deviceId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.TpmEkIssuer, ek.EkIssuer)
            .SetProperty(d => d.TpmEkSerialNumber, ek.EkSerialNumber)
            .SetProperty(d => d.TpmEkSha256, ek.EkSha256), cancellationToken);
    }

    private static string? DescribeSan(X509Extension? san)
    {
        if (san is null)
            return null;
        var names = Policy.GeneralNamesReader.TryRead(san.RawData);
        var text = names is null ? "" : string.Join(", ", names.Select(n => $"{n.Type}:{n.Value}"));
        return text.Length == 0 ? null : text[..Math.Min(text.Length, 4096)];
    }
}
