using System.Net.Http.Headers;
using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Pki;
using EstPortal.Tests.Pki;
using EstPortal.Tests.Hosting;
using EstPortal.Tests.Operations;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Ocsp;

namespace EstPortal.Tests.Lifecycle;

/// <summary>
/// Signed answers for one certificate are kept until its status changes (ADR 0015): asking again costs no signature,
/// and a revocation — through the admin service, or by the admin command in another process — is answered "revoked"
/// on the very next request, by `openssl ocsp` against the real server.
/// </summary>
public sealed class OcspAnswerCacheTests(OcspAnswerCacheTests.MeteredHost fixture) : IClassFixture<OcspAnswerCacheTests.MeteredHost>
{
    private EstPortalHost host => fixture.Host;

    /// <summary>The app with its management endpoint on (plain HTTP, as on an internal address), where /metrics lives.</summary>
    public sealed class MeteredHost : IAsyncLifetime
    {
        public string ManagementUrl { get; } = $"http://127.0.0.1:{Loopback.FreePort()}";
        public EstPortalHost Host { get; }

        public MeteredHost() => Host = EstPortalHost.Create(extraSettings: new() { ["Kestrel:Endpoints:Management:Url"] = ManagementUrl });

        public Task InitializeAsync() => Host.InitializeAsync();
        public Task DisposeAsync() => Host.DisposeAsync();
    }
    private string OcspUrl => host.PublicUrl + "/ocsp";

