using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Pki;

/// <summary>
/// Device certificates are written by <see cref="CertificateEncoder"/> rather than CertificateRequest.Create (ADR 0010).
/// The platform's builder is the reference: for the same inputs the signed TBSCertificate must be the same bytes, and
/// the signature must verify with the CA's key.
/// </summary>
public sealed class CertificateEncoderTests : IDisposable
{
    private readonly FakeTimeProvider _clock = TestPki.Clock();
    private readonly SoftwareCaSigner _ecCa;
    private readonly SoftwareCaSigner _rsaCa;

    public CertificateEncoderTests()
    {
        _ecCa = TestPki.CreateCa(_clock);
        _rsaCa = TestPki.CreateCa(_clock, CaKeyAlgorithm.Rsa2048);
    }

    public void Dispose()
    {
        _ecCa.Dispose();
        _rsaCa.Dispose();
    }

    public static TheoryData<bool, int, string> Cases => new()
    {
        // CA kind, year of notAfter (UTCTime until 2049, GeneralizedTime from 2050, RFC 5280 §4.1.2.5), serial
        { false, 2031, "4F1E2D3C4B5A69788796A5B4C3D2E1F0" },
        { true, 2031, "4F1E2D3C4B5A69788796A5B4C3D2E1F0" },
        { false, 2049, "01" },
        { false, 2050, "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" },
        { true, 2061, "0000A1" },   // leading zero octets: dropped, then a 0x00 pad because the top bit is set
        { false, 2035, "80" },      // top bit set: written with a 0x00 pad, as an unsigned number
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_WritesTheSameTbsCertificateAsThePlatform_AndTheSignatureVerifies(bool rsaCa, int notAfterYear, string serialHex)
    {
        var ca = rsaCa ? _rsaCa : _ecCa;
        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var subject = new X500DistinguishedName("CN=device-42, O=Example, C=DE");
        var serial = Convert.FromHexString(serialHex);
        var notBefore = new DateTimeOffset(2026, 11, 27, 10, 11, 12, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(notAfterYear, 3, 4, 5, 6, 7, TimeSpan.Zero);
        X509Extension[] extensions =
        [
            new X509BasicConstraintsExtension(false, false, 0, critical: true),
            new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true),
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false),
            new X509SubjectKeyIdentifierExtension(new PublicKey(deviceKey), critical: false),
            SanWith("device-42.example"),
        ];

        var ours = CertificateEncoder.Sign(ca.Certificate.SubjectName, ca.SignatureGenerator, ca.HashAlgorithm, serial,
            notBefore, notAfter, subject, deviceKey.ExportSubjectPublicKeyInfo(), extensions);

        var platformRequest = new CertificateRequest(subject, new PublicKey(deviceKey), ca.HashAlgorithm);
        foreach (var extension in extensions)
            platformRequest.CertificateExtensions.Add(extension);
        using var platform = platformRequest.Create(ca.Certificate.SubjectName, ca.SignatureGenerator, notBefore, notAfter, serial);

        var (oursTbs, oursAlgorithm, oursSignature) = Split(ours);
        var (platformTbs, platformAlgorithm, _) = Split(platform.RawData);
        Assert.Equal(Convert.ToHexString(platformTbs), Convert.ToHexString(oursTbs));
        Assert.Equal(platformAlgorithm, oursAlgorithm);

        using var decoded = X509CertificateLoader.LoadCertificate(ours);
        Assert.Equal(Convert.ToHexString(platform.SerialNumberBytes.ToArray()), Convert.ToHexString(decoded.SerialNumberBytes.ToArray()));
        Assert.Equal(notAfter.UtcDateTime, decoded.NotAfter.ToUniversalTime());
        Assert.True(VerifiesWith(ca.Certificate, oursTbs, oursSignature), "the signature does not verify with the CA key");
    }

    [Fact]
    public void Sign_TheSameExtensionTwice_IsRefused()
    {
        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        X509Extension[] twice =
        [
            new X509BasicConstraintsExtension(false, false, 0, critical: true),
            new X509BasicConstraintsExtension(false, false, 0, critical: false),
        ];

        var ex = Assert.Throws<ArgumentException>(() => CertificateEncoder.Sign(_ecCa.Certificate.SubjectName, _ecCa.SignatureGenerator,
            _ecCa.HashAlgorithm, [0x11], _clock.GetUtcNow(), _clock.GetUtcNow().AddDays(1), new X500DistinguishedName("CN=x"),
            deviceKey.ExportSubjectPublicKeyInfo(), twice));

        Assert.Contains("2.5.29.19 appears more than once", ex.Message);
    }

    private static X509Extension SanWith(string dnsName)
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddDnsName(dnsName);
        return builder.Build();
    }

    private static (byte[] Tbs, byte[] Algorithm, byte[] Signature) Split(byte[] certificate)
    {
        var reader = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadEncodedValue().ToArray();
        var algorithm = reader.ReadEncodedValue().ToArray();
        var signature = reader.ReadBitString(out var unused);
        Assert.Equal(0, unused);
        reader.ThrowIfNotEmpty();
        return (tbs, algorithm, signature);
    }

    private static bool VerifiesWith(X509Certificate2 ca, byte[] tbs, byte[] signature)
    {
        if (ca.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
                return ec.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }

        using var rsa = ca.GetRSAPublicKey()!;
        return rsa.VerifyData(tbs, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
