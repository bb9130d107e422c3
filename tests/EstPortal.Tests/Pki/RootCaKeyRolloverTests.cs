using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EstPortal.Tests.Pki;

public sealed class RootCaKeyRolloverTests : IDisposable
{
    private const string RootName = "CN=Rollover Root CA, O=Example";

    private readonly FakeTimeProvider _clock = TestPki.Clock();
    private readonly SoftwareCaSigner _oldCa;
    private readonly SoftwareCaSigner _newCa;
    private readonly RolloverCertificates _links;

    public RootCaKeyRolloverTests()
    {
        _oldCa = TestPki.CreateCa(_clock, CaKeyAlgorithm.EcP256, TimeSpan.FromDays(3 * 365), RootName);
        _clock.Advance(TimeSpan.FromDays(2 * 365));
        _newCa = TestPki.CreateCa(_clock, CaKeyAlgorithm.EcP384, TimeSpan.FromDays(10 * 365), RootName);
        _links = new RootCaKeyRollover(_clock, new SerialNumberGenerator(TimeProvider.System)).CreateLinks(_oldCa, _newCa);
    }

    public void Dispose()
    {
        _links.OldWithNew.Dispose();
        _links.NewWithOld.Dispose();
        _oldCa.Dispose();
        _newCa.Dispose();
    }

    [Fact]
    public void NewWithOld_LeafOfTheNewKey_VerifiesForAClientTrustingOnlyTheOldRoot()
    {
        using var leaf = IssueLeaf(_newCa);

        using var withLink = TestPki.ChainTo(_oldCa.Certificate, _clock.GetUtcNow());
        withLink.ChainPolicy.ExtraStore.Add(_links.NewWithOld);
        Assert.True(withLink.Build(leaf), TestPki.ChainStatus(withLink));
        Assert.Equal(
            [leaf.Thumbprint, _links.NewWithOld.Thumbprint, _oldCa.Certificate.Thumbprint],
            withLink.ChainElements.Select(e => e.Certificate.Thumbprint));

        using var withoutLink = TestPki.ChainTo(_oldCa.Certificate, _clock.GetUtcNow());
        Assert.False(withoutLink.Build(leaf));
    }

    [Fact]
    public void OldWithNew_LeafOfTheOldKey_VerifiesForAClientTrustingOnlyTheNewRoot()
    {
        using var leaf = IssueLeaf(_oldCa);

        using var withLink = TestPki.ChainTo(_newCa.Certificate, _clock.GetUtcNow());
        withLink.ChainPolicy.ExtraStore.Add(_links.OldWithNew);
        Assert.True(withLink.Build(leaf), TestPki.ChainStatus(withLink));
        Assert.Equal(
            [leaf.Thumbprint, _links.OldWithNew.Thumbprint, _newCa.Certificate.Thumbprint],
            withLink.ChainElements.Select(e => e.Certificate.Thumbprint));

        using var withoutLink = TestPki.ChainTo(_newCa.Certificate, _clock.GetUtcNow());
        Assert.False(withoutLink.Build(leaf));
    }

    [Fact]
    public void Links_CarryTheCertifiedKeyAsSkiAndTheSigningKeyAsAki()
    {
        var oldSki = Ski(_oldCa.Certificate);
        var newSki = Ski(_newCa.Certificate);

        Assert.Equal(_oldCa.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), _links.OldWithNew.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(oldSki, Ski(_links.OldWithNew));
        Assert.Equal(newSki, Aki(_links.OldWithNew));

        Assert.Equal(_newCa.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), _links.NewWithOld.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(newSki, Ski(_links.NewWithOld));
        Assert.Equal(oldSki, Aki(_links.NewWithOld));

        foreach (var link in new[] { _links.OldWithNew, _links.NewWithOld })
        {
            Assert.Equal(RootName, link.Subject);
            Assert.Equal(RootName, link.Issuer);
            var constraints = link.Extensions.OfType<X509BasicConstraintsExtension>().Single();
            Assert.True(constraints.CertificateAuthority);
            Assert.True(constraints.Critical);
            Assert.True(link.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        }
    }

    [Fact]
    public void Links_ValidityFollowsRfc4210AndNeverOutlivesTheOldRoot()
    {
        // RFC 4210 §4.4.1: OldWithNew spans OldWithOld; NewWithOld starts with NewWithNew and ends with the old root.
        Assert.Equal(_oldCa.Certificate.NotBefore, _links.OldWithNew.NotBefore);
        Assert.Equal(_oldCa.Certificate.NotAfter, _links.OldWithNew.NotAfter);
        Assert.Equal(_newCa.Certificate.NotBefore, _links.NewWithOld.NotBefore);
        Assert.Equal(_oldCa.Certificate.NotAfter, _links.NewWithOld.NotAfter);
    }

    [Fact]
    public void CreateLinks_RootsWithDifferentNames_IsRejected()
    {
        using var other = TestPki.CreateCa(_clock, subject: "CN=Another Root");

        Assert.Throws<ArgumentException>(
            () => new RootCaKeyRollover(_clock, new SerialNumberGenerator(TimeProvider.System)).CreateLinks(_oldCa, other));
    }

    [Fact]
    public void CreateLinks_OldRootExpired_IsRefused()
    {
        _clock.Advance(TimeSpan.FromDays(2 * 365));

        Assert.Throws<IssuanceRefusedException>(
            () => new RootCaKeyRollover(_clock, new SerialNumberGenerator(TimeProvider.System)).CreateLinks(_oldCa, _newCa));
    }

    [RequiresToolFact("openssl")]
    public async Task OpenSsl_VerifiesLeavesAcrossTheRolloverInBothDirections()
    {
        using var newLeaf = IssueLeaf(_newCa);
        using var oldLeaf = IssueLeaf(_oldCa);
        using var workspace = new ToolWorkspace();
        var at = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        await AssertVerifies(workspace, "old-root.pem", _oldCa.Certificate, "new-with-old.pem", _links.NewWithOld, "new-leaf.pem", newLeaf, at);
        await AssertVerifies(workspace, "new-root.pem", _newCa.Certificate, "old-with-new.pem", _links.OldWithNew, "old-leaf.pem", oldLeaf, at);
    }

    private static async Task AssertVerifies(
        ToolWorkspace workspace, string rootFile, X509Certificate2 root, string linkFile, X509Certificate2 link,
        string leafFile, X509Certificate2 leaf, string at)
    {
        var result = await ExternalTool.RunAsync(
            "openssl",
            [
                "verify", "-x509_strict", "-attime", at,
                "-CAfile", workspace.WriteCaPem(root, rootFile),
                "-untrusted", workspace.Write(linkFile, link.ExportCertificatePem()),
                workspace.Write(leafFile, leaf.ExportCertificatePem()),
            ],
            stdin: null,
            ExternalTool.DefaultTimeout);

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains(": OK", result.Stdout, StringComparison.Ordinal);
    }

    private X509Certificate2 IssueLeaf(ICaSigner ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.Csr(key, "CN=rollover-device");
        return new CertificateIssuer(_clock, new SerialNumberGenerator(TimeProvider.System))
            .Issue(ca, new IssuanceRequest(csr, csr.SubjectName, null, TimeSpan.FromDays(30)))
            .Certificate;
    }

    private static byte[] Ski(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray();

    private static byte[] Aki(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single().KeyIdentifier!.Value.ToArray();
}
