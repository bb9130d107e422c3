using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EstPortal.Admin;
using EstPortal.Est;
using EstPortal.Pki;

namespace EstPortal.Operations.Warmup;

/// <summary>
/// What a device does, over real TLS connections to the <see cref="ThrowawayInstance"/>: /cacerts, /csrattrs, and
/// /simpleenroll with a fresh EC P-256 key under its credential (RFC 7030 §4.1, §4.5, §4.2.1); every tenth round also
/// /simplereenroll over a new connection that presents the certificate just issued (§4.2.2, §3.3.2). These are the
/// paths a fleet hits; each answer is checked, so a warm-up that compiled only error paths says so.
/// </summary>
internal sealed class WarmupTraffic(ThrowawayInstance instance, NewDevice device, X509Certificate2 serverCertificate)
{
    private const string Prefix = EstEndpoints.PathPrefix;

    public sealed record Tally(int Enrollments, int OtherRequests, string? FirstFailure);

    public async Task<Tally> RunAsync(int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = NewClient(clientCertificate: null, connections);
        var until = DateTime.UtcNow + duration;
        var enrollments = 0;
        var others = 0;
        string? failure = null;
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            for (var round = 0; DateTime.UtcNow < until && failure is null; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await GetAsync(client, $"{Prefix}/cacerts", cancellationToken);
                    await GetAsync(client, $"{Prefix}/csrattrs", cancellationToken);
                    Interlocked.Add(ref others, 2);
                    using var certificate = await EnrollAsync(client, "simpleenroll", cancellationToken);
                    Interlocked.Increment(ref enrollments);
                    if (round % 10 == 9)
                    {
                        using var withCertificate = NewClient(certificate, 1);
                        using var renewed = await EnrollAsync(withCertificate, "simplereenroll", cancellationToken);
                        Interlocked.Increment(ref enrollments);
                    }
                }
                catch (WarmupRequestFailed e)
                {
                    Interlocked.CompareExchange(ref failure, e.Message, null);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return new Tally(enrollments, others, failure);
    }

    private HttpClient NewClient(X509Certificate2? clientCertificate, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            SslOptions = new SslClientAuthenticationOptions
            {
                // Only the throw-away instance's own TLS certificate.
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(serverCertificate.RawData),
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            },
        };
        return new HttpClient(handler) { BaseAddress = instance.EstUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task GetAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        // /csrattrs answers 204 when the profile asks for nothing (RFC 7030 §4.5.2).
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NoContent))
            throw new WarmupRequestFailed($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <returns>The issued certificate with the key it was issued for (for a later re-enrollment).</returns>
    private async Task<X509Certificate2> EnrollAsync(HttpClient client, string operation, CancellationToken cancellationToken)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest($"CN={device.Name}", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Prefix}/{operation}")
        {
            Content = new StringContent(Convert.ToBase64String(csr), Encoding.ASCII),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{device.Name}:{device.Secret}")));
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new WarmupRequestFailed($"POST {Prefix}/{operation}: {(int)response.StatusCode} {body}");
        using var issued = X509CertificateLoader.LoadCertificate(CertsOnlyPkcs7.DecodeDer(Convert.FromBase64String(body))[0]);
        return issued.CopyWithPrivateKey(key);
    }

    private sealed class WarmupRequestFailed(string message) : Exception(message);
}
