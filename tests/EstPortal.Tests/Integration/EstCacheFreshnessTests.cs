using System.Net;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>
/// EST keeps CA signers, /cacerts answers and parsed policies in memory. Each test first warms those caches with real
/// requests, then changes something through the portal's services or the admin command (another process on the same
/// database), and expects the very next EST request to see the change.
/// </summary>
public sealed class EstCacheFreshnessTests
{
    [Fact]
    public async Task ProfilePolicyChangedInThePortal_AppliesToTheNextEnrollment()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("fresh-policy");
        using var client = host.CreateEstClient();
        using (var warm = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-policy").Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        var profiles = host.Services.GetRequiredService<ProfileAdmin>();
        var current = (await profiles.FindAsync("default"))!;
        var onlyP384 = current.Policy with { Keys = current.Policy.Keys with { AllowedCurves = ["P-384"] } };
        var updated = await profiles.UpdateAsync("default", onlyP384, current.RequiresApproval, current.WrapBase64Lines, "test");
        Assert.True(updated.Succeeded, updated.Error);

        using var refused = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-policy").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("P-256", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ApprovalSwitchedOnByTheAdminCommand_AppliesToTheNextEnrollment()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("fresh-approval");
        using var client = host.CreateEstClient();
        using (var warm = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-approval").Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        var set = await EstPortalCli.RunAsync(host.DataDirectory, "profile", "set", "default", "--require-approval", "true");
        Assert.True(set.ExitCode == 0, set.ToString());

        using var held = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-approval").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
    }

    [Fact]
    public async Task RootRolledOverByTheAdminCommand_NextCaCertsAndEnrollmentUseTheNewRoot()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("fresh-rollover");
        using var client = host.CreateEstClient();
        Assert.Single(EstResponses.ReadCertsOnly(await client.GetStringAsync("/.well-known/est/cacerts")));
        using var before = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-rollover").Base64, Basic(device.Name, device.Secret));
        var issuedBefore = await EstResponses.ReadIssuedCertificateAsync(before);

        var rollover = await EstPortalCli.RunAsync(host.DataDirectory, "ca", "rollover");
        Assert.True(rollover.ExitCode == 0, rollover.ToString());

        var cacerts = EstResponses.ReadCertsOnly(await client.GetStringAsync("/.well-known/est/cacerts"));
        Assert.Equal(3, cacerts.Count);
        using var after = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-rollover").Base64, Basic(device.Name, device.Secret));
        var issuedAfter = await EstResponses.ReadIssuedCertificateAsync(after);
        Assert.NotEqual(AuthorityKeyId(issuedBefore), AuthorityKeyId(issuedAfter));
        Assert.Contains(cacerts, c => c.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any(s => s.SubjectKeyIdentifier == AuthorityKeyId(issuedAfter)));
    }

    [Fact]
    public async Task CertificateRevokedByTheAdminCommand_IsRefusedForReenrollmentAtOnce()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("fresh-revoke");
        using var client = host.CreateEstClient();
        var csr = TestCsr.Create("CN=fresh-revoke");
        using var enrolled = await PostAsync(client, "/.well-known/est/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(enrolled);
        using var withCertificate = host.CreateEstClient(csr.WithPrivateKey(certificate));
        using (var renewed = await PostAsync(withCertificate, "/.well-known/est/simplereenroll", TestCsr.Create("CN=fresh-revoke").Base64, null))
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);

        var revoke = await EstPortalCli.RunAsync(host.DataDirectory, "cert", "revoke", certificate.SerialNumber, "--reason", "keyCompromise");
        Assert.True(revoke.ExitCode == 0, revoke.ToString());

        using var refused = await PostAsync(withCertificate, "/.well-known/est/simplereenroll", TestCsr.Create("CN=fresh-revoke").Base64, null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task DeviceDisabledInThePortal_IsRefusedAtOnce()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("fresh-disable");
        using var client = host.CreateEstClient();
        using (var warm = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-disable").Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        var devices = host.Services.GetRequiredService<DeviceAdmin>();
        var disabled = await devices.SetDisabledAsync((await devices.FindAsync(device.Name))!.Id, disabled: true, revokeCertificates: false, "test");
        Assert.True(disabled.Succeeded, disabled.Error);

        using var refused = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=fresh-disable").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static string? AuthorityKeyId(X509Certificate2 certificate) =>
        Convert.ToHexString(certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.Span);
}
