using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Enrollment;

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
}
