using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.DeviceAuth;

/// <summary>
/// A TLS client certificate authenticates a device when it is byte-for-byte one we issued (found by its serial number,
/// which is unique, and then its SHA-256 thumbprint), unrevoked, within its validity, and its device is enabled. The
/// handshake proved key possession. No index on the thumbprint: one more random page per issued certificate would be
/// written for a lookup the serial's index already answers (ADR 0029).
/// </summary>
public sealed class ClientCertificateValidator(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
{
    public async Task<DeviceAuthResult> ValidateAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var thumbprint = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        var serial = certificate.SerialNumber;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var issued = await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.SerialNumber == serial && c.Sha256Thumbprint == thumbprint)
            .Select(c => new
            {
                c.Id, c.SerialNumber, c.NotBefore, c.NotAfter, c.RevokedAt, c.DeviceId, c.ProfileId,
                ProfileName = db.EnrollmentProfiles.Where(p => p.Id == c.ProfileId).Select(p => p.Name).FirstOrDefault(),
                DeviceName = c.Device != null ? c.Device.Name : null,
                DevicePatterns = c.Device != null ? c.Device.SubjectAltNamePatterns : null,
                DeviceDisabled = c.Device != null && c.Device.Disabled,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (issued is null)
            // No actor: a certificate of nobody we know is a stranger's request, tallied rather than audited one by one.
            return DeviceAuthResult.Refused("the client certificate was not issued by this server", actor: null, forbidden: false);

        var actor = $"certificate:{issued.SerialNumber}";
        var now = time.GetUtcNow();
        if (issued.RevokedAt is not null)
            return DeviceAuthResult.Refused($"the client certificate {issued.SerialNumber} has been revoked", actor);
        if (now < issued.NotBefore || now >= issued.NotAfter)
            return DeviceAuthResult.Refused($"the client certificate {issued.SerialNumber} is not within its validity period", actor);
        if (issued.DeviceDisabled)
            return DeviceAuthResult.Refused($"device '{issued.DeviceName}' is disabled", actor);

        return DeviceAuthResult.Success(new EstCaller(EstCallerKind.ClientCertificate, actor, issued.DeviceId, issued.DeviceName,
            CertificateId: issued.Id, Certificate: certificate, DeviceSubjectAltNamePatterns: issued.DevicePatterns,
            CertificateProfileId: issued.ProfileId, CertificateProfileName: issued.ProfileName));
    }
}
