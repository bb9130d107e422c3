using System.Net;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Policy;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>RFC 7030 HTTP behaviour: labels (§3.2.2), methods, media types, limits, and policy refusals.</summary>
public sealed class EstProtocolTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task Label_SelectsTheProfileAndItsPolicy()
    {
        await host.AddProfileAsync("ec384-only", "plant7", CsrPolicy.Default with { Keys = new KeyPolicy { AllowRsa = false, AllowedCurves = ["P-384"] } });
        var device = await host.AddDeviceAsync("label-device");
        using var client = host.CreateEstClient();

        using var refused = await PostAsync(client, "/.well-known/est/plant7/simpleenroll", TestCsr.Create("CN=label-device").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("EC P-256 is not allowed", await refused.Content.ReadAsStringAsync());

        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        using var issued = await PostAsync(client, "/.well-known/est/plant7/simpleenroll", TestCsr.Create("CN=label-device", key: p384).Base64, Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(issued);

        using var cacerts = await client.GetAsync("/.well-known/est/plant7/cacerts");
        Assert.Equal(HttpStatusCode.OK, cacerts.StatusCode);
        await using var db = await Db();
        var record = await db.IssuedCertificates.SingleAsync(c => c.SerialNumber == certificate.SerialNumber);
        Assert.Equal((await db.EnrollmentProfiles.SingleAsync(p => p.Label == "plant7")).Id, record.ProfileId);
        Assert.Contains(await db.AuditEvents.ToListAsync(), e => e.Outcome == AuditOutcomes.Failure && e.Reason!.Contains("EC P-256 is not allowed"));
    }

    [Fact]
    public async Task UnknownLabel_Returns404WithReason()
    {
        using var client = host.CreateEstClient();
        using var response = await client.GetAsync("/.well-known/est/nosuchlabel/cacerts");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nosuchlabel", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/.well-known/est/unknownop")]
    [InlineData("/.well-known/est/a/b/c")]
    [InlineData("/.well-known/est/")]
    public async Task UnknownOperation_Returns404TextPlain(string path)
    {
        using var client = host.CreateEstClient();
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WrongMethod_Returns405WithAllow()
    {
        using var client = host.CreateEstClient();
        using var get = await client.GetAsync("/.well-known/est/simpleenroll");
        using var post = await PostAsync(client, "/.well-known/est/cacerts", "x", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("POST", Assert.Single(get.Content.Headers.Allow));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET", Assert.Single(post.Content.Headers.Allow));
    }

    [Fact]
    public async Task FullCmc_Returns501WithReason()
    {
        using var client = host.CreateEstClient();
        using var response = await PostAsync(client, "/.well-known/est/fullcmc", "x", null);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("fullcmc", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongContentType_Returns415()
    {
        var device = await host.AddDeviceAsync("content-type-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create().Base64, Basic(device.Name, device.Secret), "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/pkcs10", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ContentTypeWithParameters_IsAccepted()
    {
        var device = await host.AddDeviceAsync("content-type-params-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=content-type-params-device").Base64, Basic(device.Name, device.Secret), "application/pkcs10; charset=us-ascii");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OversizedBody_Returns413AndTheServerKeepsServing()
    {
        var device = await host.AddDeviceAsync("big-body-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", new string('A', 10 * 1024 * 1024), Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var after = await client.GetAsync("/.well-known/est/cacerts");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task ContentTransferEncodingOnTheRequest_IsIgnored()
    {
        var device = await host.AddDeviceAsync("cte-device");
        using var client = host.CreateEstClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/.well-known/est/simpleenroll")
        {
            Content = new StringContent(TestCsr.Create("CN=cte-device").Base64),
        };
        request.Content.Headers.ContentType = new(Pkcs10);
        request.Content.Headers.TryAddWithoutValidation("Content-Transfer-Encoding", "binary");
        request.Headers.Authorization = Basic(device.Name, device.Secret);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ProfileRefusingTokens_Returns403AndAudits()
    {
        await host.AddProfileAsync("credentials-only", "creds", CsrPolicy.Default with { AllowedAuthentication = AuthenticationMethods.DeviceCredential });
        var token = await host.IssueTokenAsync();
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/creds/simpleenroll", TestCsr.Create().Base64, Basic("x", token.Token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("does not accept bootstrap tokens", await response.Content.ReadAsStringAsync());
        await using var db = await Db();
        Assert.Null((await db.BootstrapTokens.SingleAsync(t => t.Id == token.Id)).UsedAt);
    }

    [Fact]
    public async Task Base64Wrapping_IsAProfileSwitch()
    {
        await host.AddProfileAsync("libest-clients", "libest", wrapBase64Lines: true);
        using var client = host.CreateEstClient();

        var wrapped = await (await client.GetAsync("/.well-known/est/libest/cacerts")).Content.ReadAsStringAsync();
        var unwrapped = await (await client.GetAsync("/.well-known/est/cacerts")).Content.ReadAsStringAsync();

        Assert.Contains("\r\n", wrapped);
        Assert.All(wrapped.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), line => Assert.True(line.Length <= 64));
        Assert.DoesNotContain('\n', unwrapped);
        Assert.Equal(Convert.FromBase64String(unwrapped), Convert.FromBase64String(wrapped.Replace("\r\n", "", StringComparison.Ordinal)));
    }

    private async Task<EstPortalDbContext> Db() =>
        await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
}

/// <summary>Tokens limited to a profile or a CN pattern: a leaked token enrolls nothing else.</summary>
public sealed class BoundTokenTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task TokenForAProfile_IsRefusedOnOtherProfiles_AndUnspentUntilUsedRightly()
    {
        await host.AddProfileAsync("line-7", "line7");
        var issued = await host.Services.GetRequiredService<EstPortal.Admin.BootstrapTokenAdmin>()
            .IssueAsync(new EstPortal.Admin.BootstrapTokenRequest(TimeSpan.FromHours(1), ProfileName: "line-7"), "test");
        var token = issued.Value!.Token;
        using var client = host.CreateEstClient();

        using var wrongProfile = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=x").Base64, Basic("x", token));
        Assert.Equal(HttpStatusCode.Forbidden, wrongProfile.StatusCode);
        using var rightProfile = await PostAsync(client, "/.well-known/est/line7/simpleenroll", TestCsr.Create("CN=x").Base64, Basic("x", token));
        Assert.Equal(HttpStatusCode.OK, rightProfile.StatusCode);
    }

    [Fact]
    public async Task TokenWithSubjectPattern_RefusesOtherNames()
    {
        var issued = await host.Services.GetRequiredService<EstPortal.Admin.BootstrapTokenAdmin>()
            .IssueAsync(new EstPortal.Admin.BootstrapTokenRequest(TimeSpan.FromHours(1), SubjectPattern: "pump-[0-9]+"), "test");
        var token = issued.Value!.Token;
        using var client = host.CreateEstClient();

        using var refused = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=valve-1").Base64, Basic("x", token));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("subject pattern", await refused.Content.ReadAsStringAsync());
        using var accepted = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=pump-12").Base64, Basic("x", token));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task BadSubjectPattern_IsAValidationMessage()
    {
        var issued = await host.Services.GetRequiredService<EstPortal.Admin.BootstrapTokenAdmin>()
            .IssueAsync(new EstPortal.Admin.BootstrapTokenRequest(TimeSpan.FromHours(1), SubjectPattern: "([a-"), "test");

        Assert.False(issued.Succeeded);
        Assert.Contains("regular expression", issued.Error);
    }
}
