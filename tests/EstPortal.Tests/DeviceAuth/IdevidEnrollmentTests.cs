using System.Net;
using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.DeviceAuth;

/// <summary>
/// First enrollment with a manufacturer certificate (IEEE 802.1AR IDevID, RFC 7030 §3.3.2) over real TLS: the board
/// presents its IDevID and key, sends no password, and the profile's anchors, identity and registration rules decide.
/// </summary>
public sealed class IdevidEnrollmentTests(IdevidFixture fixture) : IClassFixture<IdevidFixture>
{
    private EstPortalHost Host => fixture.Host;
    private static readonly IdevidPolicy Acme = new() { TrustAnchors = ["acme"] };

    [RequiresToolFact("openssl")]
    public async Task KnownDevice_EnrollsAsItselfWithItsIdevid_AndItsPageShowsTheIdevid()
    {
        var label = await fixture.ProfileAsync(Acme);
        var device = await AddDeviceAsync(fixture.Unique("board-"), idevid: fixture.Unique("SN"));
        var idevid = await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber={device.Idevid}/CN=Acme board"));
        Assert.Equal(9999, idevid.NotAfter.ToUniversalTime().Year);

        using var response = await EnrollAsync(label, device.Name, $"CN={device.Name}");
        var issued = await EstResponses.ReadIssuedCertificateAsync(response);

        Assert.Equal($"CN={device.Name}", issued.Subject);
        var stored = (await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(device.Name))!;
        Assert.Equal(idevid.SerialNumber, stored.IdevidSerialNumber);
        Assert.Equal(idevid.Issuer, stored.IdevidIssuer);
        Assert.Equal(Sha256(idevid), stored.IdevidSha256);
        Assert.NotNull(stored.IdevidFirstSeenAt);
        var audit = await AuditAsync(stored.Id);
        Assert.Contains(audit, e => e.EventType == "est.simpleenroll" && e.Outcome == "Success"
            && e.Details!.Contains(Sha256(idevid), StringComparison.Ordinal) && e.Details.Contains(idevid.SerialNumber, StringComparison.Ordinal)
            && e.Details.Contains("Acme IDevID CA", StringComparison.Ordinal));
    }

    [RequiresToolFact("openssl")]
    public async Task KnownDevice_GetsAServerGeneratedKeyWithItsIdevid()
    {
        var label = await fixture.ProfileAsync(Acme);
        var device = await AddDeviceAsync(fixture.Unique("keygen-board-"));
        await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber={device.Name}"));

        using var client = Host.CreateEstClient(fixture.Manufacturer.LoadWithKey(device.Name));
        using var response = await PostAsync(client, $"/.well-known/est/{label}/serverkeygen", TestCsr.Create($"CN={device.Name}").Base64, auth: null);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.StartsWith("multipart/mixed", response.Content.Headers.ContentType?.MediaType);
        Assert.Single(await Host.Services.GetRequiredService<DeviceAdmin>().CertificatesOfAsync(device.Id));
    }

