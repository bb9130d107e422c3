using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>RFC 7030 §4.2.2 with RFC 6402 ChangeSubjectName: a profile may let re-enrollment rename a device.</summary>
public sealed class ReenrollmentChangeSubjectTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task ProfileAllowingChange_RenamesWithChangeSubjectName_RefusesWithoutIt()
    {
        // The device's names stay its own: the profile lets the CN carry a suffix after the device name.
        await host.AddProfileAsync("renamable", "rename", CsrPolicy.Default with
        {
            AllowChangeSubjectName = true,
            Subject = new SubjectPolicy { CommonNamePattern = "{device}(-.+)?" },
        });
        var (current, client) = await EnrollAsync("rename-device", "/.well-known/est/rename/simpleenroll");
        using (client)
        {
            using var withoutAttribute = await PostAsync(client, "/.well-known/est/rename/simplereenroll", TestCsr.Create("CN=rename-device-v2").Base64, null);
            Assert.Equal(HttpStatusCode.BadRequest, withoutAttribute.StatusCode);
            Assert.Contains("ChangeSubjectName", await withoutAttribute.Content.ReadAsStringAsync());

            var newSubject = new X500DistinguishedName("CN=rename-device-v2");
            using var renamed = await PostAsync(client, "/.well-known/est/rename/simplereenroll",
                TestCsr.CreateWithAttributes("CN=rename-device-v2", ChangeSubjectName(newSubject)).Base64, null);
            var certificate = await EstResponses.ReadIssuedCertificateAsync(renamed);
            Assert.Equal("CN=rename-device-v2", certificate.Subject);
            Assert.NotEqual(current.Subject, certificate.Subject);

            // ChangeSubjectName does not let a device take another device's name.
            var foreign = new X500DistinguishedName("CN=someone-else");
            using var taken = await PostAsync(client, "/.well-known/est/rename/simplereenroll",
                TestCsr.CreateWithAttributes("CN=someone-else", ChangeSubjectName(foreign)).Base64, null);
            Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        }
    }

    [Fact]
    public async Task DefaultProfile_RefusesChangeSubjectName()
    {
        var (_, client) = await EnrollAsync("no-rename-device", "/.well-known/est/simpleenroll");
        using (client)
        {
            using var response = await PostAsync(client, "/.well-known/est/simplereenroll",
                TestCsr.CreateWithAttributes("CN=other-name", ChangeSubjectName(new X500DistinguishedName("CN=other-name"))).Base64, null);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("does not allow", await response.Content.ReadAsStringAsync());
        }
    }

    private async Task<(X509Certificate2 Certificate, HttpClient ClientWithCertificate)> EnrollAsync(string name, string path)
    {
        var device = await host.AddDeviceAsync(name);
        var csr = TestCsr.Create("CN=" + name);
        using var plain = host.CreateEstClient();
        using var response = await PostAsync(plain, path, csr.Base64, Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(response);
        return (certificate, host.CreateEstClient(csr.WithPrivateKey(certificate)));
    }

    /// <summary>RFC 6402 §2.8: ChangeSubjectName ::= SEQUENCE { subject Name OPTIONAL, subjectAlt [1] GeneralNames OPTIONAL }.</summary>
    private static AsnEncodedData ChangeSubjectName(X500DistinguishedName subject)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
            writer.WriteEncodedValue(subject.RawData);
        return new AsnEncodedData("1.3.6.1.5.5.7.7.36", writer.Encode());
    }
}
