using System.Net;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>RFC 7030 §4.1.3: after a root key rollover, /cacerts carries NewWithNew, NewWithOld and OldWithNew.</summary>
public sealed class RootCaRolloverTests
{
    [Fact]
    public async Task Rollover_CertificatesFromBothKeysVerifyForClientsHoldingEitherRoot()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var oldRoot = host.CaCertificate;
        var device = await host.AddDeviceAsync("rollover-device");
        var beforeCsr = TestCsr.Create("CN=rollover-device");
        using var client = host.CreateEstClient();
        using var before = await PostAsync(client, "/.well-known/est/simpleenroll", beforeCsr.Base64, Basic(device.Name, device.Secret));
        var issuedBefore = await EstResponses.ReadIssuedCertificateAsync(before);

        var rolled = await host.Services.GetRequiredService<CertificateAuthorityAdmin>().RolloverAsync(null, "test");
        Assert.True(rolled.Succeeded, rolled.Error);

        var cacerts = EstResponses.ReadCertsOnly(await client.GetStringAsync("/.well-known/est/cacerts"));
        Assert.Equal(3, cacerts.Count);
        var newRoot = Assert.Single(cacerts, IsSelfSigned);
        Assert.NotEqual(oldRoot.Thumbprint, newRoot.Thumbprint);
        Assert.Equal(oldRoot.Subject, newRoot.Subject);
        var links = cacerts.Where(c => c.Thumbprint != newRoot.Thumbprint).ToList();

        using var after = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=rollover-device").Base64, Basic(device.Name, device.Secret));
        var issuedAfter = await EstResponses.ReadIssuedCertificateAsync(after);
        Assert.NotEqual(
            issuedBefore.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray(),
            issuedAfter.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray());

        foreach (var root in new[] { oldRoot, newRoot })
        {
            Assert.True(Verifies(issuedBefore, root, links), $"old-key certificate with root {root.Thumbprint}");
            Assert.True(Verifies(issuedAfter, root, links), $"new-key certificate with root {root.Thumbprint}");
        }

        // A certificate issued under the old key still re-enrolls; its renewal comes from the new key.
        using var withOld = host.CreateEstClient(beforeCsr.WithPrivateKey(issuedBefore));
        using var renewed = await PostAsync(withOld, "/.well-known/est/simplereenroll", TestCsr.Create("CN=rollover-device").Base64, null);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    private static bool IsSelfSigned(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate) && chain.ChainElements.Count == 1;
    }

    private static bool Verifies(X509Certificate2 leaf, X509Certificate2 trustedRoot, IEnumerable<X509Certificate2> intermediates)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trustedRoot);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