    [RequiresToolFact("openssl")]
    public async Task SameQuestionWithoutNonce_IsAnsweredWithTheSameSignedBytes_AWithNonceQuestionIsSignedAfresh()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "ocsp-kept");
        using var dir = Workspace(enrolled);

        // openssl ocsp -issuer ca.pem -cert leaf.pem -url URL -CAfile ca.pem -no_nonce -respout first.der
        var first = await OcspAsync(dir, "-no_nonce", "-respout", "first.der");
        var keptBefore = await KeptAnswersAsync();
        // producedAt has whole seconds: one second later a fresh signature could not carry the same bytes.
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var second = await OcspAsync(dir, "-no_nonce", "-respout", "second.der");
        var keptAfter = await KeptAnswersAsync();
        var withNonce = await OcspAsync(dir, "-nonce", "-respout", "nonce.der");

        Assert.Contains("leaf.pem: good", first.Stdout);
        Assert.Contains("leaf.pem: good", second.Stdout);
        Assert.Equal(File.ReadAllBytes(dir.PathOf("first.der")), File.ReadAllBytes(dir.PathOf("second.der")));
        Assert.True(keptAfter >= keptBefore + 1, $"estportal_ocsp_answers_total{{answer=\"kept\"}} went from {keptBefore} to {keptAfter}");
        Assert.Contains("leaf.pem: good", withNonce.Stdout);
        Assert.NotEqual(File.ReadAllBytes(dir.PathOf("first.der")), File.ReadAllBytes(dir.PathOf("nonce.der")));
    }

    [RequiresToolFact("openssl")]
    public async Task KeptGoodAnswer_IsRevokedOnTheNextRequest_AfterRevocationThroughTheAdminService()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "ocsp-kept-admin");
        using var dir = Workspace(enrolled);
        Assert.Contains("leaf.pem: good", (await OcspAsync(dir, "-no_nonce")).Stdout);
        Assert.Contains("leaf.pem: good", (await OcspAsync(dir, "-no_nonce")).Stdout);

        var revoked = await host.Services.GetRequiredService<CertificateRevocation>().RevokeAsync(enrolled.Serial, RevocationReason.KeyCompromise, "test");
        Assert.True(revoked.Succeeded, revoked.Error);
        var after = await OcspAsync(dir, "-no_nonce");

        Assert.Contains("leaf.pem: revoked", after.Stdout);
        Assert.Contains("Reason: keyCompromise", after.Stdout);
    }

    [RequiresToolFact("openssl")]
    public async Task KeptGoodAnswer_IsRevokedOnTheNextRequest_AfterTheAdminCommandRevokedItFromAnotherProcess()
    {
        var enrolled = await LifecycleSteps.EnrollAsync(host, "ocsp-kept-cli");
        using var dir = Workspace(enrolled);
        Assert.Contains("leaf.pem: good", (await OcspAsync(dir, "-no_nonce")).Stdout);

        // EstPortal cert revoke SERIAL --reason cessationOfOperation --EstPortal:DataDirectory=DIR
        var revoke = await EstPortalCli.RunAsync(host.DataDirectory, "cert", "revoke", enrolled.Serial, "--reason", "cessationOfOperation");
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        var after = await OcspAsync(dir, "-no_nonce");

        Assert.Contains("leaf.pem: revoked", after.Stdout);
        Assert.Contains("Reason: cessationOfOperation", after.Stdout);
    }

    /// <summary>
    /// On both providers a good answer asked for twice is kept (the same signed bytes a second later), and followed by
    /// "revoked" on the first request after the revocation commits.
    /// </summary>
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task GoodAskedTwice_ThenRevoked_IsAnsweredRevokedOnTheNextRequest_OnEveryProvider(DatabaseProvider provider)
    {
        await using var app = await EstPortalHost.StartAsync(provider);
        var enrolled = await LifecycleSteps.EnrollAsync(app, "ocsp-provider");
        var request = OcspTestRequests.Build(app.CaCertificate, enrolled.Certificate.SerialNumberBytes.ToArray());
        using var client = LifecycleSteps.PlainHttpClient(app.PublicUrl);
        async Task<byte[]> AnswerAsync()
        {
            using var response = await client.PostAsync("/ocsp", new ByteArrayContent(request) { Headers = { ContentType = new MediaTypeHeaderValue("application/ocsp-request") } });
            return await response.Content.ReadAsByteArrayAsync();
        }
        async Task<SingleResp> AskAsync() => Assert.Single(OcspTestRequests.VerifiedBasic(await AnswerAsync(), app.CaCertificate).Responses);

        var first = await AnswerAsync();
        Assert.Null(Assert.Single(OcspTestRequests.VerifiedBasic(first, app.CaCertificate).Responses).GetCertStatus()); // BouncyCastle's "good"
        // producedAt has whole seconds: a second later only a kept answer can carry the same bytes.
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        Assert.Equal(first, await AnswerAsync());
        var revoked = await app.Services.GetRequiredService<CertificateRevocation>().RevokeAsync(enrolled.Serial, RevocationReason.Superseded, "test");
        Assert.True(revoked.Succeeded, revoked.Error);

        Assert.IsType<RevokedStatus>((await AskAsync()).GetCertStatus());
    }

    /// <summary>What a Prometheus scrape of the management endpoint shows as OCSP answers served without a new signature.</summary>
    private async Task<double> KeptAnswersAsync()
    {
        using var management = new HttpClient { BaseAddress = new Uri(fixture.ManagementUrl) };
        var text = await management.GetStringAsync("/metrics");
        return PrometheusText.Values(text, "estportal_ocsp_answers_total", ("answer", "kept")).Sum();
    }

    private ToolWorkspace Workspace(EnrolledDevice enrolled)
    {
        var dir = new ToolWorkspace();
        dir.WriteCaPem(host.CaCertificate);
        dir.Write("leaf.pem", enrolled.Certificate.ExportCertificatePem());
        return dir;
    }

    private async Task<ToolResult> OcspAsync(ToolWorkspace dir, params string[] options)
    {
        // openssl ocsp -issuer ca.pem -cert leaf.pem -url http://127.0.0.1:PUBLICPORT/ocsp -CAfile ca.pem -resp_text OPTIONS
        var result = await LifecycleSteps.RunAsync(dir, "openssl", ["ocsp", "-issuer", "ca.pem", "-cert", "leaf.pem", "-url", OcspUrl, "-CAfile", "ca.pem", "-resp_text", .. options]);
        Assert.True(result.ExitCode == 0, LifecycleSteps.Output(result));
        Assert.Contains("Response verify OK", LifecycleSteps.Output(result));
        return result;
    }
}
