using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.CaKeys;
using EstPortal.Data;
using EstPortal.Pki;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.CaKeys;

/// <summary>
/// Operating an HSM: a token that disappears under load turns enrollments into quick 503s with Retry-After and a
/// reason (never a 500 or a hang), /readyz names the CA, service resumes by itself when the token is back, and no
/// certificate a client received is missing from the database. Start-up refuses a wrong PIN or a missing module.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class HsmOutageTests
{
    [RequiresSoftHsmFact]
    public async Task TokenDisappearsUnderLoad_Enrollments503WithRetryAfter_ThenResume_AndEveryIssuedCertificateIsRecorded()
    {
        using var token = await SoftHsmToken.CreateAsync();
        await using var host = await HsmCaTests.StartAsync(token, new() { ["EstPortal:Pkcs11:RetryAfterSeconds"] = "7" });
        var ca = await HsmCaTests.CreateAsync(host, new NewCaRequest("hsm-issuing", "CN=HSM Issuing CA", CaKeyAlgorithm.EcP256, 365, null, null, CaKeyStores.Pkcs11));
        await HsmCaTests.AddProfileAsync(host, "hsm", "hsm-issuing", CsrPolicy.Default);
        var devices = new List<NewDevice>();
        for (var i = 0; i < 4; i++)
            devices.Add(await host.AddDeviceAsync($"load-{i}"));
        var answers = new ConcurrentBag<(HttpStatusCode Status, string? RetryAfter, string Body, string? Serial)>();
        using var stop = new CancellationTokenSource();

        var load = devices.Select(device => Task.Run(async () =>
        {
            using var client = host.CreateEstClient();
            while (!stop.IsCancellationRequested)
            {
                using var response = await PostAsync(client, "/.well-known/est/hsm/simpleenroll", TestCsr.Create("CN=" + device.Name).Base64, Basic(device.Name, device.Secret));
                var serial = response.StatusCode == HttpStatusCode.OK ? (await EstResponses.ReadIssuedCertificateAsync(response)).SerialNumber : null;
                answers.Add((response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    serial is null ? await response.Content.ReadAsStringAsync() : "", serial));
            }
        })).ToList();

        await WaitUntilAsync(() => answers.Count(a => a.Status == HttpStatusCode.OK) >= 8,
            () => string.Join(" | ", load.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!.Message)));
        // The token goes away: its directory is moved out from under the module (as if the HSM were unplugged).
        var away = token.TokenDirectory + ".away";
        Directory.Move(token.TokenDirectory, away);
        await WaitUntilAsync(() => answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable) >= 8,
            () => string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Key}={g.Count()}")) + " " + answers.FirstOrDefault(a => a.Status != HttpStatusCode.OK).Body);
        using (var probe = host.CreateEstClient())
        {
            var ready = await probe.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("CA 'hsm-issuing' (HSM (PKCS#11) key)", await ready.Content.ReadAsStringAsync());
        }
        var okBeforeReturn = answers.Count(a => a.Status == HttpStatusCode.OK);
        Directory.Move(away, token.TokenDirectory);
        await WaitUntilAsync(() => answers.Count(a => a.Status == HttpStatusCode.OK) >= okBeforeReturn + 8);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)a.Status}: {a.Body}"));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a =>
        {
            Assert.Equal("7", a.RetryAfter);
            Assert.Contains("the CA key is unavailable", a.Body);
            Assert.DoesNotContain("   at ", a.Body);
        });
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var recorded = await db.IssuedCertificates.Where(c => c.CertificateAuthorityId == ca.Id).Select(c => c.SerialNumber).ToListAsync();
        var received = answers.Where(a => a.Serial is not null).Select(a => a.Serial!).ToList();
        // Every certificate a client received is recorded, and nothing is recorded that no client received.
        Assert.Equal(received.Order(StringComparer.OrdinalIgnoreCase), recorded.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        using var after = host.CreateEstClient();
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/readyz")).StatusCode);
    }

    [RequiresSoftHsmFact]
    public async Task TokenAway_CrlFetch_ServesTheLastValidCrlOr503WithRetryAfter_NeverA500_ThenAFreshCrlListsTheRevocation()
    {
        using var token = await SoftHsmToken.CreateAsync();
        await using var host = await HsmCaTests.StartAsync(token, new() { ["EstPortal:Pkcs11:RetryAfterSeconds"] = "7" });
        var ca = await HsmCaTests.CreateAsync(host, new NewCaRequest("hsm-crl", "CN=HSM CRL CA", CaKeyAlgorithm.EcP256, 365, null, null, CaKeyStores.Pkcs11));
        var unpublished = await HsmCaTests.CreateAsync(host, new NewCaRequest("hsm-no-crl", "CN=HSM No CRL CA", CaKeyAlgorithm.EcP256, 365, null, null, CaKeyStores.Pkcs11));
        await HsmCaTests.AddProfileAsync(host, "hsm", "hsm-crl", CsrPolicy.Default);
        var device = await host.AddDeviceAsync("crl-device");
        using var est = host.CreateEstClient();
        using var enrolled = await PostAsync(est, "/.well-known/est/hsm/simpleenroll", TestCsr.Create("CN=crl-device").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var serial = (await EstResponses.ReadIssuedCertificateAsync(enrolled)).SerialNumber;
        using var http = new HttpClient { BaseAddress = new Uri(host.PublicUrl) };
        var published = await CrlAsync(http, $"/crl/{ca.Id:N}.crl");
        Assert.Equal(HttpStatusCode.OK, published.Status);

        var away = token.TokenDirectory + ".away";
        Directory.Move(token.TokenDirectory, away);
        // The revocation commits (OCSP answers it at once); its CRL cannot be signed while the key is away.
        var revoked = await host.Services.GetRequiredService<CertificateRevocation>().RevokeAsync(serial, RevocationReason.KeyCompromise, "test");
        Assert.True(revoked.Succeeded, revoked.Error);
        var stale = await CrlAsync(http, $"/crl/{ca.Id:N}.crl");
        var none = await CrlAsync(http, $"/crl/{unpublished.Id:N}.crl");
        var noneOnEst = await CrlAsync(est, $"/crl/{unpublished.Id:N}.crl");

        // Still inside its nextUpdate, the last CRL is served (RFC 5280 §5.1.2.5), cached only until the key may be back.
        Assert.Equal(HttpStatusCode.OK, stale.Status);
        Assert.Equal(published.Number, stale.Number);
        Assert.Equal(TimeSpan.FromSeconds(7), stale.MaxAge);
        // A CA with no valid CRL has nothing to serve: 503, Retry-After, a reason in text, on both endpoints.
        foreach (var answer in new[] { none, noneOnEst })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.Equal("7", answer.RetryAfter);
            Assert.StartsWith("no current CRL and the CA key is unavailable", answer.Text);
            Assert.DoesNotContain("   at ", answer.Text);
        }

        Directory.Move(away, token.TokenDirectory);
        // Once the token is back (after the back-off), the next fetch signs a fresh CRL with a higher number.
        var fresh = await CrlAsync(http, $"/crl/{ca.Id:N}.crl");
        for (var deadline = DateTime.UtcNow.AddSeconds(30); fresh.Number <= published.Number; fresh = await CrlAsync(http, $"/crl/{ca.Id:N}.crl"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no fresh CRL after the token came back: {fresh.Status} {fresh.Text}");
            await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        var builder = CertificateRevocationListBuilder.Load(fresh.Der, out _);
        Assert.True(builder.RemoveEntry(Convert.FromHexString(serial)), "the fresh CRL lists the certificate revoked while the key was away");
        Assert.Equal(HttpStatusCode.OK, (await CrlAsync(http, $"/crl/{unpublished.Id:N}.crl")).Status);
    }

    private static async Task<(HttpStatusCode Status, System.Numerics.BigInteger Number, TimeSpan? MaxAge, string? RetryAfter, string Text, byte[] Der)> CrlAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        var number = System.Numerics.BigInteger.MinusOne;
        if (response.StatusCode == HttpStatusCode.OK)
            CertificateRevocationListBuilder.Load(body, out number);
        return (response.StatusCode, number, response.Headers.CacheControl?.MaxAge,
            response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            response.StatusCode == HttpStatusCode.OK ? "" : System.Text.Encoding.UTF8.GetString(body), body);
    }

    [RequiresSoftHsmFact]
    public async Task WrongPin_StopsStartUp_WithAMessageNamingThePinAndNotShowingIt()
    {
        using var token = await SoftHsmToken.CreateAsync();
        await File.WriteAllTextAsync(token.PinFile, "not-the-pin\n");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAndStopAsync(token));

        Assert.Contains("EstPortal:Pkcs11", failure.Message);
        Assert.Contains("PIN", failure.Message);
        Assert.Contains("wrong", failure.Message);
        Assert.DoesNotContain("not-the-pin", failure.ToString());
    }

    [RequiresSoftHsmFact]
    public async Task MissingModule_StopsStartUp_WithAMessageNamingTheSettingAndPath()
    {
        using var token = await SoftHsmToken.CreateAsync();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAndStopAsync(token, new() { ["EstPortal:Pkcs11:LibraryPath"] = "/nonexistent/libpkcs11.so" }));

        Assert.Contains("EstPortal:Pkcs11:LibraryPath '/nonexistent/libpkcs11.so' does not exist", failure.Message);
    }

    [RequiresSoftHsmFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task PinFileReadableByOthers_StopsStartUp()
    {
        using var token = await SoftHsmToken.CreateAsync();
        File.SetUnixFileMode(token.PinFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAndStopAsync(token));

        Assert.Contains($"EstPortal:Pkcs11:PinFile '{token.PinFile}' is readable or writable by group or others", failure.Message);
    }

    private static async Task StartAndStopAsync(SoftHsmToken token, Dictionary<string, string?>? settings = null)
    {
        var host = await HsmCaTests.StartAsync(token, settings);
        await host.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting: " + describe?.Invoke());
            await Task.Delay(50);
        }
    }
}
