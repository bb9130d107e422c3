using System.Net;
using System.Net.Http.Headers;
using EstPortal.Tests.Pki;
using EstPortal.Tests.Support;
using Org.BouncyCastle.Ocsp;

namespace EstPortal.Tests.Hostile;

/// <summary>
/// The OCSP responder is the one unauthenticated endpoint that parses client DER, on the plain-HTTP endpoint too.
/// Mutated requests, by POST and by GET, always get HTTP 200 with a well-formed OCSPResponse (RFC 6960 A.2: the
/// status travels in the body) — malformedRequest or a real answer — never a 5xx, and the responder keeps answering.
/// </summary>
public sealed class HostileOcspTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task MutatedOcspRequests_ByPostAndGet_AlwaysGetAParsableOcspResponse()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("EST_FUZZ_SEED"), out var s) ? s : 6960;
        var random = new Random(seed);
        var valid = OcspTestRequests.Build(host.CaCertificate, [0x42, 0x01, 0x02], nonce: [1, 2, 3, 4, 5, 6, 7, 8]);
        using var client = new HttpClient { BaseAddress = new Uri(host.PublicUrl), Timeout = TimeSpan.FromSeconds(20) };
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < 300; i++)
        {
            var body = Mutations.Apply(valid, random);
            using var response = i % 3 == 0
                ? await client.GetAsync("/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(body)))
                : await client.PostAsync("/ocsp", new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/ocsp-request") } });

            var der = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"seed {seed}, iteration {i}: HTTP {(int)response.StatusCode} for {Convert.ToBase64String(body)}");
            Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
            var parsed = new OcspResp(der);
            statuses[parsed.Status] = statuses.GetValueOrDefault(parsed.Status) + 1;
        }

        Assert.True(statuses.GetValueOrDefault(OcspRespStatus.MalformedRequest) > 30, $"mutations should mostly be malformed: {string.Join(", ", statuses)}");
        using var good = await client.PostAsync("/ocsp", new ByteArrayContent(valid) { Headers = { ContentType = new MediaTypeHeaderValue("application/ocsp-request") } });
        Assert.Equal(OcspRespStatus.Successful, new OcspResp(await good.Content.ReadAsByteArrayAsync()).Status);
    }
}
