using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Pki;

/// <summary>CRL Distribution Points (RFC 5280 §4.2.1.13) and Authority Information Access (RFC 5280 §4.2.2.1).</summary>
public sealed class CertificateIssuerRevocationPointersTests : IDisposable
{
    private const string CrlUrl = "http://pki.example.com/crl/test-root.crl";
    private const string OcspUrl = "http://pki.example.com/ocsp";
    private const string CaIssuersUrl = "http://pki.example.com/ca/test-root.cer";
    private const string CrlDistributionPointsOid = "2.5.29.31";

    private readonly FakeTimeProvider _clock = TestPki.Clock();
    private readonly SoftwareCaSigner _ca;
    private readonly CertificateIssuer _issuer;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public CertificateIssuerRevocationPointersTests()
    {
        _ca = TestPki.CreateCa(_clock);
        _issuer = new CertificateIssuer(_clock, new SerialNumberGenerator(TimeProvider.System));
    }

    public void Dispose()
    {
        _key.Dispose();
        _ca.Dispose();
    }

    [Fact]
    public void Issue_WithoutUrls_HasNeitherExtension()
    {
        using var cert = _issuer.Issue(_ca, Request()).Certificate;

        Assert.DoesNotContain(cert.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == CrlDistributionPointsOid);
        Assert.Empty(cert.Extensions.OfType<X509AuthorityInformationAccessExtension>());
    }

    [Fact]
    public void Issue_WithAllUrls_HasNonCriticalCdpAndAia()
    {
        var request = Request() with { CrlDistributionPointUrl = CrlUrl, OcspUrl = OcspUrl, CaIssuersUrl = CaIssuersUrl };

        using var cert = _issuer.Issue(_ca, request).Certificate;

        var cdp = Assert.Single(cert.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == CrlDistributionPointsOid);
        Assert.False(cdp.Critical);
        Assert.Contains(CrlUrl, new AsnEncodedData(cdp.Oid, cdp.RawData).Format(false));
        var aia = Assert.Single(cert.Extensions.OfType<X509AuthorityInformationAccessExtension>());
        Assert.False(aia.Critical);
        Assert.Equal([OcspUrl], aia.EnumerateOcspUris());
        Assert.Equal([CaIssuersUrl], aia.EnumerateCAIssuersUris());
    }

    [Fact]
    public void Issue_OnlyOcspUrl_HasAiaWithoutCaIssuersAndNoCdp()
    {
        using var cert = _issuer.Issue(_ca, Request() with { OcspUrl = OcspUrl }).Certificate;

        var aia = Assert.Single(cert.Extensions.OfType<X509AuthorityInformationAccessExtension>());
        Assert.Equal([OcspUrl], aia.EnumerateOcspUris());
        Assert.Empty(aia.EnumerateCAIssuersUris());
        Assert.DoesNotContain(cert.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == CrlDistributionPointsOid);
    }

    [Theory]
    [InlineData("pki.example.com/crl")]
    [InlineData("ftp://pki.example.com/crl")]
    [InlineData("")]
    public void Issue_InvalidUrl_IsRefusedBeforeSigning(string url)
    {
        Assert.Throws<ArgumentException>(() => _issuer.Issue(_ca, Request() with { CrlDistributionPointUrl = url }));
        Assert.Throws<ArgumentException>(() => _issuer.Issue(_ca, Request() with { OcspUrl = url }));
        Assert.Throws<ArgumentException>(() => _issuer.Issue(_ca, Request() with { CaIssuersUrl = url }));
    }

    [RequiresToolFact("openssl")]
    public async Task Issue_WithAllUrls_OpenSslShowsThem()
    {
        var request = Request() with { CrlDistributionPointUrl = CrlUrl, OcspUrl = OcspUrl, CaIssuersUrl = CaIssuersUrl };
        using var cert = _issuer.Issue(_ca, request).Certificate;

        var result = await ExternalTool.RunAsync("openssl", ["x509", "-noout", "-text"], cert.ExportCertificatePem(), ExternalTool.DefaultTimeout);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches($@"X509v3 CRL Distribution Points:\s+Full Name:\s+URI:{CrlUrl}", result.Stdout);
        Assert.Matches($@"Authority Information Access:\s+OCSP - URI:{OcspUrl}\s+CA Issuers - URI:{CaIssuersUrl}", result.Stdout);
    }

    private IssuanceRequest Request()
    {
        var csr = TestPki.Csr(_key);
        return new IssuanceRequest(csr, csr.SubjectName, null, TimeSpan.FromDays(30));
    }
}
