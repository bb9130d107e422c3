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
}
