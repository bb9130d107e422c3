using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EstPortal.Admin;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>
/// A bootstrap token in <c>Authorization: Bearer</c> (RFC 6750 §2.1), as curl scripts and libest's
/// <c>estclient --auth-token</c> send it, under the same rules as the Basic form.
/// </summary>
public sealed class BearerTokenTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task Token_AsBearer_EnrollsOnce_SecondUseIs401WithBothChallenges()
    {
        var token = await host.IssueTokenAsync();
        using var client = host.CreateEstClient();

        using var first = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=bearer-once").Base64, Bearer(token.Token));
        using var second = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=bearer-twice").Base64, Bearer(token.Token));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(host.ChainsToCa(await EstResponses.ReadIssuedCertificateAsync(first)));
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("already been used", await second.Content.ReadAsStringAsync());
        Assert.Equal(["Basic", "Bearer"], second.Headers.WwwAuthenticate.Select(c => c.Scheme));
    }

    [Fact]
    public async Task Token_Base64EncodedAsLibestSendsIt_Enrolls()
    {
        var token = await host.IssueTokenAsync();
        using var client = host.CreateEstClient();

        // libest's est_client_add_auth_hdr: "Authorization: Bearer <base64(token)>".
        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=bearer-libest").Base64,
            Bearer(Convert.ToBase64String(Encoding.UTF8.GetBytes(token.Token))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DeviceCredentialSecret_AsBearer_IsNotAToken_401()
    {
        var device = await host.AddDeviceAsync("bearer-device");
        using var client = host.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=bearer-device").Base64, Bearer(device.Secret));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_AsBearer_KeepsItsSubjectPatternAndProfile()
    {
        await host.AddProfileAsync("bearer-line", "bearerline");
        var admin = host.Services.GetRequiredService<BootstrapTokenAdmin>();
        var patterned = (await admin.IssueAsync(new BootstrapTokenRequest(TimeSpan.FromHours(1), SubjectPattern: "pump-[0-9]+"), "test")).Value!;
        var profiled = (await admin.IssueAsync(new BootstrapTokenRequest(TimeSpan.FromHours(1), ProfileName: "bearer-line"), "test")).Value!;
        using var client = host.CreateEstClient();

        using var wrongName = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=valve-1").Base64, Bearer(patterned.Token));
        using var wrongProfile = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=x").Base64, Bearer(profiled.Token));
        using var rightProfile = await PostAsync(client, "/.well-known/est/bearerline/simpleenroll", TestCsr.Create("CN=x").Base64, Bearer(profiled.Token));

        Assert.Equal(HttpStatusCode.BadRequest, wrongName.StatusCode);
        Assert.Contains("subject pattern", await wrongName.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, wrongProfile.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightProfile.StatusCode);
    }

    [Fact]
    public async Task FirstChallengeBearer_PutsBearerFirst_ForLibestWhichFollowsOnlyTheFirst()
    {
        using var bearerFirst = EstPortalHost.Create(extraSettings: new() { ["EstPortal:FirstChallenge"] = "Bearer" });
        await bearerFirst.InitializeAsync();
        using var client = bearerFirst.CreateEstClient();

        using var response = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=x").Base64, auth: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["Bearer", "Basic"], response.Headers.WwwAuthenticate.Select(c => c.Scheme));
    }

    private static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}
