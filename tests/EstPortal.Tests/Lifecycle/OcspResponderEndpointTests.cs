using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Pki;
using EstPortal.Tests.Pki;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Ocsp;

namespace EstPortal.Tests.Lifecycle;

/// <summary>
/// The OCSP responder (RFC 6960) as relying parties use it: `openssl ocsp -url` over plain HTTP, POST and GET
/// (Appendix A.1), answers signed by the issuing CA with the status read from the database.
/// </summary>
public sealed class OcspResponderEndpointTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private string OcspUrl => host.PublicUrl + "/ocsp";

    [RequiresToolFact("openssl")]
    public async Task OpensslOcsp_WithAndWithoutNonce_ShowsGood_ThenRevokedWithReasonAndTimeAfterRevocation()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "ocsp");
        using var dir = new ToolWorkspace();
        dir.WriteCaPem(host.CaCertificate);
        dir.Write("leaf.pem", enrolled.Certificate.ExportCertificatePem());
        Assert.Equal([OcspUrl], LifecycleSteps.AuthorityInformationAccess(enrolled.Certificate).EnumerateOcspUris());

        // openssl ocsp -issuer ca.pem -cert leaf.pem -url http://127.0.0.1:PUBLICPORT/ocsp -CAfile ca.pem -resp_text [-nonce|-no_nonce]
        var withNonce = await OcspAsync(dir, "-cert", "leaf.pem", "-nonce");
        var withoutNonce = await OcspAsync(dir, "-cert", "leaf.pem", "-no_nonce");

        AssertVerified(withNonce);
        Assert.Contains("leaf.pem: good", withNonce.Stdout);
        Assert.Contains("OCSP Nonce", withNonce.Stdout);
        Assert.DoesNotContain("WARNING", LifecycleSteps.Output(withNonce));
        AssertVerified(withoutNonce);
        Assert.Contains("leaf.pem: good", withoutNonce.Stdout);

        var revokedAt = DateTimeOffset.UtcNow;
        var revoked = await host.Services.GetRequiredService<CertificateRevocation>().RevokeAsync(enrolled.Serial, RevocationReason.Superseded, "test");
        Assert.True(revoked.Succeeded, revoked.Error);
        var after = await OcspAsync(dir, "-cert", "leaf.pem", "-nonce");

        AssertVerified(after);
        Assert.Contains("leaf.pem: revoked", after.Stdout);
        Assert.Contains("Reason: superseded", after.Stdout);
        var time = System.Text.RegularExpressions.Regex.Match(after.Stdout, "Revocation Time: (.+ GMT)").Groups[1].Value;
        var parsed = DateTimeOffset.ParseExact(System.Text.RegularExpressions.Regex.Replace(time, " +", " "), "MMM d HH:mm:ss yyyy 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(parsed, revokedAt.AddMinutes(-1), revokedAt.AddMinutes(1));
    }

    [RequiresToolFact("openssl")]
    public async Task OpensslOcsp_ForASerialThisCaNeverIssued_ShowsUnknown_ForAForeignCa_Unauthorized()
    {
        using var dir = new ToolWorkspace();
        dir.WriteCaPem(host.CaCertificate);
        using var foreignCa = ForeignCa(out var foreignLeaf);
        dir.Write("foreign-ca.pem", foreignCa.ExportCertificatePem());
        dir.Write("foreign-leaf.pem", foreignLeaf.ExportCertificatePem());

        // openssl ocsp -issuer ca.pem -serial 0x7EADBEEF00112233 -url ... -CAfile ca.pem -resp_text
        var unknown = await OcspAsync(dir, "-serial", "0x7EADBEEF00112233", "-nonce");
        // openssl ocsp -issuer foreign-ca.pem -cert foreign-leaf.pem -url ... -CAfile ca.pem -resp_text
        var foreign = await LifecycleSteps.RunAsync(dir, "openssl", "ocsp", "-issuer", "foreign-ca.pem", "-cert", "foreign-leaf.pem",
            "-url", OcspUrl, "-CAfile", "ca.pem", "-resp_text");

        AssertVerified(unknown);
        Assert.Contains("0x7EADBEEF00112233: unknown", unknown.Stdout);
        Assert.Contains("Responder Error: unauthorized (6)", LifecycleSteps.Output(foreign));
    }

    [RequiresToolFact("openssl")]
    public async Task GetForm_Base64UrlEncodedRequestInThePath_IsAnsweredCacheablyAndOpensslVerifiesTheAnswer()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "ocsp-get");
        using var dir = new ToolWorkspace();
        dir.WriteCaPem(host.CaCertificate);
        dir.Write("leaf.pem", enrolled.Certificate.ExportCertificatePem());
        var request = OcspTestRequests.Build(host.CaCertificate, enrolled.Certificate.SerialNumberBytes.ToArray(), OcspTestRequests.Sha256);
        using var client = LifecycleSteps.PlainHttpClient(host.PublicUrl);

        // RFC 6960 A.1: GET {url}/{url-encoding of base64 encoding of the DER encoding of the OCSPRequest}
        using var response = await client.GetAsync("/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(request)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Public, "a GET answer may be cached by HTTP caches (RFC 5019 §6.2)");
        Assert.InRange(response.Headers.CacheControl?.MaxAge ?? TimeSpan.Zero, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(60));
        dir.Write("resp.der", await response.Content.ReadAsByteArrayAsync());
        // openssl ocsp -respin resp.der -sha256 -issuer ca.pem -cert leaf.pem -CAfile ca.pem -no_nonce
        var verified = await LifecycleSteps.RunAsync(dir, "openssl", "ocsp", "-respin", "resp.der", "-sha256", "-issuer", "ca.pem", "-cert", "leaf.pem",
            "-CAfile", "ca.pem", "-no_nonce");
        AssertVerified(verified);
        Assert.Contains("leaf.pem: good", verified.Stdout);
    }

    [Fact]
    public async Task MalformedRequests_AreAnsweredMalformedRequestInOcspTerms()
    {
        using var client = LifecycleSteps.PlainHttpClient(host.PublicUrl);
        using var body = new ByteArrayContent([0x30, 0x03, 0x02, 0x01]);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");

        using var post = await client.PostAsync("/ocsp", body);
        using var get = await client.GetAsync("/ocsp/not%20base64%21");

        foreach (var response in new[] { post, get })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(OcspRespStatus.MalformedRequest, new OcspResp(await response.Content.ReadAsByteArrayAsync()).Status);
        }
    }

    [Fact]
    public async Task Post_OverSixteenKiBIs413_WrongMediaTypeIs415_OnThePortalEndpointIs404()
    {
        using var client = LifecycleSteps.PlainHttpClient(host.PublicUrl);
        using var portal = host.CreateClient(host.PortalUrl);
        var request = OcspTestRequests.Build(host.CaCertificate, [0x01, 0x02]);

        using var huge = await client.PostAsync("/ocsp", Typed(new byte[17 * 1024], "application/ocsp-request"));
        using var json = await client.PostAsync("/ocsp", Typed(request, "application/json"));
        using var onPortal = await portal.PostAsync("/ocsp", Typed(request, "application/ocsp-request"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onPortal.StatusCode);
    }

    [RequiresToolFact("openssl")]
    public async Task DatabaseFailure_IsAnsweredInternalError_NotAnHttpErrorPage()
    {
        using var broken = EstPortalHost.Create();
        await broken.InitializeAsync();
        var enrolled = await LifecycleSteps.EnrollAsync(broken, "ocsp-dbdown");
        await using (var db = await broken.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE IssuedCertificates RENAME TO IssuedCertificatesGone");
        using var dir = new ToolWorkspace();
        dir.WriteCaPem(broken.CaCertificate);
        dir.Write("leaf.pem", enrolled.Certificate.ExportCertificatePem());

        var answer = await LifecycleSteps.RunAsync(dir, "openssl", "ocsp", "-issuer", "ca.pem", "-cert", "leaf.pem",
            "-url", broken.PublicUrl + "/ocsp", "-CAfile", "ca.pem", "-resp_text");

        Assert.Contains("Responder Error: internalerror (2)", LifecycleSteps.Output(answer));
    }

    private Task<ToolResult> OcspAsync(ToolWorkspace dir, params string[] target) =>
        LifecycleSteps.RunAsync(dir, "openssl", ["ocsp", "-issuer", "ca.pem", .. target, "-url", OcspUrl, "-CAfile", "ca.pem", "-resp_text"]);

    private static void AssertVerified(ToolResult result)
    {
        Assert.True(result.ExitCode == 0, LifecycleSteps.Output(result));
        Assert.Contains("Response verify OK", LifecycleSteps.Output(result));
    }

    private static ByteArrayContent Typed(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>A CA we do not serve, with one leaf: the responder cannot answer for it authoritatively.</summary>
    private static X509Certificate2 ForeignCa(out X509Certificate2 leaf)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Foreign CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        leaf = new CertificateRequest("CN=foreign-device", leafKey, HashAlgorithmName.SHA256)
            .Create(ca, now.AddMinutes(-5), now.AddHours(1), [0x11, 0x22, 0x33, 0x44]);
        return ca;
    }
}
