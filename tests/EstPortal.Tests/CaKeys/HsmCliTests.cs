using EstPortal.Tests.Hosting;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.CaKeys;

/// <summary>
/// `EstPortal ca create|import|list` with the key in SoftHSM2, run as the operator runs them: a root and an
/// intermediate generated in the token, listed with their pkcs11: URIs, and a CA certificate adopted by key label in
/// another installation — refused when the label's key does not belong to the certificate.
/// </summary>
[Collection(SoftHsmCollection.Name)]
public sealed class HsmCliTests
{
    [RequiresSoftHsmFact]
    public async Task CaCreateInTheToken_ListShowsWhereKeysLive_AndImportAdoptsAKeyByLabel()
    {
        using var token = await SoftHsmToken.CreateAsync("cli-token");
        var first = AdminCommandTests.NewDataDirectory();
        var second = AdminCommandTests.NewDataDirectory();
        try
        {
            var root = await EstPortalCli.RunAsync(first, ["ca", "create", "hsm-root", "--subject", "CN=CLI HSM Root", "--key", "EC-P384", "--store", "pkcs11", .. token.Arguments]);
            var intermediate = await EstPortalCli.RunAsync(first, ["ca", "create", "hsm-issuing", "--subject", "CN=CLI HSM Issuing", "--key", "RSA-3072",
                "--issuer", "hsm-root", "--validity-days", "365", "--store", "pkcs11", .. token.Arguments]);
            var list = await EstPortalCli.RunAsync(first, ["ca", "list", .. token.Arguments]);
            var export = await EstPortalCli.RunAsync(first, ["ca", "export", "hsm-root", .. token.Arguments]);

            Assert.True(root.ExitCode == 0, root.ToString());
            Assert.True(intermediate.ExitCode == 0, intermediate.ToString());
            var rows = list.Stdout.Split('\n').Select(l => l.Split('\t')).Where(f => f.Length >= 6).ToDictionary(f => f[0]);
            Assert.Equal("software", rows["default"][3]);
            Assert.StartsWith("pkcs11:token=cli-token;object=hsm-root;id=", rows["hsm-root"][3]);
            Assert.StartsWith("pkcs11:token=cli-token;object=hsm-issuing;id=", rows["hsm-issuing"][3]);
            Assert.Equal("RSA 3072", rows["hsm-issuing"][2]);

            using var dir = new ToolWorkspace();
            var rootPem = dir.Write("root.pem", export.Stdout);
            var otherPem = dir.Write("other.pem", (await EstPortalCli.RunAsync(first, ["ca", "export", "hsm-issuing", .. token.Arguments])).Stdout);
            var adopted = await EstPortalCli.RunAsync(second, ["ca", "import", "adopted-root", "--cert", rootPem, "--pkcs11-key", "hsm-root", .. token.Arguments]);
            var mismatch = await EstPortalCli.RunAsync(second, ["ca", "import", "wrong-key", "--cert", otherPem, "--pkcs11-key", "hsm-root", .. token.Arguments]);
            var missing = await EstPortalCli.RunAsync(second, ["ca", "import", "no-key", "--cert", rootPem, "--pkcs11-key", "no-such-label", .. token.Arguments]);
            var secondList = await EstPortalCli.RunAsync(second, ["ca", "list", .. token.Arguments]);

            Assert.True(adopted.ExitCode == 0, adopted.ToString());
            Assert.Contains("adopted-root\t-\tEC P-384\tpkcs11:token=cli-token;object=hsm-root;id=", secondList.Stdout);
            Assert.NotEqual(0, mismatch.ExitCode);
            Assert.Contains("does not match the public key", mismatch.Stderr);
            Assert.NotEqual(0, missing.ExitCode);
            Assert.Contains("holds no private key labelled 'no-such-label'", missing.Stderr);
            Assert.DoesNotContain(SoftHsmToken.Pin, root.Stdout + root.Stderr + list.Stdout + adopted.Stdout + adopted.Stderr);
        }
        finally
        {
            AdminCommandTests.DeleteDataDirectory(first);
            AdminCommandTests.DeleteDataDirectory(second);
        }
    }
}
