using System.Net;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Lifecycle;

/// <summary>
/// `EstPortal cert revoke|list` run as a separate process on the data directory of a running server, as an operator
/// on that machine would: the revocation takes effect for EST at once and shows in the next CRL fetch.
/// </summary>
public sealed class CertCommandTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [RequiresToolFact("curl")]
    public async Task CertRevoke_ByTheCommand_RefusesReenrollmentAtOnce_PublishesTheSerialWithReason_AndCertListShowsIt()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "cli-revoke");
        using var dir = new ToolWorkspace();
        var crlUrl = Assert.Single(LifecycleSteps.CrlDistributionPoints(enrolled.Certificate));
        var before = await LifecycleSteps.CrlNumberAsync(dir, await LifecycleSteps.CurlAsync(dir, "before", crlUrl));

        // EstPortal cert revoke SERIAL --reason keyCompromise --EstPortal:DataDirectory=DIR
        var revoke = await EstPortalCli.RunAsync(host.DataDirectory, "cert", "revoke", enrolled.Serial, "--reason", "keyCompromise");
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.False(revoke.StartedWebServer, revoke.ToString());

        using var reenroll = await LifecycleSteps.ReenrollAsync(host, enrolled);
        Assert.Equal(HttpStatusCode.Forbidden, reenroll.StatusCode);

        Assert.True(await LifecycleSteps.CrlNumberAsync(dir, await LifecycleSteps.CurlAsync(dir, "after", crlUrl)) > before);
        var text = await LifecycleSteps.RunAsync(dir, "openssl", "crl", "-inform", "DER", "-in", "after.der", "-noout", "-text");
        Assert.Contains($"Serial Number: {enrolled.Serial}", text.Stdout);
        Assert.Contains("Key Compromise", text.Stdout);

        // EstPortal cert list --device NAME
        var list = await EstPortalCli.RunAsync(host.DataDirectory, "cert", "list", "--device", enrolled.Device.Name);
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = Assert.Single(list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Split('\t');
        Assert.Equal(enrolled.Serial, row[0]);
        Assert.Equal(enrolled.Certificate.Subject, row[1]);
        Assert.Equal(enrolled.Certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), row[2]);
        Assert.Equal("revoked:keyCompromise", row[3].TrimEnd('\r'));
    }

    [Theory]
    [InlineData("cert revoke 0123456789ABCDEF --reason keyCompromise", "error: No certificate has serial 0123456789ABCDEF")]
    [InlineData("cert revoke 0123456789ABCDEF --reason compromisedByAliens", "error: 'compromisedByAliens' is not an RFC 5280 revocation reason")]
    [InlineData("cert revoke not-hex --reason superseded", "error: 'not-hex' is not a hex serial number")]
    [InlineData("cert list --device no-such-device", "error: no device is named 'no-such-device'")]
    public async Task BadInput_ExitsNonZeroWithAnErrorLine(string command, string expected)
    {
        var result = await EstPortalCli.RunAsync(host.DataDirectory, command.Split(' '));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertRevoke_WithoutAReason_IsRefused()
    {
        var result = await EstPortalCli.RunAsync(host.DataDirectory, "cert", "revoke", "0123456789ABCDEF");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--reason", result.Stderr, StringComparison.Ordinal);
    }
}
