using System.Security.Cryptography;
using System.Text;
using EstPortal.CaKeys.Software;
using EstPortal.Data;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Security;

/// <summary>
/// CA private keys, device secrets and bootstrap tokens never appear in clear in the database files, the data
/// directory, the logs (at every level), or any HTTP response after the one that created them.
/// </summary>
public sealed class SecretsStaySecretTests
{
    [Fact]
    public async Task SecretsAndKeys_AreNowhereInClear()
    {
        var logs = new CapturedLogs();
        using var host = EstPortalHost.Create(logs: logs);
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("secretive-device");
        var token = await host.IssueTokenAsync();
        var responses = new StringBuilder();
        using (var client = host.CreateEstClient())
        {
            foreach (var (path, user, password) in new[]
                     {
                         ("/.well-known/est/simpleenroll", device.Name, device.Secret),
                         ("/.well-known/est/simpleenroll", "installer", token.Token),
                         ("/.well-known/est/simpleenroll", "installer", token.Token), // refused: already used
                         ("/.well-known/est/simpleenroll", device.Name, device.Secret + "x"), // refused: wrong
                         ("/.well-known/est/serverkeygen", device.Name, device.Secret),
                     })
            {
                using var response = await PostAsync(client, path, TestCsr.Create("CN=secretive-device").Base64, Basic(user, password));
                responses.Append(await response.Content.ReadAsStringAsync()).Append(response.Headers);
            }
            responses.Append(await client.GetStringAsync("/.well-known/est/cacerts"));
        }

        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var ca = await db.CertificateAuthorities.SingleAsync();
        var pkcs8 = host.Services.GetRequiredService<CaKeyProtector>().Unprotect(ca.ProtectedPrivateKey);
        using var caKey = ECDsa.Create();
        caKey.ImportPkcs8PrivateKey(pkcs8, out _);
        var caScalar = caKey.ExportParameters(true).D!;

        var secrets = new Dictionary<string, byte[]>
        {
            ["device secret"] = Encoding.UTF8.GetBytes(device.Secret),
            ["bootstrap token"] = Encoding.UTF8.GetBytes(token.Token),
            ["CA private key (PKCS#8)"] = pkcs8,
            ["CA private scalar"] = caScalar,
            ["CA private scalar as base64"] = Encoding.ASCII.GetBytes(Convert.ToBase64String(caScalar)),
        };

        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(FULL);");
        foreach (var file in Directory.GetFiles(host.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var (what, secret) in secrets)
                Assert.True(bytes.AsSpan().IndexOf(secret) < 0, $"{what} found in clear in {Path.GetFileName(file)}");
        }
        var logText = Encoding.UTF8.GetBytes(logs.All);
        var responseText = Encoding.UTF8.GetBytes(responses.ToString());
        foreach (var (what, secret) in secrets)
        {
            Assert.True(logText.AsSpan().IndexOf(secret) < 0, $"{what} found in the logs");
            Assert.True(responseText.AsSpan().IndexOf(secret) < 0, $"{what} found in an HTTP response");
        }
        Assert.Contains(logs.Lines, l => l.Contains("est.simpleenroll", StringComparison.Ordinal)); // the logs were captured
    }
}
