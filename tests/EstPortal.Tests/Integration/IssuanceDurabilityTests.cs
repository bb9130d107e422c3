using System.Net;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Enrollment;
using EstPortal.Hosting;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>
/// On SQLite the issuance writer commits without syncing and the log is synced on another thread (ADR 0011). These
/// tests hold that sync back, or make it fail, around the real app and a real enrollment: a device must never get a
/// certificate whose record is not yet on disk.
/// </summary>
public sealed class IssuanceDurabilityTests
{
    [Fact]
    public async Task TheCertificate_IsAnsweredOnlyAfterTheLogIsSynced_ThoughItsRecordIsAlreadyCommitted()
    {
        using var release = new SemaphoreSlim(0);
        var held = 0;
        await using var host = HostWithSync(path =>
        {
            if (Interlocked.Exchange(ref held, 1) == 0)
                Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
            IssuanceWriterContexts.SyncToDisk(path);
        });
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("durable-device");
        using var client = host.CreateEstClient();

        var enrolling = PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=durable-device").Base64, Basic(device.Name, device.Secret));

        // The record commits, but the answer waits for the sync.
        await WaitForCertificatesAsync(host, "CN=durable-device", 1);
        await Task.Delay(300);
        Assert.False(enrolling.IsCompleted, "the certificate was answered before the log reached the disk");

        release.Release();
        using var response = await enrolling.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkcs7-mime", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WhenTheLogCannotBeSynced_NoCertificateIsHandedOut()
    {
        await using var host = HostWithSync(_ => throw new IOException("simulated: the disk refused the sync"));
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("unsynced-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=unsynced-device").Base64, Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("MII", await response.Content.ReadAsStringAsync());
    }

    private static EstPortalHost HostWithSync(Action<string> sync) =>
        EstPortalHost.Create(services: s => s.AddSingleton(sp => new IssuanceWriterContexts(
            sp.GetRequiredService<IDbContextFactory<EstPortalDbContext>>(),
            sp.GetRequiredService<DatabaseConnection>(),
            sp.GetRequiredService<AuditChainInterceptor>(),
            sync)));

    private static async Task WaitForCertificatesAsync(EstPortalHost host, string subject, int count)
    {
        var contexts = host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using (var db = await contexts.CreateDbContextAsync())
            {
                if (await db.IssuedCertificates.CountAsync(c => c.Subject == subject) >= count)
                    return;
            }
            Assert.True(DateTime.UtcNow < deadline, "the certificate was never committed");
            await Task.Delay(20);
        }
    }
}
