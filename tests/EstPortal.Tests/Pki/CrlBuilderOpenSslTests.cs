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
    private readonly CertificateIssuer _issuer = new(TimeProvider.System, new SerialNumberGenerator(TimeProvider.System));
    private readonly OpenSslScratch _dir = new();

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    [RequiresToolFact("openssl")]
    public async Task Crl_OpenSslVerifiesSignatureAndShowsSerialsReasonsAndNumber()
    {
        var keyCompromised = new SerialNumberGenerator(TimeProvider.System).Next();
        var held = new SerialNumberGenerator(TimeProvider.System).Next();
        var unspecified = new SerialNumberGenerator(TimeProvider.System).Next();
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
    public async Task Crl_WithThreeThousandEntries_OpenSslAndBouncyCastleListEverySerialWithItsReasonAndDate()
    {
        // Streamed entry by entry (CrlWriter), with lengths of several octets at every level of the DER.
        var now = DateTimeOffset.UtcNow;
        RevocationReason[] reasons = [RevocationReason.KeyCompromise, RevocationReason.Superseded, RevocationReason.CessationOfOperation, RevocationReason.Unspecified];
        var entries = Enumerable.Range(0, 3000)
            .Select(i => new RevokedEntry(new SerialNumberGenerator(TimeProvider.System).Next(), now.AddSeconds(-i * 61), reasons[i % reasons.Length]))
            .ToList();
        _dir.WritePem("ca.pem", _ca.Certificate);
        var der = new CrlBuilder().Build(_ca, 7, now, now.AddDays(1), entries);
        _dir.WriteBytes("crl.der", der);

        var verify = await _dir.RunAsync("crl", "-inform", "DER", "-in", "crl.der", "-CAfile", "ca.pem", "-noout", "-verify");
        var text = await _dir.RunAsync("crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text");

        Assert.Contains("verify OK", verify.Stdout + verify.Stderr);
        Assert.True(text.ExitCode == 0, text.Stderr);
        // openssl prints each entry as "Serial Number: HEX / Revocation Date: Mon dd hh:mm:ss yyyy GMT [/ CRL entry extensions: / X509v3 CRL Reason Code: / Reason]".
        var listed = System.Text.RegularExpressions.Regex.Matches(text.Stdout,
                @"Serial Number: (?<serial>[0-9A-F]+)\s+Revocation Date: (?<date>[^\n]+?)\s*\n(\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+(?<reason>[^\n]+?)\s*\n)?")
            .ToDictionary(m => m.Groups["serial"].Value, m => (Date: m.Groups["date"].Value, Reason: m.Groups["reason"].Value));
        Assert.Equal(entries.Count, listed.Count);
        string[] opensslReasons = ["Key Compromise", "Superseded", "Cessation Of Operation", ""];
        var bouncyCastle = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(der).GetRevokedCertificates()
            .ToDictionary(e => e.SerialNumber.ToString(16));
        Assert.Equal(entries.Count, bouncyCastle.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var serial = Convert.ToHexString(entries[i].SerialNumber);
            var revokedAt = entries[i].RevokedAt.UtcDateTime;
            Assert.Equal(revokedAt.ToString("MMM d HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture),
                System.Text.RegularExpressions.Regex.Replace(listed[serial].Date, @"\s+", " ").Replace(" GMT", "", StringComparison.Ordinal));
            Assert.Equal(opensslReasons[i % reasons.Length], listed[serial].Reason);
            Assert.Equal(revokedAt.AddTicks(-(revokedAt.Ticks % TimeSpan.TicksPerSecond)), bouncyCastle[new Org.BouncyCastle.Math.BigInteger(1, entries[i].SerialNumber).ToString(16)].RevocationDate);
        }
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
