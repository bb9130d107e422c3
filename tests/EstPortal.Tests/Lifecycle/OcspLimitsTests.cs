using System.Net;
using System.Net.Http.Headers;
using EstPortal.Tests.Pki;
using EstPortal.Tests.Support;
using Org.BouncyCastle.Ocsp;

namespace EstPortal.Tests.Lifecycle;

/// <summary>
/// What bounds the cost of the unauthenticated OCSP responder (ADR 0015): a few CertIDs per request, and a number of
/// requests per client address and minute on every endpoint that serves /ocsp.
/// </summary>
public sealed class OcspLimitsTests
{
    [RequiresToolFact("openssl")]
    public async Task OpensslOcsp_ElevenCertificatesInOneRequest_IsMalformedRequest_TenAreAnswered()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        using var dir = new ToolWorkspace();
        dir.WriteCaPem(host.CaCertificate);
        string[] Serials(int count) => Enumerable.Range(1, count).SelectMany(i => new[] { "-serial", $"0x7E{i:X2}00112233" }).ToArray();

        // openssl ocsp -issuer ca.pem -serial 0x7E0100112233 ... (11 times) -url http://127.0.0.1:PORT/ocsp -CAfile ca.pem -resp_text
        var eleven = await LifecycleSteps.RunAsync(dir, "openssl", ["ocsp", "-issuer", "ca.pem", .. Serials(11), "-url", host.PublicUrl + "/ocsp", "-CAfile", "ca.pem"]);
        var ten = await LifecycleSteps.RunAsync(dir, "openssl", ["ocsp", "-issuer", "ca.pem", .. Serials(10), "-url", host.PublicUrl + "/ocsp", "-CAfile", "ca.pem"]);

        Assert.Contains("Responder Error: malformedrequest (1)", LifecycleSteps.Output(eleven));
        Assert.True(ten.ExitCode == 0, LifecycleSteps.Output(ten));
        Assert.Contains("Response verify OK", LifecycleSteps.Output(ten));
        Assert.Equal(10, ten.Stdout.Split('\n').Count(line => line.EndsWith(": unknown", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RateLimit_OneAddressGets429WithRetryAfterOnBothEndpoints_AnotherAddressIsStillAnswered()
    {
        using var host = EstPortalHost.Create(extraSettings: new()
        {
            ["EstPortal:RateLimiting:Enabled"] = "true",
            ["EstPortal:RateLimiting:OcspPerClientIpPerMinute"] = "3",
        });
        await host.InitializeAsync();
        var request = OcspTestRequests.Build(host.CaCertificate, [0x42, 0x01]);
        using var first = Loopback.PlainHttpClientFrom("127.0.0.1", host.PublicUrl);
        using var second = Loopback.PlainHttpClientFrom("127.0.0.2", host.PublicUrl);
        using var overTls = host.CreateClient(host.EstUrl);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var answered = await PostAsync(first, request);
            statuses.Add(answered.StatusCode);
        }
        using var refused = await PostAsync(first, request);
        using var refusedGet = await first.GetAsync("/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(request)));
        using var refusedOnEst = await PostAsync(overTls, request);
        using var otherAddress = await PostAsync(second, request);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        foreach (var response in new[] { refused, refusedGet, refusedOnEst })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
            Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
            // RFC 6960 §2.3: tryLater, for a client that reads the OCSP status whatever the HTTP status.
            Assert.Equal(OcspRespStatus.TryLater, new OcspResp(await response.Content.ReadAsByteArrayAsync()).Status);
        }
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);
        Assert.Equal(OcspRespStatus.Successful, new OcspResp(await otherAddress.Content.ReadAsByteArrayAsync()).Status);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] request) =>
        client.PostAsync("/ocsp", new ByteArrayContent(request) { Headers = { ContentType = new MediaTypeHeaderValue("application/ocsp-request") } });
}
