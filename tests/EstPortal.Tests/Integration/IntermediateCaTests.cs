using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>A profile on an intermediate CA: /cacerts carries the chain up to the root (RFC 7030 §4.1.3).</summary>
public sealed class IntermediateCaTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task ProfileOnIntermediate_CaCertsHasTheChain_AndIssuedCertificatesVerifyAgainstTheRoot()
    {
        var root = host.CaCertificate;
        var provisioning = host.Services.GetRequiredService<CaProvisioning>();
        var created = await provisioning.CreateAsync(new NewCaRequest("line-ca", "CN=Line Issuing CA", CaKeyAlgorithm.EcP256, 365, 0,
            (await host.Services.GetRequiredService<EstPortal.Enrollment.CertificateAuthorities>().FindDefaultAsync())!.Id), "test");
        Assert.True(created.Succeeded, created.Error);
        var result = await host.Services.GetRequiredService<ProfileAdmin>()
            .AddAsync("line", "line", "line-ca", EstPortal.Policy.CsrPolicy.Default, false, false, "test");
        Assert.True(result.Succeeded, result.Error);
        var device = await host.AddDeviceAsync("line-device");
        using var client = host.CreateEstClient();

        var chain = EstResponses.ReadCertsOnly(await client.GetStringAsync("/.well-known/est/line/cacerts"));
        using var response = await PostAsync(client, "/.well-known/est/line/simpleenroll", TestCsr.Create("CN=line-device").Base64, Basic(device.Name, device.Secret));
        var issued = await EstResponses.ReadIssuedCertificateAsync(response);

        Assert.Equal(2, chain.Count);
        Assert.Contains(chain, c => c.Thumbprint == root.Thumbprint);
        Assert.Equal("CN=Line Issuing CA", issued.Issuer);
        using var verify = new X509Chain();
        verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verify.ChainPolicy.CustomTrustStore.Add(root);
        verify.ChainPolicy.ExtraStore.AddRange(chain.ToArray());
        verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(verify.Build(issued), string.Join("; ", verify.ChainStatus.Select(s => s.StatusInformation)));
    }
}
