using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using OcspResponseStatus = EstPortal.Pki.OcspResponseStatus;

namespace EstPortal.Tests.Pki;

/// <summary>
/// openssl ocsp as the client: it builds the request, we answer, it checks the answer. Real clock, because openssl
/// checks thisUpdate/nextUpdate against it.
/// </summary>
public sealed class OcspResponderOpenSslTests : IDisposable
{
    private readonly SoftwareCaSigner _ca = TestPki.CreateCa(TimeProvider.System);
    private readonly OcspResponder _responder = new(TimeProvider.System, TimeSpan.FromHours(1));
    private readonly OpenSslScratch _dir = new();
    private readonly X509Certificate2 _leaf;

    public OcspResponderOpenSslTests()
    {
        _leaf = Issue(_ca, "CN=device-ocsp");
        _dir.WritePem("ca.pem", _ca.Certificate);
        _dir.WritePem("leaf.pem", _leaf);
    }

    public void Dispose()
    {
        _leaf.Dispose();
        _ca.Dispose();
        _dir.Dispose();
    }

    [RequiresToolFact("openssl")]
    public async Task GoodCertificate_OpenSslVerifiesResponseAndNonce()
    {
        await CreateRequestAsync("req.der", "-issuer", "ca.pem", "-cert", "leaf.pem", "-nonce");
        Answer("req.der", "resp.der", CertificateStatusInfo.Good);

        // With -reqin and no -cert, openssl compares the response nonce with the request's.
        var checkedWithRequest = await _dir.RunAsync(
            "ocsp", "-respin", "resp.der", "-reqin", "req.der", "-CAfile", "ca.pem", "-resp_text");
        var summary = await StatusAsync("resp.der");

        Assert.True(checkedWithRequest.ExitCode == 0, Output(checkedWithRequest));
        Assert.Contains("Response verify OK", Output(checkedWithRequest));
        Assert.DoesNotContain("Nonce Verify error", Output(checkedWithRequest));
        Assert.DoesNotContain("WARNING", Output(checkedWithRequest));
        Assert.Contains("OCSP Nonce", checkedWithRequest.Stdout);
        Assert.Contains("Responder Id: ", checkedWithRequest.Stdout);
        Assert.Contains("Cert Status: good", checkedWithRequest.Stdout);
        Assert.Contains("leaf.pem: good", summary.Stdout);
        Assert.Contains("Response verify OK", Output(summary));
    }

    [RequiresToolFact("openssl")]
    public async Task RevokedCertificate_OpenSslShowsReasonAndTime()
    {
        var revokedAt = CertificateTimes.TruncateToSeconds(DateTimeOffset.UtcNow.AddMinutes(-30));
        await CreateRequestAsync("req.der", "-issuer", "ca.pem", "-cert", "leaf.pem");
        Answer("req.der", "resp.der", CertificateStatusInfo.Revoked(revokedAt, RevocationReason.KeyCompromise));

        var summary = await StatusAsync("resp.der");

        Assert.True(summary.ExitCode == 0, Output(summary));
        Assert.Contains("Response verify OK", Output(summary));
        Assert.Contains("leaf.pem: revoked", summary.Stdout);
        Assert.Contains("Reason: keyCompromise", summary.Stdout);
        Assert.Contains("Revocation Time: " + OpenSslTime(revokedAt), summary.Stdout);
    }

    [RequiresToolFact("openssl")]
    public async Task UnknownSerial_OpenSslShowsUnknown()
    {
        await CreateRequestAsync("req.der", "-issuer", "ca.pem", "-cert", "leaf.pem");
        Answer("req.der", "resp.der", CertificateStatusInfo.Unknown);

        var summary = await StatusAsync("resp.der");

        Assert.Contains("Response verify OK", Output(summary));
        Assert.Contains("leaf.pem: unknown", summary.Stdout);
    }

    [RequiresToolFact("openssl")]
    public async Task Sha256CertId_IsAnsweredForTheRightCertificate()
    {
        await CreateRequestAsync("req.der", "-sha256", "-issuer", "ca.pem", "-cert", "leaf.pem");
        CertificateIdentifier? asked = null;
        var result = _responder.Respond(File.ReadAllBytes(_dir.Path("req.der")), [_ca], id =>
        {
            asked = id;
            return CertificateStatusInfo.Good;
        });
        _dir.WriteBytes("resp.der", result.ResponseDer);

        var summary = await StatusAsync("resp.der", "-sha256");

        Assert.Equal(_leaf.SerialNumber, asked?.SerialHex);
        Assert.Contains("Response verify OK", Output(summary));
        Assert.Contains("leaf.pem: good", summary.Stdout);
        var text = await _dir.RunAsync("ocsp", "-respin", "resp.der", "-resp_text", "-noverify");
        Assert.Contains("Hash Algorithm: sha256", text.Stdout);
    }

    [RequiresToolFact("openssl")]
    public async Task RsaCa_OpenSslVerifiesResponse()
    {
        using var rsaCa = TestPki.CreateCa(TimeProvider.System, CaKeyAlgorithm.Rsa2048, subject: "CN=RSA Test CA");
        using var leaf = Issue(rsaCa, "CN=rsa-ca-device");
        _dir.WritePem("rsa-ca.pem", rsaCa.Certificate);
        _dir.WritePem("rsa-leaf.pem", leaf);
        await CreateRequestAsync("req.der", "-issuer", "rsa-ca.pem", "-cert", "rsa-leaf.pem");
        _dir.WriteBytes("resp.der",
            _responder.Respond(File.ReadAllBytes(_dir.Path("req.der")), [_ca, rsaCa], _ => CertificateStatusInfo.Good).ResponseDer);

        var summary = await _dir.RunAsync(
            "ocsp", "-respin", "resp.der", "-issuer", "rsa-ca.pem", "-cert", "rsa-leaf.pem", "-CAfile", "rsa-ca.pem", "-no_nonce");

        Assert.Contains("Response verify OK", Output(summary));
        Assert.Contains("rsa-leaf.pem: good", summary.Stdout);
    }

