using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>Importing an existing CA (PEM or PKCS#12): checked, stored encrypted, and it issues over EST.</summary>
public sealed class CaImportTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task ImportPem_ThenAProfileOnItIssuesCertificatesThatChainToTheImportedRoot()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = Root("CN=Imported Plant Root", key, ca: true);
        var result = await Import(new CaImportRequest("imported-pem", root.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), null, null));
        Assert.True(result.Succeeded, result.Error);

        var profile = await host.Services.GetRequiredService<ProfileAdmin>()
            .AddAsync("on-imported", "imported", "imported-pem", CsrPolicy.Default, requiresApproval: false, wrapBase64Lines: false, "test");
        Assert.True(profile.Succeeded, profile.Error);
        var device = await host.AddDeviceAsync("imported-ca-device");
        using var client = host.CreateEstClient();
        using var response = await PostAsync(client, "/.well-known/est/imported/simpleenroll", TestCsr.Create("CN=imported-ca-device").Base64, Basic(device.Name, device.Secret));
        var issued = await EstResponses.ReadIssuedCertificateAsync(response);

        Assert.Equal("CN=Imported Plant Root", issued.Issuer);
        Assert.True(Loopback.ChainsTo(root, issued));
    }

    [Fact]
    public async Task ImportPkcs12WithPassword_Succeeds_WrongPasswordIsAValidationMessage()
    {
        using var key = RSA.Create(2048);
        using var root = Root("CN=Imported RSA Root", key, ca: true);
        var pfx = root.Export(X509ContentType.Pkcs12, "s3cret-pass");

        var wrong = await Import(new CaImportRequest("imported-p12-wrong", null, null, pfx, "nope"));
        var right = await Import(new CaImportRequest("imported-p12", null, null, pfx, "s3cret-pass"));

        Assert.False(wrong.Succeeded);
        Assert.True(right.Succeeded, right.Error);
        Assert.Equal("CN=Imported RSA Root", right.Value!.Subject);
    }

    [Fact]
    public async Task Import_RefusesAKeyThatDoesNotMatch_ANonCa_AndAnExpiredCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = Root("CN=Mismatch Root", key, ca: true);
        using var leaf = Root("CN=Not A CA", key, ca: false);
        using var expired = Root("CN=Expired Root", key, ca: true, notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var mismatch = await Import(new CaImportRequest("bad-1", root.ExportCertificatePem(), other.ExportPkcs8PrivateKeyPem(), null, null));
        var notCa = await Import(new CaImportRequest("bad-2", leaf.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), null, null));
        var tooOld = await Import(new CaImportRequest("bad-3", expired.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), null, null));

        Assert.False(mismatch.Succeeded);
        Assert.False(notCa.Succeeded);
        Assert.False(tooOld.Succeeded);
        Assert.All([mismatch.Error, notCa.Error, tooOld.Error], e => Assert.False(string.IsNullOrWhiteSpace(e)));
        Assert.Null(await host.Services.GetRequiredService<EstPortal.Enrollment.CertificateAuthorities>().FindByNameAsync("bad-1"));
    }

    private Task<AdminResult<EstPortal.Data.Entities.CertificateAuthority>> Import(CaImportRequest request) =>
        host.Services.GetRequiredService<CaProvisioning>().ImportAsync(request, "test");

    private static X509Certificate2 Root(string subject, AsymmetricAlgorithm key, bool ca, DateTimeOffset? notAfter = null)
    {
        var request = key is RSA rsa
            ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var end = notAfter ?? DateTimeOffset.UtcNow.AddYears(5);
        return request.CreateSelfSigned(end.AddYears(-6), end);
    }
}
