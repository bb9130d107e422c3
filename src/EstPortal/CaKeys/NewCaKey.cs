using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.CaKeys;

/// <summary>
/// A key a backend has just generated for a CA that has no certificate yet: the certificate factories certify it
/// through <see cref="ICaKey"/>, then the caller stores <see cref="Location"/> with the CA row. If the CA is not stored
/// after all, <see cref="Discard"/> removes the key from its store.
/// </summary>
public abstract class NewCaKey : ICaKey, IDisposable
{
    public abstract PublicKey PublicKey { get; }

    public abstract X509SignatureGenerator SignatureGenerator { get; }

    public abstract HashAlgorithmName HashAlgorithm { get; }

    /// <summary>What to store in the CA row.</summary>
    public abstract CaKeyLocation Location { get; }

    /// <summary>Removes the key from its store (an HSM keeps generated keys until deleted).</summary>
    public virtual void Discard()
    {
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
