using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// Finds CAs and keeps one signer per CA in memory, so the CA key is decrypted once per process rather than once
/// per request.
/// </summary>
public sealed class CertificateAuthorities(IDbContextFactory<EstPortalDbContext> contexts, CaKeyProtector protector) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, Lazy<SoftwareCaSigner>> _signers = new();

    public async Task<CertificateAuthority?> FindDefaultAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CertificateAuthorities.AsNoTracking().FirstOrDefaultAsync(ca => ca.IsDefault, cancellationToken);
    }

    public async Task<CertificateAuthority?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CertificateAuthorities.AsNoTracking().FirstOrDefaultAsync(ca => ca.Id == id, cancellationToken);
    }

    public async Task<CertificateAuthority?> FindByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CertificateAuthorities.AsNoTracking().FirstOrDefaultAsync(ca => ca.Name == name, cancellationToken);
    }

    public async Task<List<CertificateAuthority>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CertificateAuthorities.AsNoTracking().OrderBy(ca => ca.Name).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The chain a client needs to trust <paramref name="ca"/> (RFC 7030 §4.1.3): the CA certificate with its rollover
    /// links, then each issuer up to the root — parents we hold, or the chain an imported CA came with.
    /// </summary>
    public async Task<IReadOnlyList<X509Certificate2>> ChainAsync(CertificateAuthority ca, CancellationToken cancellationToken = default)
    {
        var chain = new List<X509Certificate2>();
        var current = ca;
        var seen = new HashSet<Guid>();
        while (seen.Add(current.Id))
        {
            chain.AddRange(ChainOf(current));
            chain.AddRange(CaImport.SplitDer(current.ChainDer));
            if (current.ParentId is not { } parentId || await FindAsync(parentId, cancellationToken) is not { } parent)
                break;
            current = parent;
        }
        return chain;
    }

    public ICaSigner GetSigner(CertificateAuthority ca) =>
        _signers.GetOrAdd(ca.Id, _ => new Lazy<SoftwareCaSigner>(
            () => new SoftwareCaSigner(ca.Id, ca.CertificateDer, ca.ProtectedPrivateKey, protector))).Value;

    /// <summary>
    /// What /cacerts answers (RFC 7030 §4.1.3): the CA certificate and, after a root key rollover, the NewWithOld and
    /// OldWithNew link certificates, so clients holding either root can validate certificates issued under both.
    /// </summary>
    public static IReadOnlyList<X509Certificate2> ChainOf(CertificateAuthority ca)
    {
        var chain = new List<X509Certificate2> { X509CertificateLoader.LoadCertificate(ca.CertificateDer) };
        if (ca.NewWithOldDer is not null)
            chain.Add(X509CertificateLoader.LoadCertificate(ca.NewWithOldDer));
        if (ca.OldWithNewDer is not null)
            chain.Add(X509CertificateLoader.LoadCertificate(ca.OldWithNewDer));
        return chain;
    }

    public void Dispose()
    {
        foreach (var signer in _signers.Values)
        {
            if (signer.IsValueCreated)
                signer.Value.Dispose();
        }
    }
}
