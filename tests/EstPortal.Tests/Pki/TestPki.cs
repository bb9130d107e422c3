using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Pki;

/// <summary>Builds CAs and CSRs the way the app does, for tests.</summary>
internal static class TestPki
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Now);

    /// <summary>The key ring software CA keys made by <see cref="NewSoftwareKey"/> are protected with.</summary>
    public static readonly CaKeyProtector Protector = new(new EphemeralDataProtectionProvider());

    /// <summary>A new CA key from the software backend, as the app makes one.</summary>
    public static NewCaKey NewSoftwareKey(CaKeyAlgorithm algorithm = CaKeyAlgorithm.EcP256) =>
        new SoftwareCaKeyBackend(Protector).Generate(algorithm, "test");

    public static SoftwareCaSigner CreateCa(
        TimeProvider time,
        CaKeyAlgorithm algorithm = CaKeyAlgorithm.EcP256,
        TimeSpan? validity = null,
        string subject = "CN=Test Root CA")
    {
        using var key = NewSoftwareKey(algorithm);
        using var certificate = new RootCaFactory(time, new SerialNumberGenerator(TimeProvider.System))
            .CreateRoot(subject, key, validity ?? RootCaFactory.DefaultValidity);
        return new SoftwareCaSigner(Guid.NewGuid(), certificate.RawData, key.Location.ProtectedPrivateKey, Protector);
    }

    /// <summary>A signed PKCS#10 request as a device would send it, loaded the way CsrLoader does.</summary>
    public static CertificateRequest Csr(AsymmetricAlgorithm key, string subject = "CN=device-1", Action<CertificateRequest>? extend = null)
    {
        var der = CsrDer(key, subject, extend);
        return new CsrLoader().Load(der);
    }

    public static byte[] CsrDer(AsymmetricAlgorithm key, string subject = "CN=device-1", Action<CertificateRequest>? extend = null)
    {
        var request = key switch
        {
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new NotSupportedException(),
        };
        extend?.Invoke(request);
        return request.CreateSigningRequest();
    }

    public static X509Extension DnsSan(params string[] names)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            builder.AddDnsName(name);
        }

        return builder.Build();
    }

    /// <summary>Builds a chain to <paramref name="root"/> only, at the fake clock's time.</summary>
    public static X509Chain ChainTo(X509Certificate2 root, DateTimeOffset at, params Oid[] applicationPolicies)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        foreach (var policy in applicationPolicies)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(policy);
        }

        return chain;
    }

    public static string ChainStatus(X509Chain chain) =>
        string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation}"));
}
