using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data.Entities;
using EstPortal.Pki;

namespace EstPortal.CaKeys;

/// <summary>
/// The one registry of CA key backends: every <see cref="ICaSigner"/> in the app comes from here, from the backend the
/// CA's row names (software or PKCS#11), and every new CA key is generated here. Signers are opened once per CA and
/// kept for the life of the process: a CA row's certificate and key location never change once written (a rollover
/// makes a new row). What a signer caches is its own business: the software signer keeps the decrypted key, the
/// PKCS#11 signer only the key's handle and public key.
/// </summary>
public sealed class CaKeyBackends : IDisposable
{
    private readonly Dictionary<string, ICaKeyBackend> _backends;
    private readonly ConcurrentDictionary<Guid, Lazy<ICaSigner>> _signers = new();

    public CaKeyBackends(IEnumerable<ICaKeyBackend> backends)
    {
        _backends = backends.ToDictionary(b => b.Store, StringComparer.Ordinal);
    }

    /// <summary>Why <paramref name="store"/> cannot hold new keys (unknown, or PKCS#11 not configured); null when it can.</summary>
    public string? Unusable(string store) =>
        _backends.TryGetValue(store, out var backend) ? backend.Unusable : $"unknown CA key store '{store}' (use {string.Join(" or ", CaKeyStores.All)})";

    /// <summary>The signer of <paramref name="ca"/>, opened on first use.</summary>
    /// <exception cref="CaKeyUnavailableException">The key's store cannot be reached now (e.g. the HSM is down).</exception>
    public ICaSigner SignerFor(CertificateAuthority ca)
    {
        var lazy = _signers.GetOrAdd(ca.Id, _ => new Lazy<ICaSigner>(() => Open(ca.Id, ca.CertificateDer, CaKeyLocation.Of(ca))));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Lazy caches exceptions: forget the failed attempt so the next request tries again (the HSM may be back).
            _signers.TryRemove(new KeyValuePair<Guid, Lazy<ICaSigner>>(ca.Id, lazy));
            throw;
        }
    }

    /// <summary>A signer for a CA being created (rollover), before its row is stored; cached under <paramref name="caId"/>.</summary>
    public ICaSigner SignerFor(Guid caId, X509Certificate2 certificate, CaKeyLocation location) =>
        _signers.GetOrAdd(caId, _ => new Lazy<ICaSigner>(() => Open(caId, certificate.RawData, location))).Value;

    /// <exception cref="InvalidOperationException">The store cannot hold new keys (<see cref="Unusable"/>).</exception>
    public NewCaKey Generate(string store, CaKeyAlgorithm algorithm, string label) => Backend(store).Generate(algorithm, label);

    /// <exception cref="CaImportException">No such key in the store, or it does not match the certificate.</exception>
    public CaKeyLocation Adopt(string store, X509Certificate2 certificate, string label)
    {
        if (Unusable(store) is { } why)
            throw new CaImportException(why);
        return _backends[store].Adopt(certificate, label);
    }

    /// <summary>Stores an imported clear PKCS#8 key with the software backend; zeroes <paramref name="pkcs8"/>.</summary>
    public CaKeyLocation ProtectImported(byte[] pkcs8) =>
        ((Software.SoftwareCaKeyBackend)_backends[CaKeyStores.Software]).Protect(pkcs8);

    public void Dispose()
    {
        foreach (var signer in _signers.Values)
        {
            if (signer.IsValueCreated && signer.Value is IDisposable disposable)
                disposable.Dispose();
        }
    }

    private ICaSigner Open(Guid caId, byte[] certificateDer, CaKeyLocation location)
    {
        // A CA whose store is not configured (e.g. an HSM CA on an instance started without PKCS#11 settings) cannot
        // sign here now; that is an outage to report, not a bad request.
        if (Unusable(location.Store) is { } why)
            throw new CaKeyUnavailableException($"the CA key cannot be used: {why}", retryAfterSeconds: 60);
        return _backends[location.Store].Open(caId, certificateDer, location);
    }

    private ICaKeyBackend Backend(string store)
    {
        if (Unusable(store) is { } why)
            throw new InvalidOperationException(why);
        return _backends[store];
    }
}
