using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary><c>trust add|list|remove</c>, as an Admin runs them with a manufacturer's CA certificate made by openssl.</summary>
public sealed class TrustCommandTests
{
    [RequiresToolFact("openssl")]
    public async Task TrustAddListRemove_KeepsTheManufacturerCa_AndRefusesWhatCannotBeAnAnchor()
    {
        using var workspace = new ToolWorkspace();
        var manufacturer = new ManufacturerPki(workspace);
        var ca = await manufacturer.CreateCaAsync("acme", "/O=Acme Boards/CN=Acme IDevID CA");
        await manufacturer.IssueAsync("acme", "board", new IdevidSpec("/serialNumber=SN1/CN=board"));
        var dataDirectory = AdminCommandTests.NewDataDirectory();

        var added = await EstPortalCli.RunAsync(dataDirectory, "trust", "add", "acme", "--cert", manufacturer.PemPath("acme"));
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains(ca.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant(), added.Stdout, StringComparison.Ordinal);

        var ek = await EstPortalCli.RunAsync(dataDirectory, "trust", "add", "vendor-ek", "--cert", manufacturer.PemPath("acme"), "--purpose", "tpm-ek");
        Assert.True(ek.ExitCode == 0, ek.ToString());

        var again = await EstPortalCli.RunAsync(dataDirectory, "trust", "add", "acme", "--cert", manufacturer.PemPath("acme"));
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists", again.Stderr, StringComparison.Ordinal);

        // A device certificate vouches for nothing: only a CA certificate can be an anchor.
        var leaf = await EstPortalCli.RunAsync(dataDirectory, "trust", "add", "board", "--cert", manufacturer.PemPath("board"));
        Assert.NotEqual(0, leaf.ExitCode);
        Assert.Contains("not a CA certificate", leaf.Stderr, StringComparison.Ordinal);
        var purpose = await EstPortalCli.RunAsync(dataDirectory, "trust", "add", "x", "--cert", manufacturer.PemPath("acme"), "--purpose", "issuer");
        Assert.NotEqual(0, purpose.ExitCode);
        Assert.Contains("is not idevid or tpm-ek", purpose.Stderr, StringComparison.Ordinal);

        var list = await EstPortalCli.RunAsync(dataDirectory, "trust", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        var lines = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("acme\tidevid\t", StringComparison.Ordinal) && l.Contains("CN=Acme IDevID CA", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("vendor-ek\ttpm-ek\t", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("board", StringComparison.Ordinal));

        var removed = await EstPortalCli.RunAsync(dataDirectory, "trust", "remove", "acme");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        var gone = await EstPortalCli.RunAsync(dataDirectory, "trust", "remove", "acme");
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("No trust anchor is named 'acme'", gone.Stderr, StringComparison.Ordinal);
        var after = await EstPortalCli.RunAsync(dataDirectory, "trust", "list");
        Assert.DoesNotContain("acme\t", after.Stdout, StringComparison.Ordinal);
    }
}
