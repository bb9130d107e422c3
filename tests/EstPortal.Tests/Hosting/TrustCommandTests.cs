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

/// <summary>The IDevID flags of <c>profile add|set</c> and <c>device add|set|show</c>, as an operator runs them, then EST as the board meets them.</summary>
public sealed class IdevidCommandTests
{
    [RequiresToolFact("openssl")]
    public async Task ProfileAndDeviceIdevidFlags_LetABoardEnroll_AndProfileSetClearingTheAnchorsStopsIt()
    {
        using var workspace = new ToolWorkspace();
        var manufacturer = new ManufacturerPki(workspace);
        await manufacturer.CreateCaAsync("acme", "/O=Acme Boards/CN=Acme IDevID CA");
        var idevid = await manufacturer.IssueAsync("acme", "board", new IdevidSpec("/CN=acme-board-7/serialNumber=SN7") { EndDate = "20210101000000Z" });
        var dataDirectory = AdminCommandTests.NewDataDirectory();

        Assert.Equal(0, (await EstPortalCli.RunAsync(dataDirectory, "trust", "add", "acme", "--cert", manufacturer.PemPath("acme"))).ExitCode);
        var typo = await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "factory", "--label", "factory", "--idevid-trust", "acmee");
        Assert.NotEqual(0, typo.ExitCode);
        Assert.Contains("No manufacturer (idevid) trust anchor is named 'acmee'", typo.Stderr, StringComparison.Ordinal);
        var badIdentity = await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "factory", "--label", "factory", "--idevid-trust", "acme", "--idevid-identity", "mac");
        Assert.NotEqual(0, badIdentity.ExitCode);
        Assert.Contains("--idevid-identity 'mac' is not serialNumber, cn or san-uri", badIdentity.Stderr, StringComparison.Ordinal);
        var profile = await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "factory", "--label", "factory",
            "--idevid-trust", "acme", "--idevid-identity", "cn", "--idevid-register", "none", "--idevid-accept-expired", "true");
        Assert.True(profile.ExitCode == 0, profile.ToString());
        var device = await EstPortalCli.RunAsync(dataDirectory, "device", "add", "board-7", "--idevid", "acme-board-7");
        Assert.True(device.ExitCode == 0, device.ToString());

        using (var host = EstPortalHost.Create(dataDirectory: dataDirectory))
        {
            host.KeepDataDirectory = true;
            await host.InitializeAsync();
            using var client = host.CreateEstClient(manufacturer.LoadWithKey("board"));
            using var enrolled = await EstCalls.PostAsync(client, "/.well-known/est/factory/simpleenroll", TestCsr.Create("CN=board-7").Base64, auth: null);
            await EstResponses.ReadIssuedCertificateAsync(enrolled);
        }

        var show = await EstPortalCli.RunAsync(dataDirectory, "device", "show", "board-7");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("idevid: acme-board-7", show.Stdout, StringComparison.Ordinal);
        Assert.Contains($"serial {idevid.SerialNumber}", show.Stdout, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(idevid.RawData)), show.Stdout, StringComparison.Ordinal);

        var cleared = await EstPortalCli.RunAsync(dataDirectory, "profile", "set", "factory", "--idevid-trust", "");
        Assert.True(cleared.ExitCode == 0, cleared.ToString());
        var noIdevid = await EstPortalCli.RunAsync(dataDirectory, "device", "set", "board-7", "--no-idevid");
        Assert.True(noIdevid.ExitCode == 0, noIdevid.ToString());

        using (var host = EstPortalHost.Create(dataDirectory: dataDirectory))
        {
            await host.InitializeAsync();
            using var client = host.CreateEstClient(manufacturer.LoadWithKey("board"));
            using var refused = await EstCalls.PostAsync(client, "/.well-known/est/factory/simpleenroll", TestCsr.Create("CN=board-7").Base64, auth: null);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }
}
