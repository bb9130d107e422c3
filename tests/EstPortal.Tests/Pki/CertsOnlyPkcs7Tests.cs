using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Org.BouncyCastle.Cms;

namespace EstPortal.Tests.Pki;

public sealed class CertsOnlyPkcs7Tests : IDisposable
{
    private readonly SoftwareCaSigner _ca = TestPki.CreateCa(TestPki.Clock(), subject: "CN=Pkcs7 Root CA");
    private readonly X509Certificate2 _device;

    public CertsOnlyPkcs7Tests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.Csr(key, "CN=pkcs7-device");
        _device = new CertificateIssuer(TestPki.Clock(), new SerialNumberGenerator(TimeProvider.System))
            .Issue(_ca, new IssuanceRequest(csr, csr.SubjectName, null, TimeSpan.FromDays(1), CertificatePurpose.ClientAuth))
            .Certificate;
    }

    public void Dispose()
    {
        _ca.Dispose();
        _device.Dispose();
    }

    [Fact]
    public void Encode_TwoCertificates_DecodesAsUnsignedSignedDataWithBoth()
    {
        var der = CertsOnlyPkcs7.Encode([_device, _ca.Certificate]);

        // An independent CMS implementation reads it back.
        var cms = new CmsSignedData(der);
        Assert.Empty(cms.GetSignerInfos().GetSigners());
        Assert.Equal("1.2.840.113549.1.7.1", cms.SignedContentType.Id);
        Assert.Null(cms.SignedContent);
        Assert.Equal(1, cms.Version);
        Assert.Equal(
            new[] { _ca.Certificate.Thumbprint, _device.Thumbprint }.Order(),
            cms.GetCertificates().EnumerateMatches(null).Select(c => Convert.ToHexString(SHA1.HashData(c.GetEncoded()))).Order());
    }

    [Fact]
    public void Encode_NoCertificates_IsStillAValidMessage()
    {
        var cms = new CmsSignedData(CertsOnlyPkcs7.Encode([]));

        Assert.Empty(cms.GetCertificates().EnumerateMatches(null));
    }

    [RequiresToolFact("openssl")]
    public async Task DecodeDer_WhatOpenSslWrites_GivesBackEveryCertificate()
    {
        // openssl crl2pkcs7 writes the certs-only message a third-party EST server would answer with.
        using var workspace = new ToolWorkspace();
        var pem = workspace.Write("chain.pem", _device.ExportCertificatePem() + "\n" + _ca.Certificate.ExportCertificatePem() + "\n");
        var result = await ExternalTool.RunAsync("openssl", ["crl2pkcs7", "-nocrl", "-certfile", pem, "-outform", "DER", "-out", workspace.PathOf("chain.p7")],
            null, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.Stderr);

        var certificates = CertsOnlyPkcs7.DecodeDer(File.ReadAllBytes(workspace.PathOf("chain.p7")));

        Assert.Equal(new[] { _device.Thumbprint, _ca.Certificate.Thumbprint }.Order(),
            certificates.Select(c => X509CertificateLoader.LoadCertificate(c).Thumbprint).Order());
    }

    [Fact]
    public void DecodeDer_OfEncode_RoundTrips_AndSomethingElseIsRefused()
    {
        Assert.Equal(2, CertsOnlyPkcs7.DecodeDer(CertsOnlyPkcs7.Encode([_device, _ca.Certificate])).Count);
        Assert.Empty(CertsOnlyPkcs7.DecodeDer(CertsOnlyPkcs7.Encode([])));
        Assert.Throws<System.Formats.Asn1.AsnContentException>(() => CertsOnlyPkcs7.DecodeDer(_device.RawData));
    }

    [RequiresToolFact("openssl")]
    public async Task Encode_TwoCertificates_OpenSslPrintsBoth()
    {
        var der = CertsOnlyPkcs7.Encode([_device, _ca.Certificate]);

        var result = await ExternalTool.RunWithBinaryStdinAsync(
            "openssl", ["pkcs7", "-inform", "DER", "-print_certs", "-noout"], der, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("subject=CN=pkcs7-device", result.Stdout.Replace(" = ", "=", StringComparison.Ordinal));
        Assert.Contains("subject=CN=Pkcs7 Root CA", result.Stdout.Replace(" = ", "=", StringComparison.Ordinal));
    }

    [RequiresToolFact("openssl")]
    public async Task Encode_OpenSslReEncodes_ToTheSameBytes()
    {
        // openssl parses and re-serialises the structure; identical output means our DER is canonical.
        var der = CertsOnlyPkcs7.Encode([_ca.Certificate, _device]);

        var result = await ExternalTool.RunWithBinaryStdinAsync(
            "openssl", ["pkcs7", "-inform", "DER", "-outform", "PEM"], der, TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var fields = PemEncoding.Find(result.Stdout);
        Assert.Equal(der, Convert.FromBase64String(result.Stdout[fields.Base64Data]));
    }
}