    [RequiresToolFact("openssl")]
    public async Task KnownDevice_AskingForAnotherDevicesName_IsRefusedByTheIdentityRule()
    {
        var label = await fixture.ProfileAsync(Acme);
        var device = await AddDeviceAsync(fixture.Unique("board-"));
        var victim = await AddDeviceAsync(fixture.Unique("victim-"));
        await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber={device.Name}"));

        using var response = await EnrollAsync(label, device.Name, $"CN={victim.Name}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("identity: ", await response.Content.ReadAsStringAsync());
    }

    [RequiresToolFact("openssl")]
    public async Task UnknownDevice_IsRefused403_AndAuditedWithTheIdevid()
    {
        var label = await fixture.ProfileAsync(Acme);
        var board = fixture.Unique("stranger-");
        var idevid = await fixture.Manufacturer.IssueAsync("acme", board, new IdevidSpec($"/serialNumber={board}"));

        using var response = await EnrollAsync(label, board, $"CN={board}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var reason = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("idevid-device: no device is known by serialNumber", reason);
        Assert.Null(await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(board));
        await using var db = await DbAsync();
        var actor = $"idevid:{idevid.SerialNumber}";
        var rows = await db.AuditEvents.AsNoTracking().Where(e => e.Actor == actor).ToListAsync();
        Assert.Contains(rows, e => e.Outcome == "Failure" && e.Reason!.StartsWith("idevid-device: no device is known", StringComparison.Ordinal) && e.Details!.Contains(Sha256(idevid), StringComparison.Ordinal));
    }

    [RequiresToolFact("openssl")]
    public async Task UnknownDevice_OnAnAutoRegistrationProfile_IsCreatedAndEnrolls()
    {
        var label = await fixture.ProfileAsync(Acme with { Registration = IdevidRegistration.Auto });
        var board = fixture.Unique("auto-");
        var idevid = await fixture.Manufacturer.IssueAsync("acme", board, new IdevidSpec($"/serialNumber={board}"));

        using var response = await EnrollAsync(label, board, $"CN={board}");
        await EstResponses.ReadIssuedCertificateAsync(response);

        var device = await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(board);
        Assert.NotNull(device);
        Assert.Equal(board, device.Idevid);
        Assert.Equal(Sha256(idevid), device.IdevidSha256);
        Assert.Contains(await AuditAsync(device.Id), e => e.EventType == "device.added" && e.Details!.Contains("on first contact"));
        Assert.Single(await Host.Services.GetRequiredService<DeviceAdmin>().CertificatesOfAsync(device.Id));
    }

    [RequiresToolFact("openssl")]
    public async Task UnknownDevice_OnAnApprovalProfile_WaitsInThePendingQueue_ThenIsCreatedAndIssuedOnceApproved()
    {
        var label = await fixture.ProfileAsync(Acme with { Registration = IdevidRegistration.Approval });
        var board = fixture.Unique("pending-");
        var idevid = await fixture.Manufacturer.IssueAsync("acme", board, new IdevidSpec($"/serialNumber={board}"));
        var csr = TestCsr.Create($"CN={board}");

        using (var first = await EnrollAsync(label, board, csr))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.NotNull(first.Headers.RetryAfter);
        }
        Assert.Null(await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(board));
        var approvals = Host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == $"idevid:{idevid.SerialNumber}");
        var details = (await approvals.FindDetailsAsync(pending.Id))!;
        Assert.Null(await approvals.DecideAsync(pending.Id, details.Csr!.CsrSha256, approve: true, null, "operator@example.test"));

        using var retry = await EnrollAsync(label, board, csr);
        await EstResponses.ReadIssuedCertificateAsync(retry);
        var device = await Host.Services.GetRequiredService<DeviceAdmin>().FindAsync(board);
        Assert.NotNull(device);
        Assert.Contains(await AuditAsync(device.Id), e => e.EventType == "device.added" && e.Details!.Contains("after an operator's approval"));
    }

    [RequiresToolFact("openssl")]
    public async Task RemovedAnchor_StopsTheVeryNextRequest()
    {
        var anchor = fixture.Unique("acme-temp-");
        await fixture.AddAnchorAsync(anchor, "acme");
        var label = await fixture.ProfileAsync(new IdevidPolicy { TrustAnchors = [anchor] });
        var device = await AddDeviceAsync(fixture.Unique("board-"));
        await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber={device.Name}"));
        using (var before = await EnrollAsync(label, device.Name, $"CN={device.Name}"))
            await EstResponses.ReadIssuedCertificateAsync(before);

        Assert.True((await Host.Services.GetRequiredService<TrustAnchorAdmin>().RemoveAsync(anchor, "test")).Succeeded);

        using var after = await EnrollAsync(label, device.Name, $"CN={device.Name}");
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Contains("not an accepted IDevID", await after.Content.ReadAsStringAsync());
    }

