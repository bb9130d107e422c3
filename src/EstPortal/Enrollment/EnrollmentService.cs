using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Hosting;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EstPortal.Enrollment;

/// <summary>
/// The one enrollment pipeline: authenticate → load the CSR → apply the rules → sign → record → audit. The issuance
/// record (and, for a token, its redemption) commits before the certificate is handed back, so a certificate a client
/// receives is always in the database. Every refusal is audited with its reason.
/// </summary>
public sealed class EnrollmentService(
    EstAuthenticator authenticator,
    BootstrapTokenValidator tokens,
    CsrLoader csrLoader,
    CertificateAuthorities cas,
    CertificateIssuer issuer,
    IDbContextFactory<EstPortalDbContext> contexts,
    AuditLog audit,
    IOptions<EstPortalOptions> options,
    TimeProvider time)
{
    private const string SubjectAltNameOid = "2.5.29.17";

    public async Task<EnrollmentResult> EnrollAsync(EnrollmentRequest request, CancellationToken cancellationToken)
    {
        var eventType = request.Kind == EnrollmentKind.Enroll ? AuditEventTypes.Enroll : AuditEventTypes.Reenroll;

        var auth = request.Kind == EnrollmentKind.Enroll
            ? await authenticator.AuthenticateBasicAsync(request.Credentials.Basic, cancellationToken)
            : await authenticator.AuthenticateCertificateAsync(request.Credentials.ClientCertificate, cancellationToken);
        if (auth.Caller is not { } caller)
        {
            var reason = auth.Reason ?? (request.Kind == EnrollmentKind.Enroll
                ? "no valid device credential or bootstrap token was presented"
                : "re-enrollment requires the TLS client certificate being renewed");
            var failure = auth.Forbidden ? EnrollmentFailure.Forbidden : EnrollmentFailure.Unauthenticated;
            return await RefuseAsync(eventType, request, auth.Actor ?? request.Credentials.Describe(), null, failure, reason, cancellationToken);
        }

        if (request.CsrDer is null)
            return await RefuseAsync(eventType, request, caller.Actor, caller.DeviceId, EnrollmentFailure.BadRequest, request.FramingError ?? "the request body is empty", cancellationToken);

        CertificateRequest csr;
        try
        {
            csr = csrLoader.Load(request.CsrDer);
        }
        catch (CsrRejectedException ex)
        {
            return await RefuseAsync(eventType, request, caller.Actor, caller.DeviceId, EnrollmentFailure.BadRequest, ex.Message, cancellationToken);
        }

        if (request.Kind == EnrollmentKind.Reenroll && caller.Certificate is not null
            && ReenrollmentRules.Check(caller.Certificate, csr) is { } identityChange)
        {
            return await RefuseAsync(eventType, request, caller.Actor, caller.DeviceId, EnrollmentFailure.BadRequest, identityChange, cancellationToken);
        }

        var subjectAltNames = csr.CertificateExtensions.Where(e => e.Oid?.Value == SubjectAltNameOid).ToList();
        if (subjectAltNames.Count > 1)
        {
            // RFC 5280 §4.2: an extension appears at most once.
            return await RefuseAsync(eventType, request, caller.Actor, caller.DeviceId, EnrollmentFailure.BadRequest,
                "the CSR requests more than one subjectAltName extension", cancellationToken);
        }

        var ca = await cas.FindDefaultAsync(cancellationToken);
        if (ca is null)
            return await RefuseAsync(eventType, request, caller.Actor, caller.DeviceId, EnrollmentFailure.Forbidden, "no certificate authority is configured", cancellationToken);

        IssuedCertificateResult issued;
        try
        {
            // Signing is CPU work; it happens before the write transaction so that transaction stays short.
            issued = issuer.Issue(cas.GetSigner(ca), new IssuanceRequest(
                csr,
                csr.SubjectName,
                subjectAltNames.Count > 0 ? subjectAltNames : null,
                TimeSpan.FromDays(options.Value.CertificateValidityDays),
                CertificatePurpose.ClientAuth));
        }
        catch (IssuanceRefusedException ex)
        {
            return await RefuseAsync(eventType, request, caller.Actor, caller.DeviceId, EnrollmentFailure.BadRequest, ex.Message, cancellationToken);
        }

        return await RecordAsync(eventType, request, caller, ca, issued, cancellationToken);
    }

    private async Task<EnrollmentResult> RecordAsync(
        string eventType, EnrollmentRequest request, EstCaller caller, CertificateAuthority ca, IssuedCertificateResult issued,
        CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        if (caller.TokenId is { } tokenId
            && !await tokens.TryRedeemAsync(db, tokenId, issued.SerialHex, request.ClientIp, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            // Another request spent it first (or it expired meanwhile); the certificate we signed is discarded unseen.
            return await RefuseAsync(eventType, request, caller.Actor, caller.DeviceId, EnrollmentFailure.Unauthenticated,
                "the bootstrap token has already been used", cancellationToken);
        }

        var deviceId = caller.DeviceId ?? (await RegisterDeviceForTokenAsync(db, issued.Certificate, cancellationToken)).Id;
        var now = time.GetUtcNow();
        db.IssuedCertificates.Add(new IssuedCertificate
        {
            Id = Guid.NewGuid(),
            SerialNumber = issued.SerialHex,
            CertificateAuthorityId = ca.Id,
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
        audit.Stage(db, new AuditRecord(eventType, true, caller.Actor, request.ClientIp,
            SerialNumber: issued.SerialHex, DeviceId: deviceId, Details: DescribeRenewal(caller, issued)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return EnrollmentResult.Issued(issued.Certificate);
    }

    /// <summary>
    /// A token not bound to a device enrolls a new device, named after the certificate's CN (or the serial when the
    /// name is taken or absent), so the device shows up in the portal and can re-enroll later.
    /// </summary>
    private async Task<Device> RegisterDeviceForTokenAsync(EstPortalDbContext db, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var name = string.IsNullOrWhiteSpace(commonName) || commonName.Length > 100
                   || await db.Devices.AnyAsync(d => d.Name == commonName, cancellationToken)
            ? $"device-{certificate.SerialNumber[..16].ToLowerInvariant()}"
            : commonName;
        var device = new Device { Id = Guid.NewGuid(), Name = name, Description = "Registered by bootstrap-token enrollment", CreatedAt = time.GetUtcNow() };
        db.Devices.Add(device);
        return device;
    }

    private static string? DescribeRenewal(EstCaller caller, IssuedCertificateResult issued)
    {
        if (caller.Certificate is null)
            return null;
        var previousKey = Convert.ToHexString(SHA256.HashData(caller.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        return previousKey == issued.PublicKeySha256
            ? $"renewal (same key) of {caller.Certificate.SerialNumber}"
            : $"rekey (new key) of {caller.Certificate.SerialNumber}";
    }

    private static string? DescribeSan(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
            return null;
        var names = san.EnumerateDnsNames().Select(n => "DNS:" + n)
            .Concat(san.EnumerateIPAddresses().Select(ip => "IP:" + ip));
        var text = string.Join(", ", names);
        return text.Length == 0 ? null : text;
    }

    private async Task<EnrollmentResult> RefuseAsync(
        string eventType, EnrollmentRequest request, string actor, Guid? deviceId, EnrollmentFailure failure, string reason,
        CancellationToken cancellationToken)
    {
        await audit.RecordAsync(new AuditRecord(eventType, false, actor, request.ClientIp, reason, DeviceId: deviceId), cancellationToken);
        return EnrollmentResult.Refused(failure, reason);
    }
}
