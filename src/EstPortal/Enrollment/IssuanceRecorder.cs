using System.Security.Cryptography.X509Certificates;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>A signed certificate and everything that must commit with it.</summary>
public sealed record IssuanceToRecord(
    string EventType,
    EnrollmentRequest Request,
    EstCaller Caller,
    Guid CertificateAuthorityId,
    IssuedCertificateResult Issued,
    string? Details,
    Guid? PendingId);

/// <summary>
/// Commits an issuance in one transaction: the token redemption (one conditional update, exactly one row), the
/// pending request's transition to Issued, the device for an unbound token, the issuance record and its audit row.
/// Only after the commit does the certificate leave the server (DESIGN.md; ADR 0003).
/// </summary>
public sealed class IssuanceRecorder(
    IDbContextFactory<EstPortalDbContext> contexts,
    BootstrapTokenValidator tokens,
    AuditLog audit,
    EnrollmentMetrics metrics,
    TimeProvider time)
{
    /// <summary>Null when recorded; otherwise why the certificate must be discarded (another request won).</summary>
    public async Task<string?> RecordAsync(IssuanceToRecord record, CancellationToken cancellationToken)
    {
        var (request, caller, issued) = (record.Request, record.Caller, record.Issued);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The audit head first, then the token and pending rows: the lock order every audited writer follows.
        await AuditChainLock.AcquireAsync(db, cancellationToken);

        if (caller.TokenId is { } tokenId
            && !await tokens.TryRedeemAsync(db, tokenId, issued.SerialHex, request.ClientIp, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return "the bootstrap token has already been used";
        }

        var now = time.GetUtcNow();
        if (record.PendingId is { } pendingId)
        {
            var claimed = await db.PendingEnrollments
                .Where(p => p.Id == pendingId && p.Status == PendingStatus.Approved)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PendingStatus.Issued).SetProperty(p => p.IssuedSerial, issued.SerialHex), cancellationToken);
            if (claimed != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return "the approved request has already been fetched";
            }
        }

        var deviceId = caller.DeviceId ?? (await RegisterDeviceForTokenAsync(db, issued.Certificate, cancellationToken)).Id;
        db.IssuedCertificates.Add(new IssuedCertificate
        {
            Id = Guid.NewGuid(),
            SerialNumber = issued.SerialHex,
            CertificateAuthorityId = record.CertificateAuthorityId,
            ProfileId = request.Profile.Id,
            DeviceId = deviceId,
            Subject = issued.Certificate.Subject,
            SubjectAlternativeNames = DescribeSan(issued.Certificate),
            Sha256Thumbprint = issued.Sha256Thumbprint,
            PublicKeySha256 = issued.PublicKeySha256,
            CertificateDer = issued.Certificate.RawData,
            NotBefore = issued.Certificate.NotBefore.ToUniversalTime(),
            NotAfter = issued.Certificate.NotAfter.ToUniversalTime(),
            IssuedAt = now,
            IssuedVia = caller.Actor,
            ReplacesCertificateId = caller.CertificateId,
        });
        audit.Stage(db, new AuditRecord(record.EventType, true, caller.Actor, request.ClientIp,
            SerialNumber: issued.SerialHex, DeviceId: deviceId, Details: record.Details, CsrSha256: request.CsrSha256));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (caller.TokenId is not null)
            metrics.TokenRedeemed();
        return null;
    }

    /// <summary>
    /// A token not bound to a device enrolls a new device, named after the certificate's CN (or the serial when the
    /// name is taken or absent), so the device shows up in the portal and can re-enroll later.
    /// </summary>
    private async Task<Device> RegisterDeviceForTokenAsync(EstPortalDbContext db, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var name = string.IsNullOrWhiteSpace(commonName) || commonName.Length > 100 || commonName.Contains(':')
                   || await db.Devices.AnyAsync(d => d.Name == commonName, cancellationToken)
            ? $"device-{certificate.SerialNumber[..16].ToLowerInvariant()}"
            : commonName;
        var device = new Device { Id = Guid.NewGuid(), Name = name, Description = "Registered by bootstrap-token enrollment", CreatedAt = time.GetUtcNow() };
        db.Devices.Add(device);
        return device;
    }

    private static string? DescribeSan(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
            return null;
        var names = Policy.GeneralNamesReader.TryRead(san.RawData);
        var text = names is null ? "" : string.Join(", ", names.Select(n => $"{n.Type}:{n.Value}"));
        return text.Length == 0 ? null : text[..Math.Min(text.Length, 4096)];
    }
}