    [RequiresToolFact("openssl")]
    public async Task AnchorNotListedOnTheProfile_IsNoCredentialThere()
    {
        var listsOther = await fixture.ProfileAsync(new IdevidPolicy { TrustAnchors = ["acme-nc"] });
        var listsNone = await fixture.ProfileAsync(new IdevidPolicy());
        var device = await AddDeviceAsync(fixture.Unique("board-"));
        await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber={device.Name}"));

        using var other = await EnrollAsync(listsOther, device.Name, $"CN={device.Name}");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Contains("does not chain to an accepted manufacturer anchor", await other.Content.ReadAsStringAsync());
        // Without anchors a certificate we did not issue is what it always was: no credential (401).
        using var none = await EnrollAsync(listsNone, device.Name, $"CN={device.Name}");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [RequiresToolFact("openssl")]
    public async Task ExpiredIdevid_IsRefused_UnlessTheProfileAcceptsExpiredOnes()
    {
        var strict = await fixture.ProfileAsync(Acme);
        var lenient = await fixture.ProfileAsync(Acme with { AcceptExpired = true });
        var device = await AddDeviceAsync(fixture.Unique("board-"));
        await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber={device.Name}") { EndDate = "20210101000000Z" });

        using var refused = await EnrollAsync(strict, device.Name, $"CN={device.Name}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("expired", await refused.Content.ReadAsStringAsync());
        using var accepted = await EnrollAsync(lenient, device.Name, $"CN={device.Name}");
        await EstResponses.ReadIssuedCertificateAsync(accepted);
    }

    [RequiresToolFact("openssl")]
    public async Task IdevidThatIsNoClientIdentity_IsRefused_WithTheReason()
    {
        var label = await fixture.ProfileAsync(Acme with { TrustAnchors = ["acme", "acme-nc"], Identity = IdevidIdentitySource.SanUri });
        var device = await AddDeviceAsync(fixture.Unique("board-"), idevid: "https://" + fixture.Unique("board") + ".acme.example/");

        (string Ca, IdevidSpec Spec, string Reason)[] cases =
        [
            ("acme", new IdevidSpec("/CN=x") { SanUri = device.Idevid, KeyUsage = "critical,keyEncipherment" }, "does not allow digitalSignature"),
            ("acme", new IdevidSpec("/CN=x") { SanUri = device.Idevid, ExtendedKeyUsage = "serverAuth" }, "neither clientAuth nor anyExtendedKeyUsage"),
            ("other", new IdevidSpec("/CN=x") { SanUri = device.Idevid }, "does not chain to an accepted manufacturer anchor"),
            ("acme-nc", new IdevidSpec("/CN=x") { SanUri = "https://board.evil.example/" }, "name constraints"),
        ];
        foreach (var (ca, spec, reason) in cases)
        {
            var file = fixture.Unique("bad-");
            await fixture.Manufacturer.IssueAsync(ca, file, spec);
            using var response = await EnrollAsync(label, file, $"CN={device.Name}");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        }

        // The same board with a proper IDevID under the constrained anchor enrolls: the refusals were the rules, not the setup.
        await fixture.Manufacturer.IssueAsync("acme-nc", device.Name, new IdevidSpec("/CN=x") { SanUri = device.Idevid, ExtendedKeyUsage = "clientAuth" });
        using var good = await EnrollAsync(label, device.Name, $"CN={device.Name}");
        await EstResponses.ReadIssuedCertificateAsync(good);
    }

    [RequiresToolFact("openssl")]
    public async Task Identity_IsReadFromCommonName_WhenTheProfileSaysSo()
    {
        var label = await fixture.ProfileAsync(Acme with { Identity = IdevidIdentitySource.CommonName });
        var device = await AddDeviceAsync(fixture.Unique("board-"));
        await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber=not-the-name/CN={device.Name}"));

        using var response = await EnrollAsync(label, device.Name, $"CN={device.Name}");
        await EstResponses.ReadIssuedCertificateAsync(response);

        // Read from the serialNumber instead, the same IDevID names no device.
        var bySerial = await fixture.ProfileAsync(Acme);
        using var refused = await EnrollAsync(bySerial, device.Name, $"CN={device.Name}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.StartsWith("idevid-device: ", await refused.Content.ReadAsStringAsync());
    }

    [RequiresToolFact("curl")]
    public async Task Curl_WithTheIdevidAndItsKey_EnrollsTheKnownDevice_NoPassword()
    {
        var label = await fixture.ProfileAsync(Acme);
        var device = await AddDeviceAsync(fixture.Unique("curl-board-"), idevid: fixture.Unique("SN"));
        await fixture.Manufacturer.IssueAsync("acme", device.Name, new IdevidSpec($"/serialNumber={device.Idevid}"));
        var workspace = fixture.Workspace;
        var caPem = workspace.WriteCaPem(Host.CaCertificate, fixture.Unique("est-ca-") + ".pem");
        var body = workspace.Write(fixture.Unique("req-") + ".b64", TestCsr.Create($"CN={device.Name}").Base64);
        var output = workspace.PathOf(fixture.Unique("cert-") + ".b64");

        // curl --cacert ca.pem --cert idevid.pem --key idevid.key --data-binary @req.b64 -H "Content-Type: application/pkcs10" URL
        var curl = await ExternalTool.RunAsync("curl", ["-sS", "--http1.1", "--cacert", caPem,
            "--cert", fixture.Manufacturer.PemPath(device.Name), "--key", fixture.Manufacturer.KeyPath(device.Name),
            "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10", "-o", output, "-w", "%{http_code}",
            $"{Host.EstUrl}/.well-known/est/{label}/simpleenroll"], null, TimeSpan.FromSeconds(60));

        Assert.True(curl.Stdout == "200", $"curl: {curl.Stdout} {curl.Stderr} {(File.Exists(output) ? File.ReadAllText(output) : "")}");
        var issued = Assert.Single(EstResponses.ReadCertsOnly(File.ReadAllText(output)));
        Assert.Equal($"CN={device.Name}", issued.Subject);
    }

    [RequiresToolFact("curl")]
    public async Task AnIdevidFromTheManufacturersIssuingCa_Enrolls_WhenTheBoardSendsThatCa_UnderAnAnchoredRoot()
    {
        // 802.1AR manufacturers sign IDevIDs with an issuing CA under an offline root; the operator anchors the root.
        var root = fixture.Unique("acme-root-");
        var issuing = fixture.Unique("acme-issuing-");
        await fixture.Manufacturer.CreateCaAsync(root, "/O=Acme Boards/CN=Acme IDevID Root");
        await fixture.Manufacturer.CreateIntermediateAsync(issuing, root, "/O=Acme Boards/CN=Acme IDevID Issuing CA");
        await fixture.AddAnchorAsync(root, root);
        var label = await fixture.ProfileAsync(new IdevidPolicy { TrustAnchors = [root] });
        var device = await AddDeviceAsync(fixture.Unique("chained-board-"));
        await fixture.Manufacturer.IssueAsync(issuing, device.Name, new IdevidSpec($"/serialNumber={device.Name}"));
        var workspace = fixture.Workspace;
        var leafOnly = fixture.Manufacturer.PemPath(device.Name);
        var withChain = workspace.Write(fixture.Unique("chain-") + ".pem", File.ReadAllText(leafOnly) + File.ReadAllText(fixture.Manufacturer.PemPath(issuing)));

        async Task<(string Status, string Body)> CurlAsync(string certificateFile)
        {
            var caPem = workspace.WriteCaPem(Host.CaCertificate, fixture.Unique("est-ca-") + ".pem");
            var body = workspace.Write(fixture.Unique("req-") + ".b64", TestCsr.Create($"CN={device.Name}").Base64);
            var output = workspace.PathOf(fixture.Unique("out-") + ".txt");
            var curl = await ExternalTool.RunAsync("curl", ["-sS", "--http1.1", "--cacert", caPem, "--cert", certificateFile,
                "--key", fixture.Manufacturer.KeyPath(device.Name), "--data-binary", "@" + body, "-H", "Content-Type: application/pkcs10",
                "-o", output, "-w", "%{http_code}", $"{Host.EstUrl}/.well-known/est/{label}/simpleenroll"], null, TimeSpan.FromSeconds(60));
            return (curl.Stdout, File.Exists(output) ? File.ReadAllText(output) : curl.Stderr);
        }

        // Without the issuing CA no path reaches the root: refused, saying why.
        var (refused, reason) = await CurlAsync(leafOnly);
        Assert.True(refused == "403", $"{refused}: {reason}");
        Assert.Contains("chain", reason, StringComparison.OrdinalIgnoreCase);
        var (status, issued) = await CurlAsync(withChain);
        Assert.True(status == "200", $"{status}: {issued}");
        Assert.Equal($"CN={device.Name}", Assert.Single(EstResponses.ReadCertsOnly(issued)).Subject);
    }

    private async Task<Device> AddDeviceAsync(string name, string? idevid = null)
    {
        var devices = Host.Services.GetRequiredService<DeviceAdmin>();
        var added = await devices.AddAsync(name, null, [], idevid, "test");
        Assert.True(added.Succeeded, added.Error);
        return (await devices.FindAsync(name))!;
    }

    private Task<HttpResponseMessage> EnrollAsync(string label, string idevidFile, string subject) =>
        EnrollAsync(label, idevidFile, TestCsr.Create(subject));

    private async Task<HttpResponseMessage> EnrollAsync(string label, string idevidFile, TestCsr csr)
    {
        using var client = Host.CreateEstClient(fixture.Manufacturer.LoadWithKey(idevidFile));
        return await PostAsync(client, $"/.well-known/est/{label}/simpleenroll", csr.Base64, auth: null);
    }

    private async Task<EstPortalDbContext> DbAsync() =>
        await Host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();

    private async Task<List<AuditEvent>> AuditAsync(Guid deviceId)
    {
        await using var db = await DbAsync();
        return await db.AuditEvents.AsNoTracking().Where(e => e.DeviceId == deviceId).ToListAsync();
    }

    private static string Sha256(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.RawData));
}
