using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Enrollment;
using EstPortal.Enrollment.CallerRules;

namespace EstPortal.Tests.Enrollment;

public sealed class ReenrollmentRulesTests
{
    private static (X509Certificate2 Current, ECDsa Key) Current(string subject, params string[] dns)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (dns.Length > 0)
            request.CertificateExtensions.Add(San(dns));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)), key);
    }

    private static X509Extension San(string[] dns)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in dns)
            builder.AddDnsName(name);
        return builder.Build();
    }

    private static CertificateRequest Csr(string subject, params string[] dns)
    {
        var request = new CertificateRequest(subject, ECDsa.Create(ECCurve.NamedCurves.nistP256), HashAlgorithmName.SHA256);
        if (dns.Length > 0)
            request.CertificateExtensions.Add(San(dns));
        return request;
    }

    [Fact]
    public void Check_SameSubjectAndSan_Allows()
    {
        var (current, _) = Current("CN=dev, O=Acme", "dev.example");
        Assert.Null(ReenrollmentRules.Check(current, Csr("CN=dev, O=Acme", "dev.example")));
    }

    [Fact]
    public void Check_DifferentSubject_RefusesNamingTheSubject()
    {
        var (current, _) = Current("CN=dev");
        Assert.Contains("Subject", ReenrollmentRules.Check(current, Csr("CN=other")));
    }

    [Fact]
    public void Check_SanAddedOrRemovedOrChanged_Refuses()
    {
        var (withSan, _) = Current("CN=dev", "dev.example");
        var (withoutSan, _) = Current("CN=dev");

        Assert.NotNull(ReenrollmentRules.Check(withSan, Csr("CN=dev")));
        Assert.NotNull(ReenrollmentRules.Check(withoutSan, Csr("CN=dev", "dev.example")));
        Assert.NotNull(ReenrollmentRules.Check(withSan, Csr("CN=dev", "other.example")));
    }

    [Fact]
    public void Check_SameNameInAnotherStringType_Allows_AndAnotherName_ShowsTheRealDifference()
    {
        // openssl writes the CN as UTF8String, strongSwan pki as PrintableString: the same name (RFC 5280 §7.1).
        var utf8 = Pki.DistinguishedNameComparerTests.Name(("2.5.4.3", System.Formats.Asn1.UniversalTagNumber.UTF8String, "device-42"));
        var printable = Pki.DistinguishedNameComparerTests.Name(("2.5.4.3", System.Formats.Asn1.UniversalTagNumber.PrintableString, "device-42"));
        var other = Pki.DistinguishedNameComparerTests.Name(("2.5.4.3", System.Formats.Asn1.UniversalTagNumber.PrintableString, "device-43"));
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var current = new CertificateRequest(utf8, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Null(ReenrollmentRules.Check(current, new CertificateRequest(printable, key, HashAlgorithmName.SHA256)));
        Assert.Contains("CN 'device-42' vs 'device-43'", ReenrollmentRules.Check(current, new CertificateRequest(other, key, HashAlgorithmName.SHA256)));
    }
}