    [RequiresToolFact("openssl")]
    public async Task ResponseToAnotherRequest_FailsOpenSslNonceCheck()
    {
        await CreateRequestAsync("req1.der", "-issuer", "ca.pem", "-cert", "leaf.pem", "-nonce");
        await CreateRequestAsync("req2.der", "-issuer", "ca.pem", "-cert", "leaf.pem", "-nonce");
        Answer("req1.der", "resp1.der", CertificateStatusInfo.Good);

        var replayed = await _dir.RunAsync("ocsp", "-respin", "resp1.der", "-reqin", "req2.der", "-CAfile", "ca.pem");

        Assert.NotEqual(0, replayed.ExitCode);
        Assert.Contains("Nonce Verify error", Output(replayed));
    }

    [RequiresToolFact("openssl")]
    public async Task RequestWithoutNonce_ResponseHasNone()
    {
        await CreateRequestAsync("req.der", "-issuer", "ca.pem", "-cert", "leaf.pem", "-no_nonce");
        Answer("req.der", "resp.der", CertificateStatusInfo.Good);

        var text = await _dir.RunAsync("ocsp", "-respin", "resp.der", "-reqin", "req.der", "-CAfile", "ca.pem", "-resp_text");

        Assert.True(text.ExitCode == 0, Output(text));
        Assert.DoesNotContain("OCSP Nonce", text.Stdout);
        Assert.DoesNotContain("WARNING", Output(text));
    }

    [RequiresToolFact("openssl")]
    public async Task CertificateOfAnotherCa_OpenSslSeesUnauthorized()
    {
        using var foreign = TestPki.CreateCa(TimeProvider.System, subject: "CN=Foreign CA");
        using var foreignLeaf = Issue(foreign, "CN=foreign-device");
        _dir.WritePem("foreign-ca.pem", foreign.Certificate);
        _dir.WritePem("foreign-leaf.pem", foreignLeaf);
        await CreateRequestAsync("req.der", "-issuer", "foreign-ca.pem", "-cert", "foreign-leaf.pem");

        var result = _responder.Respond(File.ReadAllBytes(_dir.Path("req.der")), [_ca], _ => CertificateStatusInfo.Good);
        _dir.WriteBytes("resp.der", result.ResponseDer);
        var text = await _dir.RunAsync("ocsp", "-respin", "resp.der", "-resp_text", "-noverify");

        Assert.Equal(OcspResponseStatus.Unauthorized, result.Status);
        Assert.Contains("unauthorized (6)", Output(text));
    }

    [RequiresToolFact("openssl")]
    public async Task GarbageRequest_OpenSslSeesMalformedRequest()
    {
        var result = _responder.Respond("GET / HTTP/1.1\r\n"u8.ToArray(), [_ca], _ => CertificateStatusInfo.Good);
        _dir.WriteBytes("resp.der", result.ResponseDer);

        var text = await _dir.RunAsync("ocsp", "-respin", "resp.der", "-resp_text", "-noverify");

        Assert.Contains("malformedrequest (1)", Output(text), StringComparison.OrdinalIgnoreCase);
    }

    private async Task CreateRequestAsync(string output, params string[] arguments)
    {
        var result = await _dir.RunAsync(["ocsp", .. arguments, "-reqout", output]);
        Assert.True(result.ExitCode == 0 && File.Exists(_dir.Path(output)), Output(result));
    }

    private void Answer(string request, string response, CertificateStatusInfo status)
    {
        var result = _responder.Respond(File.ReadAllBytes(_dir.Path(request)), [_ca], id =>
        {
            Assert.Equal(_leaf.SerialNumber, id.SerialHex);
            return status;
        });
        Assert.Equal(OcspResponseStatus.Successful, result.Status);
        _dir.WriteBytes(response, result.ResponseDer);
    }

    /// <summary>openssl's one-line-per-certificate summary; -no_nonce because this freshly built request has none to compare.</summary>
    private Task<ToolResult> StatusAsync(string response, params string[] digest) =>
        _dir.RunAsync(["ocsp", "-respin", response, .. digest, "-issuer", "ca.pem", "-cert", "leaf.pem", "-CAfile", "ca.pem", "-no_nonce"]);

    private static X509Certificate2 Issue(ICaSigner ca, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.Csr(key, subject);
        return new CertificateIssuer(TimeProvider.System, new SerialNumberGenerator(TimeProvider.System))
            .Issue(ca, new IssuanceRequest(csr, csr.SubjectName, null, TimeSpan.FromDays(30))).Certificate;
    }

    /// <summary>How openssl prints a GeneralizedTime: "Mar  1 12:00:00 2026 GMT".</summary>
    private static string OpenSslTime(DateTimeOffset value) =>
        string.Format(CultureInfo.InvariantCulture, "{0:MMM} {1,2} {0:HH:mm:ss yyyy} GMT", value.UtcDateTime, value.Day);

    private static string Output(ToolResult result) => result.Stdout + result.Stderr;
}
