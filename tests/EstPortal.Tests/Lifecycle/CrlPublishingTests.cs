using System.Net;
using System.Text.RegularExpressions;
using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Enrollment;
using EstPortal.Lifecycle;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Lifecycle;

/// <summary>
/// CRLs as a relying party meets them: fetched with curl over plain HTTP from the URL inside the certificate,
/// checked with openssl (RFC 5280 §5, §6.3), republished with a higher CRL number right after a revocation.
/// </summary>
public sealed partial class CrlPublishingTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [RequiresToolFact("curl")]
    public async Task Crl_FetchedWithCurlFromTheCdpUrl_IsDerWithCachingHeadersAndOpensslVerifiesItsSignature()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "crl-fetch");
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        var cdp = Assert.Single(LifecycleSteps.CrlDistributionPoints(enrolled.Certificate));
        Assert.StartsWith(host.PublicUrl + "/crl/", cdp, StringComparison.Ordinal);

        // curl -sS --http1.1 -D crl.headers -o crl.der http://127.0.0.1:PUBLICPORT/crl/{caId:N}.crl
        var crl = await LifecycleSteps.CurlAsync(dir, "crl", cdp);

        Assert.Equal(200, crl.Status);
        Assert.Equal("application/pkix-crl", crl.MediaType?.MediaType);
        Assert.Equal(crl.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), crl.Header("Content-Length"));
        Assert.NotNull(crl.Header("Last-Modified"));
        Assert.NotNull(crl.Header("Expires"));
        Assert.NotNull(crl.Header("ETag"));
        Assert.Matches("public, max-age=\\d+", crl.Header("Cache-Control"));
        var maxAge = int.Parse(MaxAge().Match(crl.Header("Cache-Control")!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(maxAge, 12 * 3600, 24 * 3600);

        // openssl crl -inform DER -in crl.der -CAfile ca.pem -noout -verify
        var verified = await LifecycleSteps.RunAsync(dir, "openssl", "crl", "-inform", "DER", "-in", crl.Path, "-CAfile", caPem, "-noout", "-verify");
        Assert.True(verified.ExitCode == 0, LifecycleSteps.Output(verified));
        Assert.Contains("verify OK", LifecycleSteps.Output(verified));
    }

    [RequiresToolFact("curl")]
    public async Task Revoke_PublishesAHigherNumberedCrlListingTheSerialWithReason_OpensslVerifyRefusesOnlyTheRevokedCertificate()
    {
        var revoked = await LifecycleSteps.EnrollAsync(host, "crl-revoked");
        var good = await LifecycleSteps.EnrollAsync(host, "crl-good");
        using var dir = new ToolWorkspace();
        var caPem = dir.WriteCaPem(host.CaCertificate);
        dir.Write("revoked.pem", revoked.Certificate.ExportCertificatePem());
        dir.Write("good.pem", good.Certificate.ExportCertificatePem());
        var url = Assert.Single(LifecycleSteps.CrlDistributionPoints(revoked.Certificate));
        var before = await LifecycleSteps.CrlNumberAsync(dir, await LifecycleSteps.CurlAsync(dir, "before", url));

        var result = await host.Services.GetRequiredService<CertificateRevocation>().RevokeAsync(revoked.Serial, RevocationReason.KeyCompromise, "test");
        Assert.True(result.Succeeded, result.Error);

        var after = await LifecycleSteps.CurlAsync(dir, "after", url);
        Assert.True(await LifecycleSteps.CrlNumberAsync(dir, after) > before, "a new CRL must carry a higher CRL number (RFC 5280 §5.2.3)");
        var text = await LifecycleSteps.RunAsync(dir, "openssl", "crl", "-inform", "DER", "-in", after.Path, "-noout", "-text");
        Assert.Contains($"Serial Number: {revoked.Serial}", text.Stdout);
        Assert.Contains("Key Compromise", text.Stdout);
        Assert.DoesNotContain($"Serial Number: {good.Serial}", text.Stdout);

        // openssl crl -inform DER -in after.der -out crl.pem; openssl verify -crl_check -CAfile ca.pem -CRLfile crl.pem X.pem
        await LifecycleSteps.RunAsync(dir, "openssl", "crl", "-inform", "DER", "-in", after.Path, "-out", "crl.pem");
        var refused = await LifecycleSteps.RunAsync(dir, "openssl", "verify", "-crl_check", "-CAfile", caPem, "-CRLfile", "crl.pem", "revoked.pem");
        var accepted = await LifecycleSteps.RunAsync(dir, "openssl", "verify", "-crl_check", "-CAfile", caPem, "-CRLfile", "crl.pem", "good.pem");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate revoked", LifecycleSteps.Output(refused));
        Assert.True(accepted.ExitCode == 0, LifecycleSteps.Output(accepted));
        Assert.Contains("good.pem: OK", accepted.Stdout);
    }

    [RequiresToolFact("curl")]
    public async Task DisablingADeviceWithRevoke_ListsItsCertificatesAsCessationOfOperation_AndItsCertificateIsRefusedForReenrollment()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "crl-disabled");
        using var dir = new ToolWorkspace();

        var disabled = await host.Services.GetRequiredService<DeviceAdmin>().SetDisabledAsync(enrolled.Device.Id, true, revokeCertificates: true, "test");

        Assert.Equal(1, disabled.Value);
        var crl = await LifecycleSteps.CurlAsync(dir, "crl", Assert.Single(LifecycleSteps.CrlDistributionPoints(enrolled.Certificate)));
        var text = await LifecycleSteps.RunAsync(dir, "openssl", "crl", "-inform", "DER", "-in", crl.Path, "-noout", "-text");
        Assert.Contains($"Serial Number: {enrolled.Serial}", text.Stdout);
        Assert.Contains("Cessation Of Operation", text.Stdout);
        using var reenroll = await LifecycleSteps.ReenrollAsync(host, enrolled);
        Assert.Equal(HttpStatusCode.Forbidden, reenroll.StatusCode);
    }

    [Fact]
    public async Task CrlAndCaCertificate_AreFoundByIdInBothFormsAndByName_UnknownCaIs404TextPlain()
    {
        var ca = (await host.Services.GetRequiredService<CertificateAuthorities>().FindDefaultAsync())!;
        using var client = LifecycleSteps.PlainHttpClient(host.PublicUrl);

        var byId = await client.GetByteArrayAsync($"/crl/{ca.Id:N}.crl");
        var byDashedId = await client.GetByteArrayAsync($"/crl/{ca.Id:D}.crl");
        var byName = await client.GetByteArrayAsync($"/crl/{Uri.EscapeDataString(ca.Name)}.crl");
        using var certificate = await client.GetAsync($"/ca/{ca.Id:N}.crt");
        using var unknown = await client.GetAsync($"/crl/{Guid.NewGuid():N}.crl");
        using var unknownCa = await client.GetAsync("/ca/no-such-ca.crt");

        Assert.Equal(byId, byDashedId);
        Assert.Equal(byId, byName);
        Assert.Equal(HttpStatusCode.OK, certificate.StatusCode);
        Assert.Equal("application/pkix-cert", certificate.Content.Headers.ContentType?.MediaType);
        Assert.Equal(host.CaCertificate.RawData, await certificate.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("text/plain", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownCa.StatusCode);
        Assert.Equal("text/plain", unknownCa.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Endpoints_PublicServesOnlyRevocationPaths_EstServesThemToo_PortalNever()
    {
        var ca = (await host.Services.GetRequiredService<CertificateAuthorities>().FindDefaultAsync())!;
        var crlPath = $"/crl/{ca.Id:N}.crl";
        using var plain = LifecycleSteps.PlainHttpClient(host.PublicUrl);
        using var est = host.CreateEstClient();
        using var portal = host.CreateClient(host.PortalUrl);

        using var estOnPublic = await plain.GetAsync("/.well-known/est/cacerts");
        using var portalOnPublic = await plain.GetAsync("/");
        using var crlOnEst = await est.GetAsync(crlPath);
        using var crlOnPortal = await portal.GetAsync(crlPath);
        using var caOnPortal = await portal.GetAsync($"/ca/{ca.Id:N}.crt");

        Assert.Equal(HttpStatusCode.NotFound, estOnPublic.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, portalOnPublic.StatusCode);
        Assert.Equal(HttpStatusCode.OK, crlOnEst.StatusCode);
        Assert.Equal("application/pkix-crl", crlOnEst.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, crlOnPortal.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, caOnPortal.StatusCode);
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task ConcurrentPublishersLikeSeveralInstances_GetDistinctConsecutiveCrlNumbers(DatabaseProvider provider)
    {
        await using var app = await EstPortalHost.StartAsync(provider);
        var ca = (await app.Services.GetRequiredService<CertificateAuthorities>().FindDefaultAsync())!;
        // Separate publishers share nothing but the database, as app instances would.
        var publishers = Enumerable.Range(0, 6).Select(_ => ActivatorUtilities.CreateInstance<CrlPublisher>(app.Services)).ToList();
        var first = (await publishers[0].PublishAsync(ca, default)).CrlNumber;

        var published = await Task.WhenAll(publishers.Select(p => Task.Run(() => p.PublishAsync(ca, default))));

        // The app's own scheduled publisher may slip a CRL in between: the invariant is that every publisher got a
        // distinct number above the earlier ones and that the CA's CRL numbers, all of them, run 1, 2, 3… without
        // a gap or a repeat (RFC 5280 §5.2.3).
        var numbers = published.Select(c => c.CrlNumber).ToList();
        Assert.Equal(6, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.True(n > first, $"CRL number {n} is not above {first}"));
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var all = await db.CertificateRevocationLists.Where(c => c.CertificateAuthorityId == ca.Id).Select(c => c.CrlNumber).OrderBy(n => n).ToListAsync();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all);
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task Publish_ManyRevocations_ServesEveryRevokedSerialOfTheCaWithItsReasonAndDate_AndNothingElse_StreamedBothWays(DatabaseProvider provider)
    {
        await using var app = await EstPortalHost.StartAsync(provider);
        var ca = (await app.Services.GetRequiredService<CertificateAuthorities>().FindDefaultAsync())!;
        var now = DateTimeOffset.UtcNow;
        RevocationReason[] reasons = [RevocationReason.KeyCompromise, RevocationReason.Superseded, RevocationReason.Unspecified, RevocationReason.AACompromise];
        var expected = new Dictionary<string, (DateTimeOffset At, RevocationReason Reason)>();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
        {
            // 30,000 revoked (listed: more entries than the writer holds in memory, so they pass through its temporary
            // file, ADR 0030), 100 good and 100 revoked but expired long ago (RFC 5280 §5.1.2.6: may leave the CRL).
            const int Listed = 30_000;
            var serials = new SerialNumberGenerator(TimeProvider.System);
            for (var i = 0; i < Listed + 200; i++)
            {
                var serial = Convert.ToHexString(serials.Next());
                var revoked = i < Listed || i >= Listed + 100;
                var expiredLongAgo = i >= Listed + 100;
                var at = now.AddMinutes(-i).AddMilliseconds(i);
                db.IssuedCertificates.Add(CertificateRow(ca.Id, serial, $"CN=many-{i}", now.AddDays(-400),
                    expiredLongAgo ? now.AddDays(-60) : now.AddDays(30), revoked ? at : null, reasons[i % reasons.Length]));
                if (revoked && !expiredLongAgo)
                    expected[new Org.BouncyCastle.Math.BigInteger(1, Convert.FromHexString(serial)).ToString(16)] = (at, reasons[i % reasons.Length]);
            }
            await db.SaveChangesAsync();
        }

        var published = await app.Services.GetRequiredService<CrlPublisher>().PublishAsync(ca, default);

        // Fetched as a relying party does: streamed out of the row with its length announced.
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{app.PublicUrl}/crl/{ca.Id:N}.crl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var der = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(der.Length, response.Content.Headers.ContentLength);
        Assert.Equal(published.Length, der.Length);
        Assert.True(der.Length > SpillingBuffer.MemoryLimit, $"a CRL of {der.Length} octets stayed within the writer's memory");
        Assert.Equal($"\"{ca.Id:N}-{published.CrlNumber}\"", response.Headers.ETag?.Tag);
        var crl = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(der);

        crl.Verify(new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(app.CaCertificate.RawData).GetPublicKey());
        var listed = crl.GetRevokedCertificates().ToDictionary(e => e.SerialNumber.ToString(16));
        Assert.Equal(expected.Keys.Order(), listed.Keys.Intersect(expected.Keys).Order());
        Assert.Equal(expected.Count, listed.Count);
        foreach (var (serial, (at, reason)) in expected)
        {
            Assert.Equal(new DateTime(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc), listed[serial].RevocationDate);
            var code = listed[serial].GetExtensionValue(Org.BouncyCastle.Asn1.X509.X509Extensions.ReasonCode);
            Assert.Equal(reason == RevocationReason.Unspecified ? null : (int?)reason, code is null ? null
                : Org.BouncyCastle.Asn1.DerEnumerated.GetInstance(Org.BouncyCastle.X509.Extension.X509ExtensionUtilities.FromExtensionValue(code)).IntValueExact);
        }
    }

    [Fact]
    public async Task ACrlReadSlowly_HoldsNoReadSnapshotBetweenPieces_SoTheWriteAheadLogStillCheckpointsFully()
    {
        // The CRL endpoint is public: a relying party downloading slowly must not pin a read snapshot that keeps SQLite
        // from checkpointing (or a pooled PostgreSQL connection) for as long as it likes (ADR 0030).
        await using var app = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite);
        var ca = (await app.Services.GetRequiredService<CertificateAuthorities>().FindDefaultAsync())!;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
        {
            var serials = new SerialNumberGenerator(TimeProvider.System);
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < 12_000; i++)
            {
                db.IssuedCertificates.Add(CertificateRow(ca.Id, Convert.ToHexString(serials.Next()), $"CN=slow-{i}", now.AddDays(-1),
                    now.AddDays(30), now.AddMinutes(-i), RevocationReason.KeyCompromise));
            }
            await db.SaveChangesAsync();
        }
        var publisher = app.Services.GetRequiredService<CrlPublisher>();
        var published = await publisher.PublishAsync(ca, default);
        Assert.True(published.Length > 3 * CrlContents.ChunkSize, $"a CRL of {published.Length} octets is read in one piece");

        await using var slow = app.Services.GetRequiredService<CrlContents>().OpenRead(published);
        var start = new byte[1000];
        await slow.ReadExactlyAsync(start);
        // Meanwhile the server keeps writing (a newer CRL), and a checkpoint wants every reader off the log.
        await publisher.PublishAsync(ca, default);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={app.DatabasePath};Pooling=False;Default Timeout=2"))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await using var result = await checkpoint.ExecuteReaderAsync();
            Assert.True(await result.ReadAsync());
            Assert.True(result.GetInt32(0) == 0, "the checkpoint was blocked by a reader");
        }

        using var rest = new MemoryStream();
        await slow.CopyToAsync(rest);
        await using var check = await app.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var stored = await check.CertificateRevocationLists.Where(c => c.Id == published.Id).Select(c => c.Der).SingleAsync();
        Assert.Equal(stored, (byte[])[.. start, .. rest.ToArray()]);
    }

    /// <summary>
    /// An issued certificate as the CRL reads it (serial, validity, revocation), written straight into the database;
    /// the certificate bytes are a stand-in neither the CRL nor OCSP parse. Not revoked when <paramref name="revokedAt"/>
    /// is null.
    /// </summary>
    private static EstPortal.Data.Entities.IssuedCertificate CertificateRow(Guid caId, string serial, string subject,
        DateTimeOffset notBefore, DateTimeOffset notAfter, DateTimeOffset? revokedAt, RevocationReason reason) => new()
    {
        Id = Guid.NewGuid(), SerialNumber = serial, CertificateAuthorityId = caId, Subject = subject,
        Sha256Thumbprint = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        PublicKeySha256 = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), CertificateDer = [0x30, 0x00],
        NotBefore = notBefore, NotAfter = notAfter, IssuedAt = notBefore, IssuedVia = "test",
        RevokedAt = revokedAt, RevokedBy = revokedAt is null ? null : "test", RevocationReason = revokedAt is null ? null : (int)reason,
    };

    [GeneratedRegex("max-age=(\\d+)")]
    private static partial Regex MaxAge();
}
