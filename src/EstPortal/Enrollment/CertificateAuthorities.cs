using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// Finds CAs and keeps, per CA, what EST requests need in memory: the signer (from <see cref="CaKeyBackends"/>, which
/// opens it once per process) and the encoded /cacerts answer. Both may be kept for the life of the process
/// because a CA row's certificate material never changes once written: the certificate, key, parent, imported chain and
/// rollover links are set when the row is created, and a rollover creates a new row (new id) rather than editing one.
/// What does change — name, default flag, retirement — is never taken from these caches.
/// </summary>
public sealed class CertificateAuthorities(IDbContextFactory<EstPortalDbContext> contexts, CaKeyBackends backends)
{
    private readonly ConcurrentDictionary<Guid, byte[]> _caCerts = new();
    // The key material of a CA row never changes (see above), so the row a signer was opened from may be kept too.
    private readonly ConcurrentDictionary<Guid, CertificateAuthority> _rows = new();

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

    /// <summary>The signer of CA <paramref name="caId"/>; the database is read only the first time. Null for no such CA.</summary>
    /// <exception cref="CaKeyUnavailableException">The CA's key store cannot be reached now.</exception>
    public async Task<ICaSigner?> SignerAsync(Guid caId, CancellationToken cancellationToken = default)
    {
        if (_rows.TryGetValue(caId, out var known))
            return backends.SignerFor(known);
        if (await FindAsync(caId, cancellationToken) is not { } ca)
            return null;
        return backends.SignerFor(_rows.GetOrAdd(caId, ca));
    }

    /// <summary>
    /// The certs-only PKCS#7 (DER) that /cacerts answers for CA <paramref name="caId"/> (RFC 7030 §4.1.3): built once from
    /// <see cref="ChainAsync"/>, then served from memory. Null for no such CA.
    /// </summary>
    public async Task<byte[]?> CaCertsAsync(Guid caId, CancellationToken cancellationToken = default)
    {
        if (_caCerts.TryGetValue(caId, out var cached))
            return cached;
        if (await FindAsync(caId, cancellationToken) is not { } ca)
            return null;
        var chain = await ChainAsync(ca, cancellationToken);
        try
        {
            return _caCerts.GetOrAdd(caId, CertsOnlyPkcs7.Encode(chain));
        }
        finally
        {
            foreach (var certificate in chain)
                certificate.Dispose();
        }
    }

    /// <exception cref="CaKeyUnavailableException">The CA's key store cannot be reached now.</exception>
    public ICaSigner GetSigner(CertificateAuthority ca) => backends.SignerFor(ca);

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
}
