using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Integration;

/// <summary>
/// The whole device path over real TLS against the real app (RFC 7030 §4.1, §4.2.1, §4.2.2), as a device with an
/// HTTP client would walk it.
/// </summary>
public sealed class EstEnrollmentTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private const string Pkcs10 = "application/pkcs10";

    [Fact]
    public async Task CaCerts_WithoutAuthentication_ReturnsCertsOnlyPkcs7HoldingTheCa()
    {
        using var client = host.CreateEstClient();
        using var response = await client.GetAsync("/.well-known/est/cacerts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkcs7-mime", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Content.Headers.ContentLength);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain('\n', body);
        var certificate = Assert.Single(EstResponses.ReadCertsOnly(body));
        Assert.Equal(host.CaCertificate.Thumbprint, certificate.Thumbprint);
    }

    [Fact]
    public async Task SimpleEnroll_WithBootstrapToken_IssuesOnceThenRefusesTheSameToken()
    {
        var token = await host.IssueTokenAsync();
        using var client = host.CreateEstClient();

        var csr = TestCsr.Create("CN=token-device-1");
        using var first = await PostAsync(client, "simpleenroll", csr.Base64, Basic("installer", token.Token));
        Assert.Equal("application/pkcs7-mime", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains(first.Content.Headers.ContentType!.Parameters, p => p.Name == "smime-type" && p.Value == "certs-only");
        var issued = await EstResponses.ReadIssuedCertificateAsync(first);
        Assert.Equal("CN=token-device-1", issued.Subject);
        Assert.True(host.ChainsToCa(issued));

        using var second = await PostAsync(client, "simpleenroll", TestCsr.Create("CN=token-device-1b").Base64, Basic("installer", token.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("already been used", await second.Content.ReadAsStringAsync());

        await using var db = await Db();
        var record = await db.IssuedCertificates.SingleAsync(c => c.SerialNumber == issued.SerialNumber);
        Assert.Equal(issued.RawData, record.CertificateDer);
        var spent = await db.BootstrapTokens.SingleAsync(t => t.Id == token.Id);
        Assert.Equal(issued.SerialNumber, spent.UsedForSerial);
        Assert.Contains(await db.AuditEvents.ToListAsync(), e => e.Outcome == AuditOutcomes.Failure && e.Reason!.Contains("already been used") && e.Actor == $"token:{token.Id}");
    }

    [Fact]
    public async Task SimpleEnroll_WithDeviceCredential_IssuesCertificateRecordedForThatDevice()
    {
        var device = await host.AddDeviceAsync("credential-device", @"dns:{device}\.example");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", TestCsr.Create("CN=credential-device", ["credential-device.example"]).Base64, Basic(device.Name, device.Secret));

        var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.Equal("CN=credential-device", issued.Subject);
        Assert.Contains("credential-device.example", issued.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        await using var db = await Db();
        var record = await db.IssuedCertificates.SingleAsync(c => c.SerialNumber == issued.SerialNumber);
        Assert.Equal(device.Id, record.DeviceId);
        Assert.Equal($"credential:{device.Name}", record.IssuedVia);
    }

    [Theory]
    [InlineData("base64")]
    [InlineData("base64-wrapped")]
    [InlineData("pem")]
    [InlineData("der")]
    public async Task SimpleEnroll_AcceptsEveryBodyFramingClientsUse(string framing)
    {
        var device = await host.AddDeviceAsync("framing-" + framing);
        var csr = TestCsr.Create("CN=framing-" + framing);
        HttpContent content = framing switch
        {
            "base64" => new StringContent(csr.Base64),
            "base64-wrapped" => new StringContent(csr.Base64Wrapped),
            "pem" => new StringContent(csr.Pem),
            _ => new ByteArrayContent(csr.Der),
        };
        content.Headers.ContentType = new MediaTypeHeaderValue(Pkcs10);
        using var client = host.CreateEstClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll") { Content = content };
        request.Headers.Authorization = Basic(device.Name, device.Secret);

        using var response = await client.SendAsync(request);

        var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.Equal("CN=framing-" + framing, issued.Subject);
    }

    [Fact]
    public async Task SimpleReenroll_WithCurrentCertificate_IssuesNewCertificateWithSameSubject()
    {
        var (csr, current) = await EnrollNewDeviceAsync("reenroll-device", ["reenroll-device.example"]);
        using var client = host.CreateEstClient(csr.WithPrivateKey(current));

        // Rekey: a new key, the same Subject and SAN (RFC 7030 §4.2.2).
        using var response = await PostAsync(client, "simplereenroll", TestCsr.Create("CN=reenroll-device", ["reenroll-device.example"]).Base64, auth: null);

        var renewed = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.Equal(current.Subject, renewed.Subject);
        Assert.NotEqual(current.SerialNumber, renewed.SerialNumber);
        Assert.True(host.ChainsToCa(renewed));
        await using var db = await Db();
        var record = await db.IssuedCertificates.SingleAsync(c => c.SerialNumber == renewed.SerialNumber);
        var previous = await db.IssuedCertificates.SingleAsync(c => c.SerialNumber == current.SerialNumber);
        Assert.Equal(previous.Id, record.ReplacesCertificateId);
        Assert.Equal(previous.DeviceId, record.DeviceId);
        Assert.Contains(await db.AuditEvents.ToListAsync(), e => e.SerialNumber == renewed.SerialNumber && e.Details!.StartsWith("rekey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SimpleReenroll_WithSameKey_IsAuditedAsRenewal()
    {
        var (csr, current) = await EnrollNewDeviceAsync("renewal-device");
        using var client = host.CreateEstClient(csr.WithPrivateKey(current));

        using var response = await PostAsync(client, "simplereenroll", csr.Base64, auth: null);

        var renewed = await EstResponses.ReadIssuedCertificateAsync(response);
        await using var db = await Db();
        Assert.Contains(await db.AuditEvents.ToListAsync(), e => e.SerialNumber == renewed.SerialNumber && e.Details!.StartsWith("renewal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SimpleReenroll_WithChangedSubject_Returns400WithReason()
    {
        var (csr, current) = await EnrollNewDeviceAsync("subject-change-device");
        using var client = host.CreateEstClient(csr.WithPrivateKey(current));

        using var response = await PostAsync(client, "simplereenroll", TestCsr.Create("CN=someone-else").Base64, auth: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Subject", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SimpleReenroll_WithChangedSan_Returns400()
    {
        var (csr, current) = await EnrollNewDeviceAsync("san-change-device", ["a.example"]);
        using var client = host.CreateEstClient(csr.WithPrivateKey(current));

        using var response = await PostAsync(client, "simplereenroll", TestCsr.Create("CN=san-change-device", ["b.example"]).Base64, auth: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("SubjectAltName", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SimpleReenroll_WithCertificateWeDidNotIssue_Returns403WithoutABasicChallenge()
    {
        using var foreignKey = System.Security.Cryptography.ECDsa.Create();
        var foreignRequest = new CertificateRequest("CN=foreign", foreignKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var foreign = foreignRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var client = host.CreateEstClient(X509CertificateLoader.LoadPkcs12(foreign.Export(X509ContentType.Pkcs12), null));

        using var response = await PostAsync(client, "simplereenroll", TestCsr.Create("CN=foreign").Base64, auth: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Contains("not issued by this server", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SimpleReenroll_WithACertificateCopyingAnIssuedOnesSerialAndNames_Returns403()
    {
        // The lookup goes by serial (ADR 0029); only the byte-for-byte certificate we issued authenticates, not another
        // one carrying its serial, subject and issuer name under the holder's own signature.
        var (_, issued) = await EnrollNewDeviceAsync("copied-serial-device");
        using var attackerKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var copyRequest = new CertificateRequest(issued.SubjectName, attackerKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var copy = copyRequest.Create(issued.IssuerName, X509SignatureGenerator.CreateForECDsa(attackerKey),
            issued.NotBefore, issued.NotAfter, issued.SerialNumberBytes.Span);
        Assert.Equal(issued.SerialNumber, copy.SerialNumber);
        using var withKey = copy.CopyWithPrivateKey(attackerKey);
        using var client = host.CreateEstClient(X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));

        using var response = await PostAsync(client, "simplereenroll", TestCsr.Create("CN=copied-serial-device").Base64, auth: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not issued by this server", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SimpleReenroll_WithRevokedCertificate_Returns403()
    {
        var (csr, current) = await EnrollNewDeviceAsync("revoked-device");
        await using (var db = await Db())
        {
            await db.IssuedCertificates.Where(c => c.SerialNumber == current.SerialNumber)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, DateTimeOffset.UtcNow).SetProperty(c => c.RevocationReason, 1));
        }
        using var client = host.CreateEstClient(csr.WithPrivateKey(current));

        using var response = await PostAsync(client, "simplereenroll", TestCsr.Create("CN=revoked-device").Base64, auth: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("revoked", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SimpleReenroll_WithoutClientCertificate_Returns403AndDoesNotInviteBasic()
    {
        // RFC 7030 §4.2.2: only the certificate being renewed authenticates a re-enrollment; no HTTP scheme can, so the
        // answer must not challenge for one (RFC 9110 §15.5.2) — a device would otherwise retry with its secret.
        var device = await host.AddDeviceAsync("reenroll-without-cert");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simplereenroll", TestCsr.Create("CN=x").Base64, Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Contains("TLS client certificate", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SimpleEnroll_WithCsrWhoseSignatureDoesNotVerify_Returns400AndIsAudited()
    {
        var device = await host.AddDeviceAsync("bad-signature-device");
        var der = TestCsr.Create("CN=bad-signature-device").Der;
        der[^3] ^= 0x55; // inside the signature value
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", Convert.ToBase64String(der), Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var reason = await response.Content.ReadAsStringAsync();
        Assert.Contains("signature", reason);
        await using var db = await Db();
        Assert.Contains(await db.AuditEvents.ToListAsync(), e => e.Actor == "credential:bad-signature-device" && e.Outcome == AuditOutcomes.Failure && e.Reason!.Contains("signature"));
    }

    [Fact]
    public async Task SimpleEnroll_WithCsrWhoseEcdsaSignatureHasAZeroPaddedInteger_IssuesTheCertificateForItsKey()
    {
        // What strongSwan's `pki --req --keyid` sends for about one TPM-signed CSR in 256 (ADR 0031).
        var device = await host.AddDeviceAsync("padded-signature-device");
        var csr = TestCsr.CreateWithPaddedSignature("CN=padded-signature-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", csr.Base64, Basic(device.Name, device.Secret));

        var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.Equal("CN=padded-signature-device", issued.Subject);
        Assert.Equal(((System.Security.Cryptography.ECDsa)csr.Key).ExportSubjectPublicKeyInfo(), issued.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(host.ChainsToCa(issued));
    }

    [Theory]
    [InlineData("this is not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("")]
    public async Task SimpleEnroll_WithBodyThatIsNotACsr_Returns400WithTextReason(string body)
    {
        var device = await host.AddDeviceAsync("garbage-" + Guid.NewGuid().ToString("N")[..8]);
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", body, Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task SimpleEnroll_WithoutCredentials_Returns401WithBasicAndBearerChallenges()
    {
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", TestCsr.Create().Base64, auth: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Basic", "Bearer"], response.Headers.WwwAuthenticate.Select(c => c.Scheme));
        Assert.All(response.Headers.WwwAuthenticate, c => Assert.Contains("realm=", c.Parameter));
    }

    [Fact]
    public async Task SimpleEnroll_WithWrongSecret_Returns401AndIsInTheAddressSummary()
    {
        var device = await host.AddDeviceAsync("wrong-secret-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", TestCsr.Create().Base64, Basic(device.Name, "not-the-secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await host.Services.GetRequiredService<RefusalSummaryWriter>().FlushAsync();
        await using var db = await Db();
        // A stranger's guess is not one chained row of its own (DESIGN "cheap refusals") but counted in the address's summary.
        Assert.DoesNotContain(await db.AuditEvents.ToListAsync(), e => e.Actor == "basic:wrong-secret-device");
        Assert.Contains(await db.AuditEvents.Where(e => e.EventType == AuditEventTypes.RefusalsSummarized).ToListAsync(),
            e => e.Actor == "address:127.0.0.1" && e.Reason!.Contains("wrong password or unknown token for 'wrong-secret-device'") && e.Details!.Contains("'wrong-secret-device'"));
    }

    [Fact]
    public async Task SimpleEnroll_WithExpiredToken_Returns401()
    {
        var token = await host.IssueTokenAsync(lifetime: TimeSpan.FromMinutes(1));
        await using (var db = await Db())
        {
            await db.BootstrapTokens.Where(t => t.Id == token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", TestCsr.Create().Base64, Basic("x", token.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SimpleEnroll_WithTokenBoundToDevice_RecordsTheCertificateForThatDevice()
    {
        var device = await host.AddDeviceAsync("bound-token-device");
        var token = await host.IssueTokenAsync(device.Name);
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", TestCsr.Create("CN=bound-token-device").Base64, Basic("installer", token.Token));

        var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        await using var db = await Db();
        Assert.Equal(device.Id, (await db.IssuedCertificates.SingleAsync(c => c.SerialNumber == issued.SerialNumber)).DeviceId);
    }

    [Fact]
    public async Task SimpleEnroll_IssuedCertificateHasKeyUsageSetByTheCaNotTheCsr()
    {
        var device = await host.AddDeviceAsync("ku-device");
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ku-device", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "simpleenroll", Convert.ToBase64String(request.CreateSigningRequest()), Basic(device.Name, device.Secret));

        var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        Assert.False(issued.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.False(issued.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
    }

    [Fact]
    public async Task EstRoutes_AnswerOnlyOnTheEstEndpoint()
    {
        using var portal = host.CreateClient(host.PortalUrl);
        using var onPortal = await portal.GetAsync("/.well-known/est/cacerts");
        Assert.Equal(HttpStatusCode.NotFound, onPortal.StatusCode);

        using var est = host.CreateEstClient();
        using var portalPageOnEst = await est.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.NotFound, portalPageOnEst.StatusCode);
    }

    private async Task<(TestCsr Csr, X509Certificate2 Certificate)> EnrollNewDeviceAsync(string name, string[]? dnsNames = null)
    {
        var device = await host.AddDeviceAsync(name, dnsNames ?? []);
        var csr = TestCsr.Create("CN=" + name, dnsNames);
        using var client = host.CreateEstClient();
        using var response = await PostAsync(client, "simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        return (csr, await EstResponses.ReadIssuedCertificateAsync(response));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string operation, string body, AuthenticationHeaderValue? auth)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/.well-known/est/{operation}")
        {
            Content = new StringContent(body, Encoding.ASCII, Pkcs10),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Pkcs10);
        request.Headers.Authorization = auth;
        return await client.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<EstPortalDbContext> Db() =>
        await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
}
