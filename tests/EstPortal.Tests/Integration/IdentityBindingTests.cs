using System.Net;
using EstPortal.Data.Entities;
using EstPortal.Data;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>
/// What authenticated a request bounds what it may ask for, over real TLS as an attacker holding one device's
/// credential, token or certificate would try it, and as an operator reads the refusal in the audit log.
/// </summary>
public sealed class IdentityBindingTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private const string Enroll = "/.well-known/est/simpleenroll";

    [Fact]
    public async Task DeviceCredential_AskingForAnotherName_Is400NamingTheRule_AndAudited()
    {
        var device = await host.AddDeviceAsync("ap1-cn");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, Enroll, TestCsr.Create("CN=someone-else", ["bank.example"]).Base64, Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var reason = (await response.Content.ReadAsStringAsync()).TrimEnd();
        Assert.Equal("identity: the CSR's CN 'someone-else' is not this device's name 'ap1-cn'", reason);
        await AssertAuditedAsync(device.Id, reason);
    }

    [Fact]
    public async Task DeviceCredential_AskingForABankName_Is400_AndAPatternItsDeviceHas_IsIssued()
    {
        var bare = await host.AddDeviceAsync("ap1-bare");
        var patterned = await host.AddDeviceAsync("ap1", @"dns:{device}\.plant\.example");
        using var client = host.CreateEstClient();

        using var bank = await PostAsync(client, Enroll, TestCsr.Create("CN=ap1-bare", ["bank.example"]).Base64, Basic(bare.Name, bare.Secret));
        Assert.Equal(HttpStatusCode.BadRequest, bank.StatusCode);
        Assert.StartsWith("identity-san: device 'ap1-bare' has no subjectAltName patterns", await bank.Content.ReadAsStringAsync());

        using var otherDevices = await PostAsync(client, Enroll, TestCsr.Create("CN=ap1", ["ap2.plant.example"]).Base64, Basic(patterned.Name, patterned.Secret));
        Assert.Equal(HttpStatusCode.BadRequest, otherDevices.StatusCode);
        Assert.Contains("DNS:ap2.plant.example matches none of the patterns of device 'ap1'", await otherDevices.Content.ReadAsStringAsync());

        using var own = await PostAsync(client, Enroll, TestCsr.Create("CN=ap1", ["ap1.plant.example"]).Base64, Basic(patterned.Name, patterned.Secret));
        var issued = await EstResponses.ReadIssuedCertificateAsync(own);
        Assert.Equal("CN=ap1", issued.Subject);
        Assert.Contains("ap1.plant.example", issued.Extensions["2.5.29.17"]!.Format(false));
    }

    [Fact]
    public async Task TokenBoundToADevice_IsBoundLikeTheDevice()
    {
        await host.AddDeviceAsync("ap1-token", @"dns:{device}\.plant\.example");
        var token = await host.IssueTokenAsync("ap1-token");
        using var client = host.CreateEstClient();

        using var foreign = await PostAsync(client, Enroll, TestCsr.Create("CN=someone-else").Base64, Basic("installer", token.Token));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.StartsWith("identity: ", await foreign.Content.ReadAsStringAsync());

        using var own = await PostAsync(client, Enroll, TestCsr.Create("CN=ap1-token", ["ap1-token.plant.example"]).Base64, Basic("installer", token.Token));
        Assert.Equal("CN=ap1-token", (await EstResponses.ReadIssuedCertificateAsync(own)).Subject);
    }

    [Fact]
    public async Task UnboundToken_IsBoundByItsSubjectPattern_AsBefore()
    {
        var issued = await host.Services.GetRequiredService<EstPortal.Admin.BootstrapTokenAdmin>()
            .IssueAsync(new EstPortal.Admin.BootstrapTokenRequest(TimeSpan.FromHours(1), SubjectPattern: @"sensor-\d+"), "test");
        var token = issued.Value!.Token;
        using var client = host.CreateEstClient();

        using var refused = await PostAsync(client, Enroll, TestCsr.Create("CN=bank.example").Base64, Basic("installer", token));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("token-subject: ", await refused.Content.ReadAsStringAsync());

        using var accepted = await PostAsync(client, Enroll, TestCsr.Create("CN=sensor-17").Base64, Basic("installer", token));
        Assert.Equal("CN=sensor-17", (await EstResponses.ReadIssuedCertificateAsync(accepted)).Subject);
    }

    [Fact]
    public async Task ProfileCnPatternNamingTheDevice_Governs()
    {
        await host.AddProfileAsync("interfaces", "ifaces", CsrPolicy.Default with { Subject = new SubjectPolicy { CommonNamePattern = "{device}-.*" } });
        var device = await host.AddDeviceAsync("ap1-if");
        using var client = host.CreateEstClient();

        using var own = await PostAsync(client, "/.well-known/est/ifaces/simpleenroll", TestCsr.Create("CN=ap1-if-eth0").Base64, Basic(device.Name, device.Secret));
        Assert.Equal("CN=ap1-if-eth0", (await EstResponses.ReadIssuedCertificateAsync(own)).Subject);

        using var other = await PostAsync(client, "/.well-known/est/ifaces/simpleenroll", TestCsr.Create("CN=ap2-eth0").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task CertificateFromLabelA_AuthenticatesNothingUnderLabelB_UnlessBAcceptsA()
    {
        await host.AddProfileAsync("factory", "factory");
        await host.AddProfileAsync("field", "field");
        await host.AddProfileAsync("field-accepting", "field2", CsrPolicy.Default with { AcceptReenrollmentFrom = ["factory"] });
        var device = await host.AddDeviceAsync("ap1-labels");
        var csr = TestCsr.Create("CN=ap1-labels");
        using var basic = host.CreateEstClient();
        using var enrolled = await PostAsync(basic, "/.well-known/est/factory/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        var factoryCertificate = csr.WithPrivateKey(await EstResponses.ReadIssuedCertificateAsync(enrolled));
        using var client = host.CreateEstClient(factoryCertificate);

        foreach (var operation in new[] { "simplereenroll", "simpleenroll" })
        {
            using var refused = await PostAsync(client, $"/.well-known/est/field/{operation}", TestCsr.Create("CN=ap1-labels").Base64, null);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var reason = (await refused.Content.ReadAsStringAsync()).TrimEnd();
            Assert.StartsWith("certificate-profile: ", reason);
            Assert.Contains("'factory'", reason);
            await AssertAuditedAsync(device.Id, reason);
        }

        using var sameLabel = await PostAsync(client, "/.well-known/est/factory/simplereenroll", TestCsr.Create("CN=ap1-labels").Base64, null);
        await EstResponses.ReadIssuedCertificateAsync(sameLabel);
        using var accepting = await PostAsync(client, "/.well-known/est/field2/simplereenroll", TestCsr.Create("CN=ap1-labels").Base64, null);
        await EstResponses.ReadIssuedCertificateAsync(accepting);
    }

    [Fact]
    public async Task Reenrollment_WithTheSameNameInAnotherEncoding_IsIssued_WithTheRenewedCertificatesEncoding()
    {
        var device = await host.AddDeviceAsync("device-42");
        // First enrollment as openssl writes it: CN as UTF8String (what .NET writes too).
        var first = TestCsr.Create("CN=device-42");
        using var basic = host.CreateEstClient();
        using var enrolled = await PostAsync(basic, Enroll, first.Base64, Basic(device.Name, device.Secret));
        var current = await EstResponses.ReadIssuedCertificateAsync(enrolled);
        using var client = host.CreateEstClient(first.WithPrivateKey(current));

        // Renewal as strongSwan pki writes it: CN as PrintableString, and in another case.
        var printable = Pki.DistinguishedNameComparerTests.Name(("2.5.4.3", System.Formats.Asn1.UniversalTagNumber.PrintableString, "DEVICE-42"));
        var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var renewalCsr = new System.Security.Cryptography.X509Certificates.CertificateRequest(printable, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var renewed = await PostAsync(client, "/.well-known/est/simplereenroll", Convert.ToBase64String(renewalCsr.CreateSigningRequest()), null);

        var certificate = await EstResponses.ReadIssuedCertificateAsync(renewed);
        Assert.Equal(current.SubjectName.RawData, certificate.SubjectName.RawData);

        var other = Pki.DistinguishedNameComparerTests.Name(("2.5.4.3", System.Formats.Asn1.UniversalTagNumber.PrintableString, "device-43"));
        var otherCsr = new System.Security.Cryptography.X509Certificates.CertificateRequest(other, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var refused = await PostAsync(client, "/.well-known/est/simplereenroll", Convert.ToBase64String(otherCsr.CreateSigningRequest()), null);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("CN 'device-42' vs 'device-43'", await refused.Content.ReadAsStringAsync());
    }

    private async Task AssertAuditedAsync(Guid deviceId, string reason)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        Assert.Contains(await db.AuditEvents.Where(e => e.DeviceId == deviceId).ToListAsync(), e => e.Outcome == AuditOutcomes.Failure && e.Reason == reason);
    }
}
