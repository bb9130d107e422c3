using System.Security.Cryptography.X509Certificates;
using EstPortal.Audit;
using EstPortal.CaKeys;
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
    CaKeyBackends backends,
    AuditLog audit,
    TimeProvider time)
{
    public const string DefaultName = "default";
    public const string DefaultSubject = "CN=EstPortal Root CA";

    public async Task<CertificateAuthority> CreateRootAsync(
        string name, string subject, CaKeyAlgorithm algorithm, TimeSpan validity, bool makeDefault, string actor,
        CancellationToken cancellationToken = default)
    {
        using var key = backends.Generate(CaKeyStores.Software, algorithm, name);
        using var certificate = rootCaFactory.CreateRoot(subject, key, validity);
        var ca = new CertificateAuthority
        {
            Id = Guid.NewGuid(),
            Name = name,
            Subject = certificate.Subject,
            CertificateDer = certificate.RawData,
            ProtectedPrivateKey = [],
            KeyAlgorithm = algorithm.DisplayName(),
            Sha256Thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate.RawData)),
            NotBefore = certificate.NotBefore.ToUniversalTime(),
            NotAfter = certificate.NotAfter.ToUniversalTime(),
            IsDefault = makeDefault,
            CreatedAt = time.GetUtcNow(),
        };
        key.Location.ApplyTo(ca);

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
            return AdminResult<CertificateAuthority>.NotFound(name is null ? "No default CA exists." : $"No CA is named '{name}'.");
        if (old.RetiredAt is not null)
            return AdminResult<CertificateAuthority>.Conflict($"CA '{old.Name}' is retired already.");
        ICaSigner oldSigner;
        try
        {
            oldSigner = cas.GetSigner(old);
        }
        catch (CaKeyUnavailableException ex)
        {
            return AdminResult<CertificateAuthority>.Fail(ex.Message);
        }
        if (!oldSigner.Certificate.SubjectName.RawData.AsSpan().SequenceEqual(oldSigner.Certificate.IssuerName.RawData))
            return AdminResult<CertificateAuthority>.Fail($"CA '{old.Name}' is not a root; only roots roll over with link certificates.");
        if (!Enum.GetValues<CaKeyAlgorithm>().Any(a => a.DisplayName() == old.KeyAlgorithm))
            return AdminResult<CertificateAuthority>.Fail($"CA '{old.Name}' has key algorithm '{old.KeyAlgorithm}', which cannot be generated here.");
        var algorithm = Enum.GetValues<CaKeyAlgorithm>().First(a => a.DisplayName() == old.KeyAlgorithm);

        // The new key lives where the old one did: an HSM root rolls over to a new key in the same token.
        var newId = Guid.NewGuid();
        NewCaKey key;
        X509Certificate2 created;
        RolloverCertificates links;
        try
        {
            key = backends.Generate(old.KeyStore, algorithm, old.Name);
        }
        catch (CaKeyUnavailableException ex)
        {
            return AdminResult<CertificateAuthority>.Fail(ex.Message);
        }
        using (key)
        {
            try
            {
                created = rootCaFactory.CreateRoot(old.Subject, key, old.NotAfter - old.NotBefore);
                links = rollover.CreateLinks(oldSigner, backends.SignerFor(newId, created, key.Location));
            }
            catch (Exception ex) when (ex is IssuanceRefusedException or ArgumentException or CaKeyUnavailableException)
            {
                key.Discard();
                return AdminResult<CertificateAuthority>.Fail($"The link certificates could not be made: {ex.Message}");
            }
        }

        using var newRoot = created;
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
            Subject = created.Subject,
            CertificateDer = created.RawData,
            ProtectedPrivateKey = key.Location.ProtectedPrivateKey,
            KeyStore = key.Location.Store,
            KeyReference = key.Location.KeyReference,
            KeyAlgorithm = old.KeyAlgorithm,
            Sha256Thumbprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(created.RawData)),
            NotBefore = created.NotBefore.ToUniversalTime(),
            NotAfter = created.NotAfter.ToUniversalTime(),
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
