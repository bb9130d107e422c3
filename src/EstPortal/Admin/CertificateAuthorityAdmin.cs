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
    RootCaKeyRollover rollover,
    CertificateAuthorities cas,
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

    /// <summary>
    /// Root CA key rollover (RFC 4210 §4.4, RFC 7030 §4.1.3): a new root with the same subject and a new key takes the
    /// old one's name, default flag and profiles; the old one is retired but still validates what it issued. The
    /// OldWithNew and NewWithOld link certificates go out with /cacerts, so clients holding either root can validate
    /// certificates issued under both keys.
    /// </summary>
    public async Task<AdminResult<CertificateAuthority>> RolloverAsync(string? name, string actor, CancellationToken cancellationToken = default)
    {
        var old = name is null ? await cas.FindDefaultAsync(cancellationToken) : await cas.FindByNameAsync(name, cancellationToken);
        if (old is null)
            return AdminResult<CertificateAuthority>.Fail(name is null ? "No default CA exists." : $"No CA is named '{name}'.");
        if (old.RetiredAt is not null)
            return AdminResult<CertificateAuthority>.Fail($"CA '{old.Name}' is retired already.");
        var oldSigner = cas.GetSigner(old);
        if (!oldSigner.Certificate.SubjectName.RawData.AsSpan().SequenceEqual(oldSigner.Certificate.IssuerName.RawData))
            return AdminResult<CertificateAuthority>.Fail($"CA '{old.Name}' is not a root; only roots roll over with link certificates.");
        if (!Enum.GetValues<CaKeyAlgorithm>().Any(a => a.DisplayName() == old.KeyAlgorithm))
            return AdminResult<CertificateAuthority>.Fail($"CA '{old.Name}' has key algorithm '{old.KeyAlgorithm}', which cannot be generated here.");
        var algorithm = Enum.GetValues<CaKeyAlgorithm>().First(a => a.DisplayName() == old.KeyAlgorithm);

        var created = rootCaFactory.CreateRoot(old.Subject, algorithm, old.NotAfter - old.NotBefore);
        var newId = Guid.NewGuid();
        byte[] protectedKey;
        try
        {
            protectedKey = protector.Protect(created.Pkcs8PrivateKey);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(created.Pkcs8PrivateKey);
        }

        using var newSigner = new SoftwareCaSigner(newId, created.Certificate.RawData, protectedKey, protector);
        RolloverCertificates links;
        try
        {
            links = rollover.CreateLinks(oldSigner, newSigner);
        }
        catch (Exception ex) when (ex is IssuanceRefusedException or ArgumentException)
        {
            return AdminResult<CertificateAuthority>.Fail($"The link certificates could not be made: {ex.Message}");
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var retiredName = $"{old.Name}-retired-{now:yyyyMMddHHmmss}";
        await db.CertificateAuthorities.Where(c => c.Id == old.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, retiredName).SetProperty(c => c.IsDefault, false).SetProperty(c => c.RetiredAt, now), cancellationToken);
        var replacement = new CertificateAuthority
        {
            Id = newId,
            Name = old.Name,
            Subject = created.Certificate.Subject,
            CertificateDer = created.Certificate.RawData,
            ProtectedPrivateKey = protectedKey,
            KeyAlgorithm = old.KeyAlgorithm,
            Sha256Thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(created.Certificate.RawData)),
            NotBefore = created.Certificate.NotBefore.ToUniversalTime(),
            NotAfter = created.Certificate.NotAfter.ToUniversalTime(),
            IsDefault = old.IsDefault,
            PreviousCaId = old.Id,
            OldWithNewDer = links.OldWithNew.RawData,
            NewWithOldDer = links.NewWithOld.RawData,
            CreatedAt = now,
        };
        db.CertificateAuthorities.Add(replacement);
        await db.SaveChangesAsync(cancellationToken);
        await db.EnrollmentProfiles.Where(p => p.CertificateAuthorityId == old.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.CertificateAuthorityId, newId).SetProperty(p => p.UpdatedAt, now), cancellationToken);
        audit.Stage(db, new AuditRecord(AuditEventTypes.CaRolledOver, true, actor,
            Details: $"{old.Name}: {old.Sha256Thumbprint} retired as {retiredName}, replaced by {replacement.Sha256Thumbprint}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AdminResult<CertificateAuthority>.Ok(replacement);
    }

    /// <summary>PEM of everything /cacerts would send for <paramref name="ca"/>: links and issuers included.</summary>
    public async Task<string> ExportChainPemAsync(CertificateAuthority ca, CancellationToken cancellationToken = default) =>
        string.Concat((await cas.ChainAsync(ca, cancellationToken)).Select(c => c.ExportCertificatePem() + "\n"));
}
