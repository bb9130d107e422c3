using System.Net;
using System.Net.Http.Headers;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Hostile;

/// <summary>
/// Every hostile request gets the right 4xx with a text/plain reason — never a 500, a crash or a hang — and the
/// server keeps serving. Then a randomized run mutates valid CSRs and bodies with the same assertion.
/// </summary>
public sealed class HostileInputTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    public static TheoryData<HostileCase> Corpus()
    {
        var data = new TheoryData<HostileCase>();
        foreach (var c in HostileCorpus.All())
            data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task HostileRequest_GetsTheRight4xxWithAReason_AndTheServerKeepsServing(HostileCase hostile)
    {
        var device = await DeviceAsync();
        using var client = host.CreateEstClient();
        client.Timeout = TimeSpan.FromSeconds(20);

        using var response = await SendAsync(client, hostile, device);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(hostile.Expected.Contains((int)response.StatusCode), $"{hostile.Name}: got {(int)response.StatusCode} {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(body), $"{hostile.Name}: a refusal must say why");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        using var stillServing = await client.GetAsync("/.well-known/est/cacerts");
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
    }

    [Fact]
    public async Task MutatedCsrsAndBodies_NeverGet5xx()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("EST_FUZZ_SEED"), out var s) ? s : 7030;
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("EST_FUZZ_ITERATIONS"), out var n) ? n : 400;
        var random = new Random(seed);
        var device = await DeviceAsync();
        using var client = host.CreateEstClient();
        client.Timeout = TimeSpan.FromSeconds(20);
        var valid = Enumerable.Range(0, 8).Select(i => HostileCorpus.ValidCsrDer($"CN=fuzz-{i}")).ToList();
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < iterations; i++)
        {
            var der = Mutations.Apply(valid[random.Next(valid.Count)], random);
            var body = random.Next(3) switch
            {
                0 => der,
                1 => System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(der, random.Next(2) == 0 ? Base64FormattingOptions.None : Base64FormattingOptions.InsertLineBreaks)),
                _ => System.Text.Encoding.ASCII.GetBytes(System.Security.Cryptography.PemEncoding.WriteString("CERTIFICATE REQUEST", der)),
            };
            if (random.Next(10) == 0)
                body = Mutations.Apply(body, random);
            var path = random.Next(4) == 0 ? "/.well-known/est/serverkeygen" : "/.well-known/est/simpleenroll";

            using var response = await SendAsync(client, new HostileCase($"mutation {i}", body, [], Path: path), device);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status < 500, $"seed {seed}, iteration {i}: {status} {await response.Content.ReadAsStringAsync()} for body {Convert.ToBase64String(body)}");
        }

        Assert.True(statuses.GetValueOrDefault(400) > iterations / 4, $"mutations should mostly be refused: {string.Join(", ", statuses)}");
        using var stillServing = await client.GetAsync("/.well-known/est/cacerts");
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
    }

    private async Task<EstPortal.Admin.NewDevice> DeviceAsync() => await host.AddDeviceAsync("hostile-" + Guid.NewGuid().ToString("N")[..10]);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HostileCase hostile, EstPortal.Admin.NewDevice device)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hostile.Path) { Content = new ByteArrayContent(hostile.Body) };
        request.Content.Headers.ContentType = hostile.ContentType is null ? null : MediaTypeHeaderValue.Parse(hostile.ContentType);
        switch (hostile.Auth)
        {
            case HostileAuth.Device:
                request.Headers.Authorization = EstCalls.Basic(device.Name, device.Secret);
                break;
            case HostileAuth.Raw:
                request.Headers.TryAddWithoutValidation("Authorization", hostile.RawAuthorization);
                break;
        }
        return await client.SendAsync(request);
    }
}

/// <summary>Byte-level damage: flips, truncation, insertion, duplication, length-byte corruption.</summary>
internal static class Mutations
{
    public static byte[] Apply(byte[] input, Random random)
    {
        var bytes = input.ToList();
        var count = 1 + random.Next(4);
        for (var i = 0; i < count && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3: bytes.InsertRange(at, bytes.Skip(at).Take(random.Next(1, 32)).ToList()); break;
                case 4: bytes[at] = (byte)random.Next(256); break;
                default: bytes[Math.Min(1 + random.Next(4), bytes.Count - 1)] = (byte)random.Next(256); break;
            }
        }
        return bytes.ToArray();
    }
}
