using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;
using Microsoft.Extensions.Options;
using Net.Pkcs11Interop.Common;

namespace EstPortal.CaKeys.Pkcs11;

/// <summary>
/// CA keys in a PKCS#11 token (an HSM, or SoftHSM2 for a trial): generated inside the token, used through it, never
/// leaving it. The database row holds only a <see cref="Pkcs11KeyUri"/>.
/// </summary>
public sealed class Pkcs11CaKeyBackend(IOptions<Pkcs11Options> options, Pkcs11Token token) : ICaKeyBackend
{
    public string Store => CaKeyStores.Pkcs11;

    public string? Unusable => options.Value.IsConfigured
        ? null
        : "PKCS#11 is not configured (set EstPortal:Pkcs11:LibraryPath, TokenLabel and PinFile)";

    public ICaSigner Open(Guid caId, byte[] certificateDer, CaKeyLocation location)
    {
        var uri = Pkcs11KeyUri.Parse(location.KeyReference ?? throw new InvalidOperationException("an HSM CA has no key reference"));
        var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        try
        {
            var publicKey = token.Use(session => Pkcs11Keys.ReadPublicKey(session, uri.Id));
            EnsureSameKey(publicKey, certificate, uri.Label);
            return new Pkcs11CaSigner(caId, certificate, new Pkcs11SignatureGenerator(token, uri.Id, publicKey));
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    public NewCaKey Generate(CaKeyAlgorithm algorithm, string label) =>
        token.Use(session =>
        {
            var (_, id) = Pkcs11Keys.Generate(session, algorithm, label);
            var publicKey = Pkcs11Keys.ReadPublicKey(session, id);
            return new Pkcs11NewCaKey(token, new Pkcs11KeyUri(token.Label, label, id), publicKey, algorithm.HashAlgorithm());
        });

    public CaKeyLocation Adopt(X509Certificate2 certificate, string label)
    {
        var (id, publicKey) = token.Use(session =>
        {
            var keys = Pkcs11Keys.FindPrivateKeys(session, label);
            if (keys.Count != 1)
            {
                throw new CaImportException(keys.Count == 0
                    ? $"Token '{token.Label}' holds no private key labelled '{label}'."
                    : $"Token '{token.Label}' holds {keys.Count} private keys labelled '{label}'; give the CA key a unique label.");
            }
            var id = Pkcs11Keys.Id(session, keys[0]);
            return (id, Pkcs11Keys.ReadPublicKey(session, id));
        });
        try
        {
            EnsureSameKey(publicKey, certificate, label);
        }
        catch (InvalidOperationException ex)
        {
            throw new CaImportException(ex.Message);
        }
        // The public objects could have been copied next to another private key: a signature proves the pair.
        using var probe = new Pkcs11CaSigner(Guid.Empty, X509CertificateLoader.LoadCertificate(certificate.RawData),
            new Pkcs11SignatureGenerator(token, id, publicKey));
        if (SignerSelfTest.Run(probe) is { } failure)
            throw new CaImportException($"The key labelled '{label}' does not sign for this certificate: {failure}.");
        return new CaKeyLocation(Store, [], new Pkcs11KeyUri(token.Label, label, id).ToString());
    }

    private static void EnsureSameKey(PublicKey publicKey, X509Certificate2 certificate, string label)
    {
        if (!publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(certificate.PublicKey.ExportSubjectPublicKeyInfo()))
            throw new InvalidOperationException($"the key labelled '{label}' in the token does not match the public key of CA certificate '{certificate.Subject}'");
    }

    private sealed class Pkcs11NewCaKey(Pkcs11Token token, Pkcs11KeyUri uri, PublicKey publicKey, HashAlgorithmName hash) : NewCaKey
    {
        public override PublicKey PublicKey { get; } = publicKey;

        public override X509SignatureGenerator SignatureGenerator { get; } = new Pkcs11SignatureGenerator(token, uri.Id, publicKey);

        public override HashAlgorithmName HashAlgorithm { get; } = hash;

        public override CaKeyLocation Location { get; } = new(CaKeyStores.Pkcs11, [], uri.ToString());

        public override void Discard() =>
            token.Use(session =>
            {
                var f = session.Factories.ObjectAttributeFactory;
                foreach (var handle in session.FindAllObjects([f.Create(CKA.CKA_ID, uri.Id)]))
                    session.DestroyObject(handle);
                return 0;
            });
    }
}
