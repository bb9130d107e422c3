using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// A CA brought in from outside: its certificate, its private key as clear PKCS#8 (the caller protects, stores and
/// zeroes it) and the certificates above it that came along (issuer first).
/// </summary>
public sealed record ImportedCa(X509Certificate2 Certificate, byte[] Pkcs8PrivateKey, IReadOnlyList<X509Certificate2> Chain, string KeyAlgorithm);

/// <summary>
/// Reads and checks a CA to import (PEM certificate + PEM key, or PKCS#12): the key must belong to the certificate,
/// the certificate must be a CA that may sign certificates, and it must be valid now. Every failure is a
/// <see cref="CaImportException"/> with a message the operator can act on.
/// </summary>
public static class CaImport
{
    public static ImportedCa FromPem(string certificatePem, string privateKeyPem, string? keyPassword, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(privateKeyPem) && !string.IsNullOrWhiteSpace(certificatePem))
            throw new CaImportException("Paste the CA private key (PEM).");
        var certificates = ReadCertificates(certificatePem);
        var certificate = certificates[0];
        using var key = ReadPemKey(certificate, privateKeyPem, keyPassword);
        return Check(certificate, key, certificates.Skip(1).ToList(), now);
    }

    private static X509Certificate2Collection ReadCertificates(string certificatePem)
    {
        if (string.IsNullOrWhiteSpace(certificatePem))
            throw new CaImportException("Paste the CA certificate (PEM).");
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(certificatePem);
        }
        catch (CryptographicException ex)
        {
            throw new CaImportException($"The certificate PEM cannot be read: {ex.Message}");
        }
        if (certificates.Count == 0)
            throw new CaImportException("No '-----BEGIN CERTIFICATE-----' block was found in the certificate field.");
        return certificates;
    }

    /// <summary>
    /// A CA certificate (+ chain) whose key is elsewhere (in an HSM token): the same CA checks, no key. The caller
    /// checks the key against the certificate where it lives. <see cref="ImportedCa.Pkcs8PrivateKey"/> is empty.
    /// </summary>
    public static ImportedCa CertificateOnlyFromPem(string certificatePem, DateTimeOffset now)
    {
        var certificates = ReadCertificates(certificatePem);
        var certificate = certificates[0];
        if (certificate.PublicKey.Oid.Value is not (PublicKeyAlgorithms.EcPublicKey or PublicKeyAlgorithms.Rsa))
            throw new CaImportException($"The certificate has a {PublicKeyAlgorithms.Describe(certificate.PublicKey.Oid.Value)} key; only EC and RSA CAs can be imported.");
        return new ImportedCa(certificate, [], CheckCertificate(certificate, certificates.Skip(1).ToList(), now), DescribeKey(certificate));
    }

    public static ImportedCa FromPkcs12(byte[] pkcs12, string? password, DateTimeOffset now)
    {
        if (pkcs12.Length == 0)
            throw new CaImportException("Choose a PKCS#12 (.p12/.pfx) file.");
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(pkcs12, password, X509KeyStorageFlags.EphemeralKeySet | X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException)
        {
            throw new CaImportException("The PKCS#12 file cannot be opened: wrong password, or not a PKCS#12 file.");
        }
        var withKey = all.Where(c => c.HasPrivateKey).ToList();
        if (withKey.Count != 1)
            throw new CaImportException(withKey.Count == 0
                ? "The PKCS#12 file holds no private key."
                : "The PKCS#12 file holds several private keys; export only the CA's.");
        var certificate = withKey[0];
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new CaImportException("Only EC and RSA CA keys can be imported.");
        var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        return Check(publicOnly, key, all.Where(c => !c.HasPrivateKey).ToList(), now);
    }

    /// <summary>DER certificates concatenated (how <c>ChainDer</c> stores the chain of an imported CA).</summary>
    public static byte[] ConcatenateDer(IEnumerable<X509Certificate2> certificates) =>
        certificates.SelectMany(c => c.RawData).ToArray();

    public static IReadOnlyList<X509Certificate2> SplitDer(byte[]? concatenated)
    {
        var list = new List<X509Certificate2>();
        var rest = concatenated.AsSpan();
        while (rest.Length > 0)
        {
            AsnDecoder.ReadEncodedValue(rest, AsnEncodingRules.DER, out _, out _, out var length);
            list.Add(X509CertificateLoader.LoadCertificate(rest[..length]));
            rest = rest[length..];
        }
        return list;
    }

    /// <summary>"EC P-256", "RSA 3072": the same labels CAs created here carry.</summary>
    public static string DescribeKey(X509Certificate2 certificate)
    {
        if (certificate.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                return "EC " + (ec.KeySize switch { 256 => "P-256", 384 => "P-384", 521 => "P-521", var n => n + " bits" });
            }
        }
        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return "RSA " + rsa.KeySize;
            }
        }
        return PublicKeyAlgorithms.Describe(certificate.PublicKey.Oid.Value);
    }

    private static AsymmetricAlgorithm ReadPemKey(X509Certificate2 certificate, string pem, string? password)
    {
        AsymmetricAlgorithm key = certificate.PublicKey.Oid.Value switch
        {
            PublicKeyAlgorithms.EcPublicKey => ECDsa.Create(),
            PublicKeyAlgorithms.Rsa => RSA.Create(),
            var other => throw new CaImportException($"The certificate has a {PublicKeyAlgorithms.Describe(other)} key; only EC and RSA CAs can be imported."),
        };
        try
        {
            if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(password))
                    throw new CaImportException("The private key is encrypted: enter its password.");
                key.ImportFromEncryptedPem(pem, password);
            }
            else
            {
                key.ImportFromPem(pem);
            }
            return key;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new CaImportException(
                $"The private key cannot be read as a {PublicKeyAlgorithms.Describe(certificate.PublicKey.Oid.Value)} key in PEM (wrong type, wrong password or damaged).");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static ImportedCa Check(X509Certificate2 certificate, AsymmetricAlgorithm key, IReadOnlyList<X509Certificate2> rest, DateTimeOffset now)
    {
        if (!KeyMatches(certificate, key))
            throw new CaImportException("The private key does not belong to the certificate.");
        var chain = CheckCertificate(certificate, rest, now);
        return new ImportedCa(certificate, key switch
        {
            ECDsa ecdsa => ecdsa.ExportPkcs8PrivateKey(),
            RSA rsa => rsa.ExportPkcs8PrivateKey(),
            _ => throw new CaImportException("Only EC and RSA CA keys can be imported."),
        }, chain, DescribeKey(certificate));
    }

    /// <summary>The CA rules every imported certificate meets; returns the certificates above it, issuer first.</summary>
    private static List<X509Certificate2> CheckCertificate(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> rest, DateTimeOffset now)
    {
        // RFC 5280 §4.2.1.9: only cA=TRUE may sign certificates; §4.2.1.3: a CA certificate MUST carry keyUsage with keyCertSign.
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            throw new CaImportException("The certificate is not a CA: basicConstraints does not say CA:TRUE.");
        if (certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is not { } usage
            || !usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign))
            throw new CaImportException("The certificate may not sign certificates: keyUsage lacks keyCertSign.");
        if (now >= CertificateTimes.NotAfter(certificate))
            throw new CaImportException($"The certificate expired on {CertificateTimes.NotAfter(certificate):yyyy-MM-dd}.");
        if (now < CertificateTimes.NotBefore(certificate))
            throw new CaImportException($"The certificate is not valid before {CertificateTimes.NotBefore(certificate):yyyy-MM-dd HH:mm} UTC.");

        // Keep the certificates that sit above it, issuer first, in the order the chain goes up.
        var chain = new List<X509Certificate2>();
        var current = certificate;
        while (!current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)
               && rest.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) && !chain.Contains(c)) is { } issuer)
        {
            chain.Add(X509CertificateLoader.LoadCertificate(issuer.RawData));
            current = issuer;
        }
        return chain;
    }

    /// <summary>A signature made with the key must verify with the certificate (as the software signer checks).</summary>
    private static bool KeyMatches(X509Certificate2 certificate, AsymmetricAlgorithm key)
    {
        ReadOnlySpan<byte> probe = "EstPortal CA import check"u8;
        switch (key)
        {
            case ECDsa ecdsa:
            {
                using var publicKey = certificate.GetECDsaPublicKey();
                return publicKey is not null && publicKey.VerifyData(probe, ecdsa.SignData(probe, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256);
            }
            case RSA rsa:
            {
                using var publicKey = certificate.GetRSAPublicKey();
                return publicKey is not null && publicKey.VerifyData(probe, rsa.SignData(probe, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                    HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
            default:
                return false;
        }
    }
}

/// <summary>A CA import refused; the message is for the operator.</summary>
public sealed class CaImportException(string message) : Exception(message);
