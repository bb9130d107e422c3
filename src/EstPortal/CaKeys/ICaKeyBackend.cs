using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.CaKeys;

/// <summary>
/// One place a CA key may live. A backend opens signers for stored CAs, generates keys for new ones and adopts keys
/// that are already in its store. Only <see cref="CaKeyBackends"/> calls it.
/// </summary>
public interface ICaKeyBackend
{
    /// <summary>The <see cref="CaKeyStores"/> value this backend serves.</summary>
    string Store { get; }

    /// <summary>Why this backend cannot be used (e.g. PKCS#11 is not configured); null when it can.</summary>
    string? Unusable { get; }

    /// <exception cref="InvalidOperationException">The key does not match the certificate or cannot be found.</exception>
    ICaSigner Open(Guid caId, byte[] certificateDer, CaKeyLocation location);

    /// <param name="label">A name for the key in its store (the CA's name), so an operator recognises it there.</param>
    NewCaKey Generate(CaKeyAlgorithm algorithm, string label);

    /// <summary>Finds the key named <paramref name="label"/> in the store and checks it belongs to <paramref name="certificate"/>.</summary>
    /// <exception cref="CaImportException">No such key, several, or it does not match the certificate.</exception>
    CaKeyLocation Adopt(X509Certificate2 certificate, string label);
}
