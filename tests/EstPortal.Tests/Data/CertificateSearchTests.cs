using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Data;

/// <summary>
/// The certificate list's prefix searches run as index ranges; on PostgreSQL they depend on byte-order collation,
/// which a linguistic default (en_US) would break. Same answers on both providers.
/// </summary>
public sealed class CertificateSearchTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task SerialAndSubjectPrefixes_FindExactlyTheMatchingCertificates(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var serials = new Dictionary<string, string>();
        using var client = host.CreateEstClient();
        foreach (var name in new[] { "search-a", "search-b", "search-b2", "Search-B" })
        {
            var device = await host.AddDeviceAsync(name);
            using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create($"CN={name}, O=Fleet").Base64, Basic(name, device.Secret));
            serials[name] = (await EstResponses.ReadIssuedCertificateAsync(response)).SerialNumber;
        }
        var certificates = host.Services.GetRequiredService<CertificateAdmin>();

        var bySubject = await certificates.SearchAsync(new CertificateQuery(SubjectPrefix: "CN=search-b"));
        Assert.Equal(["search-b", "search-b2"], bySubject.Items.Select(i => serials.Single(s => s.Value == i.SerialNumber).Key).Order());

        var bare = await certificates.SearchAsync(new CertificateQuery(SubjectPrefix: "Search-B"));
        Assert.Equal(serials["Search-B"], Assert.Single(bare.Items).SerialNumber);

        foreach (var (name, serial) in serials)
        {
            var bySerial = await certificates.SearchAsync(new CertificateQuery(Serial: serial[..10].ToLowerInvariant()));
            Assert.Contains(bySerial.Items, i => i.SerialNumber == serial);
            Assert.All(bySerial.Items, i => Assert.StartsWith(serial[..10], i.SerialNumber));
        }
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task ABroadSubjectPrefix_FindsTheSameCertificates_AsANarrowOne(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var device = await host.AddDeviceAsync("template");
        using (var client = host.CreateEstClient())
        using (var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=template").Base64, Basic("template", device.Secret)))
            await EstResponses.ReadIssuedCertificateAsync(response);
        // More rows under one prefix than CertificateAdmin.BroadSubjectPrefix, so the broad path is taken.
        await using (var db = await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync())
        {
            var template = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.IssuedCertificates);
            for (var i = 0; i < CertificateAdmin.BroadSubjectPrefix + 100; i++)
            {
                db.IssuedCertificates.Add(new EstPortal.Data.Entities.IssuedCertificate
                {
                    Id = Guid.NewGuid(), SerialNumber = $"7F{i:X8}", CertificateAuthorityId = template.CertificateAuthorityId,
                    Subject = $"CN=bulk-{i:D4}, O=Fleet", Sha256Thumbprint = $"{i:x64}", PublicKeySha256 = template.PublicKeySha256,
                    CertificateDer = template.CertificateDer, NotBefore = template.NotBefore, NotAfter = template.NotAfter,
                    IssuedAt = template.IssuedAt.AddSeconds(-i), IssuedVia = template.IssuedVia,
                });
            }
            await db.SaveChangesAsync();
        }
        var certificates = host.Services.GetRequiredService<CertificateAdmin>();
        var pages = host.Services.GetRequiredService<KeysetPages>();

        var broad = await certificates.SearchAsync(new CertificateQuery(SubjectPrefix: "CN=bulk-"));
        var narrow = await certificates.SearchAsync(new CertificateQuery(SubjectPrefix: "CN=bulk-1"));
        var none = await certificates.SearchAsync(new CertificateQuery(SubjectPrefix: "CN=Bulk-"));

        Assert.Equal(CertificateAdmin.BroadSubjectPrefix + 100, broad.Count);
        Assert.Equal(1_000, narrow.Count);
        Assert.Equal(0, none.Count);
        Assert.All(broad.Items, i => Assert.StartsWith("CN=bulk-", i.Subject, StringComparison.Ordinal));
        var first = await pages.CertificatesAsync(new CertificateQuery(SubjectPrefix: "CN=bulk-"), null, 50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"CN=bulk-{i:D4}, O=Fleet"), first.Items.Select(i => i.Subject));
    }
}
