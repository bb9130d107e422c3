using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>Creates and lists certificate authorities; used by start-up, the portal and the admin commands.</summary>
public sealed class CertificateAuthorityAdmin(
    IDbContextFactory<EstPortalDbContext> contexts,
    RootCaFactory rootCaFactory,
    CaKeyProtector protector,
    AuditLog audit,
    TimeProvider time)
{
    public const string DefaultName = "default";
    public const string DefaultSubject = "CN=EstPortal Root CA";

    public async Task<CertificateAuthority> CreateRootAsync(
        string name, string subject, CaKeyAlgorithm algorithm, TimeSpan validity, bool makeDefault, string actor,
        CancellationToken cancellationToken = default)
    {
        var created = rootCaFactory.CreateRoot(subject, algorithm, validity);
        byte[] protectedKey;
        try
        {
            protectedKey = protector.Protect(created.Pkcs8PrivateKey);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(created.Pkcs8PrivateKey);
        }

        var ca = new CertificateAuthority
        {
            Id = Guid.NewGuid(),
            Name = name,
            Subject = created.Certificate.Subject,
            CertificateDer = created.Certificate.RawData,
            ProtectedPrivateKey = protectedKey,
            KeyAlgorithm = algorithm.DisplayName(),
            Sha256Thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(created.Certificate.RawData)),
            NotBefore = created.Certificate.NotBefore.ToUniversalTime(),
            NotAfter = created.Certificate.NotAfter.ToUniversalTime(),
            IsDefault = makeDefault,
            CreatedAt = time.GetUtcNow(),
        };

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.CertificateAuthorities.Add(ca);
        audit.Stage(db, new AuditRecord(AuditEventTypes.CaCreated, true, actor, Details: $"{ca.Name}: {ca.Subject} ({ca.KeyAlgorithm})"));
        await db.SaveChangesAsync(cancellationToken);
        return ca;
    }

    public static string ExportChainPem(CertificateAuthority ca) =>
        string.Concat(CertificateAuthorities.ChainOf(ca).Select(c => c.ExportCertificatePem() + "\n"));
}
