using System.Net;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary><c>device add NAME --san PATTERN…</c> and <c>device set NAME --san …</c>, as an operator runs them, then EST as the device meets them.</summary>
public sealed class DeviceCommandTests
{
    [Fact]
    public async Task DeviceAddAndSetSan_BoundWhatTheDeviceMayAskFor_AndBadPatternsAreClearErrors()
    {
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        var added = await EstPortalCli.RunAsync(dataDirectory, "device", "add", "ap1", "--san", @"dns:{device}\.plant\.example", "--san", @"ip:10\.7\..*");
        Assert.True(added.ExitCode == 0, added.ToString());
        var secret = added.LastLine;

        var bad = await EstPortalCli.RunAsync(dataDirectory, "device", "set", "ap1", "--san", "dns:(unclosed");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("'dns:(unclosed' is not a valid regular expression", bad.Stderr, StringComparison.Ordinal);
        var unknown = await EstPortalCli.RunAsync(dataDirectory, "device", "set", "nobody", "--san", "dns:x");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no device is named 'nobody'", unknown.Stderr, StringComparison.Ordinal);

        using (var host = EstPortalHost.Create(dataDirectory: dataDirectory))
        {
            host.KeepDataDirectory = true;
            await host.InitializeAsync();
            using var client = host.CreateEstClient();
            using var own = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=ap1", ["ap1.plant.example", "10.7.0.1"]).Base64, EstCalls.Basic("ap1", secret));
            await EstResponses.ReadIssuedCertificateAsync(own);
        }

        var set = await EstPortalCli.RunAsync(dataDirectory, "device", "set", "ap1", "--san", @"dns:{device}\.lab\.example");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains(@"dns:{device}\.lab\.example", set.Stdout, StringComparison.Ordinal);

        using (var host = EstPortalHost.Create(dataDirectory: dataDirectory))
        {
            await host.InitializeAsync();
            using var client = host.CreateEstClient();
            using var old = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=ap1", ["ap1.plant.example"]).Base64, EstCalls.Basic("ap1", secret));
            Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
            Assert.StartsWith("identity-san: ", await old.Content.ReadAsStringAsync());
            using var lab = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=ap1", ["ap1.lab.example"]).Base64, EstCalls.Basic("ap1", secret));
            await EstResponses.ReadIssuedCertificateAsync(lab);
        }
    }
}
