using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.CaKeys.Software;

/// <summary>
/// A CA whose key lives in process memory, decrypted once from its Data Protection payload. The key object never
/// leaves this class: callers get only the certificate and a signature generator. Only
/// <see cref="SoftwareCaKeyBackend"/> makes one in the app (ADR "CA key backends and PKCS#11").
/// </summary>
public sealed class SoftwareCaSigner : ICaSigner, IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    /// <exception cref="InvalidOperationException">The key does not belong to the certificate, or its type is unsupported.</exception>
    /// <exception cref="CryptographicException">The certificate or protected key cannot be read.</exception>
    public SoftwareCaSigner(Guid caId, byte[] certificateDer, byte[] protectedPkcs8, CaKeyProtector protector)
    {
        ArgumentNullException.ThrowIfNull(certificateDer);
        ArgumentNullException.ThrowIfNull(protectedPkcs8);
        ArgumentNullException.ThrowIfNull(protector);

        CaId = caId;
        Certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        try
        {
            _key = ImportKey(Certificate, protector, protectedPkcs8);
            try
            {
                EnsureKeyMatchesCertificate(_key, Certificate);
            }
            catch
            {
                _key.Dispose();
                throw;
            }
        }
        catch
        {
            Certificate.Dispose();
            throw;
        }

        SignatureGenerator = CaSigningKey.CreateSignatureGenerator(_key);
        HashAlgorithm = CaSigningKey.HashFor(_key);
    }

    public Guid CaId { get; }

    public X509Certificate2 Certificate { get; }

    public X509SignatureGenerator SignatureGenerator { get; }

    public HashAlgorithmName HashAlgorithm { get; }

    public byte[] SignDigest(byte[] digest) => CaSigningKey.SignDigest(_key, digest, HashAlgorithm);

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    private static AsymmetricAlgorithm ImportKey(X509Certificate2 certificate, CaKeyProtector protector, byte[] protectedPkcs8)
    {
        var pkcs8 = protector.Unprotect(protectedPkcs8);
        try
        {
            AsymmetricAlgorithm key = certificate.PublicKey.Oid.Value switch
            {
                PublicKeyAlgorithms.EcPublicKey => ECDsa.Create(),
                PublicKeyAlgorithms.Rsa => RSA.Create(),
                var other => throw new InvalidOperationException(
                    $"CA certificate key algorithm {PublicKeyAlgorithms.Describe(other)} is not supported"),
            };
            try
            {
                key.ImportPkcs8PrivateKey(pkcs8, out var bytesRead);
                if (bytesRead != pkcs8.Length)
                {
                    throw new CryptographicException("the CA private key has trailing data");
                }

                return key;
            }
            catch (CryptographicException ex)
            {
                // Typically an RSA key stored for an EC certificate (or the reverse): a mismatch, not corruption of
                // the Data Protection payload (that fails earlier, in Unprotect).
                key.Dispose();
                throw new InvalidOperationException(
                    $"the private key does not match the {PublicKeyAlgorithms.Describe(certificate.PublicKey.Oid.Value)} " +
                    $"public key of CA certificate '{certificate.Subject}'", ex);
            }
            catch
            {
                key.Dispose();
                throw;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>
    /// Signs a probe with the private key and verifies it with the certificate's public key. Comparing encodings
    /// could be fooled by equivalent forms (compressed points, parameters); a signature that verifies cannot.
    /// A swapped key in the database would otherwise produce certificates no client can verify.
    /// </summary>
    private static void EnsureKeyMatchesCertificate(AsymmetricAlgorithm key, X509Certificate2 certificate)
    {
        ReadOnlySpan<byte> probe = "EstPortal CA key check"u8;
        bool matches = key switch
        {
            ECDsa ecdsa => VerifyEcdsa(ecdsa, certificate, probe),
            RSA rsa => VerifyRsa(rsa, certificate, probe),
            _ => false,
        };

        if (!matches)
        {
            throw new InvalidOperationException(
                $"the private key does not match the public key of CA certificate '{certificate.Subject}'");
        }
    }

    private static bool VerifyEcdsa(ECDsa key, X509Certificate2 certificate, ReadOnlySpan<byte> probe)
    {
        using var publicKey = certificate.GetECDsaPublicKey();
        if (publicKey is null)
        {
            return false;
        }

        var signature = key.SignData(probe, HashAlgorithmName.SHA256);
        return publicKey.VerifyData(probe, signature, HashAlgorithmName.SHA256);
    }

    private static bool VerifyRsa(RSA key, X509Certificate2 certificate, ReadOnlySpan<byte> probe)
    {
        using var publicKey = certificate.GetRSAPublicKey();
        if (publicKey is null)
        {
            return false;
        }

        var signature = key.SignData(probe, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return publicKey.VerifyData(probe, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
