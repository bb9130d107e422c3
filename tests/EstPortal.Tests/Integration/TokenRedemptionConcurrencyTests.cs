using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EstPortal.Data;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Integration;

/// <summary>
/// DESIGN.md: a one-time token is redeemed by one conditional update, so racing requests get one certificate; on
/// SQLite and on PostgreSQL (where writers really run side by side).
/// </summary>
public sealed class TokenRedemptionConcurrencyTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task HundredParallelEnrollmentsWithOneToken_IssueExactlyOneCertificate(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var token = await host.IssueTokenAsync();
        var csrs = Enumerable.Range(0, 100).Select(i => TestCsr.Create($"CN=race-{i}")).ToList();
        using var client = host.CreateEstClient();

        var responses = await Task.WhenAll(csrs.Select(async csr =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll")
            {
                Content = new StringContent(csr.Base64, Encoding.ASCII, "application/pkcs10"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("x:" + token.Token)));
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }));

        Assert.Equal(1, responses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(csrs.Count - 1, responses.Count(s => s == HttpStatusCode.Unauthorized));
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var spent = await db.BootstrapTokens.SingleAsync(t => t.Id == token.Id);
        Assert.Equal(1, await db.IssuedCertificates.CountAsync(c => c.SerialNumber == spent.UsedForSerial));
        Assert.Equal(1, await db.IssuedCertificates.CountAsync(c => c.IssuedVia == $"token:{token.Id}"));
        var chain = await host.Services.GetRequiredService<EstPortal.Audit.AuditChainVerifier>().VerifyAsync();
        Assert.True(chain.Intact, chain.Summary);
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task TwoHundredParallelEnrollmentsWithDistinctCredentials_AllSucceed_SerialsUnique_AllRecorded(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        var devices = new List<EstPortal.Admin.NewDevice>();
        for (var i = 0; i < 200; i++)
            devices.Add(await host.AddDeviceAsync($"parallel-{i:D3}"));
        using var client = host.CreateEstClient();

        var issued = await Task.WhenAll(devices.Select(async device =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll")
            {
                Content = new StringContent(TestCsr.Create("CN=" + device.Name).Base64, Encoding.ASCII, "application/pkcs10"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{device.Name}:{device.Secret}")));
            using var response = await client.SendAsync(request);
            return await EstResponses.ReadIssuedCertificateAsync(response);
        }));

        Assert.Equal(200, issued.Select(c => c.SerialNumber).Distinct().Count());
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var serials = issued.Select(c => c.SerialNumber).ToList();
        Assert.Equal(200, await db.IssuedCertificates.CountAsync(c => serials.Contains(c.SerialNumber)));
        var chain = await host.Services.GetRequiredService<EstPortal.Audit.AuditChainVerifier>().VerifyAsync();
        Assert.True(chain.Intact, chain.Summary);
    }
}
