using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Pki;

/// <summary>The CRL as openssl, a strict and widely deployed relying party, reads it. Real clock: openssl checks times.</summary>
public sealed class CrlBuilderOpenSslTests : IDisposable
{
    private readonly SoftwareCaSigner _ca = TestPki.CreateCa(TimeProvider.System);
    private readonly CertificateIssuer _issuer = new(TimeProvider.System, new SerialNumberGenerator());
    private readonly OpenSslScratch _dir = new();

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    [RequiresToolFact("openssl")]
    public async Task Crl_OpenSslVerifiesSignatureAndShowsSerialsReasonsAndNumber()
    {
        var keyCompromised = new SerialNumberGenerator().Next();
        var held = new SerialNumberGenerator().Next();
        var unspecified = new SerialNumberGenerator().Next();
        var now = DateTimeOffset.UtcNow;
        _dir.WritePem("ca.pem", _ca.Certificate);
        _dir.WriteBytes("crl.der", new CrlBuilder().Build(_ca, 1234, now, now.AddDays(1),
        [
            new RevokedEntry(keyCompromised, now.AddMinutes(-10), RevocationReason.KeyCompromise),
            new RevokedEntry(held, now.AddMinutes(-5), RevocationReason.CertificateHold),
            new RevokedEntry(unspecified, now.AddMinutes(-1)),
        ]));

        var verify = await _dir.RunAsync("crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "ca.pem", "-noout", "-verify");
        var text = await _dir.RunAsync("crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text");

        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("verify OK", verify.Stdout + verify.Stderr);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("Version 2 (0x1)", text.Stdout);
        Assert.Matches(@"X509v3 CRL Number:\s+1234", text.Stdout);
        Assert.Contains("X509v3 Authority Key Identifier", text.Stdout);
        Assert.Matches($@"Serial Number: {Convert.ToHexString(keyCompromised)}\s+Revocation Date: [^\n]+\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise", text.Stdout);
        Assert.Matches($@"Serial Number: {Convert.ToHexString(held)}\s+Revocation Date: [^\n]+\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Certificate Hold", text.Stdout);
        Assert.Matches($@"Serial Number: {Convert.ToHexString(unspecified)}\s+Revocation Date: [^\n]+\n(\s+Serial Number|Signature Algorithm|\s+Signature Algorithm)", text.Stdout);
    }

    [RequiresToolFact("openssl")]
    public async Task VerifyWithCrlCheck_RevokedLeafFails_GoodLeafPasses()
    {
        var revoked = Issue("CN=revoked-device");
        var good = Issue("CN=good-device");
        var now = DateTimeOffset.UtcNow;
        _dir.WritePem("ca.pem", _ca.Certificate);
        _dir.WritePem("revoked.pem", revoked);
        _dir.WritePem("good.pem", good);
        var crl = new CrlBuilder().Build(_ca, 1, now, now.AddDays(1),
            [new RevokedEntry(revoked.SerialNumberBytes.ToArray(), now.AddMinutes(-1), RevocationReason.KeyCompromise)]);
        File.WriteAllText(_dir.Path("crl.pem"), PemEncoding.WriteString("X509 CRL", crl));

        var revokedResult = await _dir.RunAsync("verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "revoked.pem");
        var goodResult = await _dir.RunAsync("verify", "-crl_check", "-CAfile", "ca.pem", "-CRLfile", "crl.pem", "good.pem");

        Assert.NotEqual(0, revokedResult.ExitCode);
        Assert.Contains("certificate revoked", revokedResult.Stdout + revokedResult.Stderr);
        Assert.True(goodResult.ExitCode == 0, goodResult.Stdout + goodResult.Stderr);
        Assert.Contains("good.pem: OK", goodResult.Stdout);
    }

    private X509Certificate2 Issue(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.Csr(key, subject);
        return _issuer.Issue(_ca, new IssuanceRequest(csr, csr.SubjectName, null, TimeSpan.FromDays(30))).Certificate;
    }
}
