using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.CaKeys.Software;

/// <summary>
/// CA keys in the database: generated with System.Security.Cryptography, stored as PKCS#8 encrypted with Data
/// Protection (<see cref="CaKeyProtector"/>), decrypted into process memory when a signer is opened.
/// </summary>
public sealed class SoftwareCaKeyBackend(CaKeyProtector protector) : ICaKeyBackend
{
    public string Store => CaKeyStores.Software;

    public string? Unusable => null;

    public ICaSigner Open(Guid caId, byte[] certificateDer, CaKeyLocation location) =>
        new SoftwareCaSigner(caId, certificateDer, location.ProtectedPrivateKey, protector);

    public NewCaKey Generate(CaKeyAlgorithm algorithm, string label) => new SoftwareNewCaKey(algorithm.GenerateKey(), algorithm, protector);

    /// <summary>A software store has no keys of its own to adopt: imported software keys arrive as PKCS#8 (<see cref="Protect"/>).</summary>
    public CaKeyLocation Adopt(X509Certificate2 certificate, string label) =>
        throw new CaImportException("Software CA keys are imported with the certificate (PEM key or PKCS#12), not by label.");

    /// <summary>The location of an imported clear PKCS#8 key; zeroes <paramref name="pkcs8"/>.</summary>
    public CaKeyLocation Protect(byte[] pkcs8)
    {
        try
        {
            return new CaKeyLocation(Store, protector.Protect(pkcs8), KeyReference: null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private sealed class SoftwareNewCaKey : NewCaKey
    {
        private readonly AsymmetricAlgorithm _key;

        public SoftwareNewCaKey(AsymmetricAlgorithm key, CaKeyAlgorithm algorithm, CaKeyProtector protector)
        {
            _key = key;
            PublicKey = new PublicKey(key);
            SignatureGenerator = CaSigningKey.CreateSignatureGenerator(key);
            HashAlgorithm = algorithm.HashAlgorithm();
            var pkcs8 = key.ExportPkcs8PrivateKey();
            try
            {
                Location = new CaKeyLocation(CaKeyStores.Software, protector.Protect(pkcs8), KeyReference: null);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }

        public override PublicKey PublicKey { get; }

        public override X509SignatureGenerator SignatureGenerator { get; }

        public override HashAlgorithmName HashAlgorithm { get; }

        public override CaKeyLocation Location { get; }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _key.Dispose();
            base.Dispose(disposing);
        }
    }
}
