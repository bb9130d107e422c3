using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Lifecycle;

/// <summary>
/// Every device certificate tells relying parties where to check it (RFC 5280 §4.2.1.13 CDP, §4.2.2.1 AIA), at the
/// configured public base URL and by CA id, whichever EST operation issued it.
/// </summary>
public sealed class RevocationPointersTests
{
    private const string BaseUrl = "http://pki.example.test/est-pki";

    [RequiresToolFact("openssl")]
    public async Task SimpleEnrollReenrollAndServerKeyGen_AllCarryCdpAndAiaAtTheConfiguredBaseUrl()
    {
        using var host = await StartedAsync(new() { ["EstPortal:PublicBaseUrl"] = BaseUrl + "/" });
        var caId = (await host.Services.GetRequiredService<EstPortal.Enrollment.CertificateAuthorities>().FindDefaultAsync())!.Id.ToString("N");

        var enrolled = await LifecycleSteps.EnrollAsync(host, "pointers");
        using var reenrolled = await LifecycleSteps.ReenrollAsync(host, enrolled);
        var renewed = await EstResponses.ReadIssuedCertificateAsync(reenrolled);
        var keygenDevice = await host.AddDeviceAsync("pointers-keygen");
        using (var client = host.CreateEstClient())
        {
            using var keygen = await EstCalls.PostAsync(client, "/.well-known/est/serverkeygen", TestCsr.Create("CN=pointers-keygen").Base64,
                EstCalls.Basic(keygenDevice.Name, keygenDevice.Secret));
            Assert.True(keygen.IsSuccessStatusCode, await keygen.Content.ReadAsStringAsync());
        }
        var serverGenerated = await CertificateOfDeviceAsync(host, keygenDevice.Id);

        foreach (var certificate in new[] { enrolled.Certificate, renewed, serverGenerated })
        {
            Assert.Equal([$"{BaseUrl}/crl/{caId}.crl"], LifecycleSteps.CrlDistributionPoints(certificate));
            var aia = LifecycleSteps.AuthorityInformationAccess(certificate);
            Assert.Equal([$"{BaseUrl}/ocsp"], aia.EnumerateOcspUris());
            Assert.Equal([$"{BaseUrl}/ca/{caId}.crt"], aia.EnumerateCAIssuersUris());
        }

        // What an operator sees: openssl x509 -in leaf.pem -noout -ext crlDistributionPoints,authorityInfoAccess
        using var dir = new ToolWorkspace();
        dir.Write("leaf.pem", enrolled.Certificate.ExportCertificatePem());
        var shown = await LifecycleSteps.RunAsync(dir, "openssl", "x509", "-in", "leaf.pem", "-noout", "-ext", "crlDistributionPoints,authorityInfoAccess");
        Assert.Contains($"URI:{BaseUrl}/crl/{caId}.crl", shown.Stdout);
        Assert.Contains($"OCSP - URI:{BaseUrl}/ocsp", shown.Stdout);
        Assert.Contains($"CA Issuers - URI:{BaseUrl}/ca/{caId}.crt", shown.Stdout);
    }

    [Theory]
    [InlineData("EstPortal:PublicBaseUrl", "ftp://pki.example.test", "EstPortal:PublicBaseUrl")]
    [InlineData("EstPortal:PublicBaseUrl", "pki.example.test/crl", "EstPortal:PublicBaseUrl")]
    [InlineData("EstPortal:PublicBaseUrl", "http://pki.example.test/?x=1", "EstPortal:PublicBaseUrl")]
    [InlineData("EstPortal:Crl:RefreshBeforeHours", "24", "EstPortal:Crl:RefreshBeforeHours")]
    [InlineData("EstPortal:Crl:ValidityHours", "0", "EstPortal:Crl:ValidityHours")]
    [InlineData("Kestrel:Endpoints:Public:Url", "http://0.0.0.0:0", "EstPortal:PublicBaseUrl is not set")]
    public async Task BadRevocationSettings_StopTheAppAtStartWithAMessageNamingTheSetting(string key, string value, string expected)
    {
        var failure = await EstPortalHost.StartupFailureAsync(new() { [key] = value });

        Assert.Contains(expected, failure.ToString(), StringComparison.Ordinal);
    }

    private static async Task<EstPortalHost> StartedAsync(Dictionary<string, string?> settings)
    {
        var host = EstPortalHost.Create(extraSettings: settings);
        await host.InitializeAsync();
        return host;
    }

    private static async Task<System.Security.Cryptography.X509Certificates.X509Certificate2> CertificateOfDeviceAsync(EstPortalHost host, Guid deviceId)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var der = await db.IssuedCertificates.Where(c => c.DeviceId == deviceId).Select(c => c.CertificateDer).SingleAsync();
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
    }
}
