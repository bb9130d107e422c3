using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hosting;

/// <summary><c>profile add|set --require-tpm-attestation --tpm-ek-trust NAME</c>, as an Admin runs them after <c>trust add … --purpose tpm-ek</c>.</summary>
public sealed class TpmProfileCommandTests
{
    [Fact]
    public async Task ProfileAddAndSet_TpmAttestationNamesKnownEkAnchors_AndRequiringItNeedsOne()
    {
        using var workspace = new ToolWorkspace();
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test TPM Vendor EK Root", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        var rootPem = workspace.WriteCaPem(root, "vendor-ek.pem");
        var dataDirectory = AdminCommandTests.NewDataDirectory();
        var anchor = await EstPortalCli.RunAsync(dataDirectory, "trust", "add", "vendor", "--cert", rootPem, "--purpose", "tpm-ek");
        Assert.True(anchor.ExitCode == 0, anchor.ToString());

        var none = await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "tpm-only", "--label", "tpmonly", "--require-tpm-attestation");
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("names at least one TPM EK trust anchor", none.Stderr, StringComparison.Ordinal);
        var typo = await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "tpm-only", "--label", "tpmonly", "--require-tpm-attestation",
            "--tpm-ek-trust", "vendr");
        Assert.NotEqual(0, typo.ExitCode);
        Assert.Contains("No TPM EK trust anchor (purpose tpm-ek) is named 'vendr'", typo.Stderr, StringComparison.Ordinal);

        var added = await EstPortalCli.RunAsync(dataDirectory, "profile", "add", "tpm-only", "--label", "tpmonly", "--require-tpm-attestation",
            "--tpm-ek-trust", "vendor");
        Assert.True(added.ExitCode == 0, added.ToString());
        var shown = await EstPortalCli.RunAsync(dataDirectory, "profile", "show", "tpm-only");
        Assert.Matches("\"tpmAttestation\": \\{\\s*\"required\": true,\\s*\"ekTrust\": \\[\\s*\"vendor\"\\s*\\]", shown.Stdout);

        var relaxed = await EstPortalCli.RunAsync(dataDirectory, "profile", "set", "tpm-only", "--require-tpm-attestation", "false");
        Assert.True(relaxed.ExitCode == 0, relaxed.ToString());
        var after = await EstPortalCli.RunAsync(dataDirectory, "profile", "show", "tpm-only");
        Assert.Matches("\"tpmAttestation\": \\{\\s*\"required\": false,\\s*\"ekTrust\": \\[\\s*\"vendor\"\\s*\\]", after.Stdout);
    }
}
