using System.Net;
using System.Text.RegularExpressions;
using EstPortal.Components.Account;
using EstPortal.Components.Shared;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Extensions.Options;

namespace EstPortal.Tests.Authorization;

/// <summary>
/// <c>EstPortal:Portal:RequireTwoFactor</c>: an operator it names who has no TOTP yet reaches nothing but the
/// authenticator setup page (and sign-out, static assets) until TOTP is on — pages, downloads and the Blazor hub
/// alike, on the server. Operators it does not name are unaffected; a value that is not None/Admin/All stops the app.
/// </summary>
public sealed partial class RequireTwoFactorTests(RequireTwoFactorTests.AdminsMustUseTotp fixture) : IClassFixture<RequireTwoFactorTests.AdminsMustUseTotp>
{
    [Fact]
    public async Task Admin_WithoutTotp_ReachesOnlyTheSetupPage_UntilTotpIsOn()
    {
        var admin = await fixture.Host.AddOperatorAsync("admin-needs-totp@example.com", OperatorRoles.Admin);
        using var client = PortalSignIn.NewClient(fixture.Host);
        using (var signIn = await PortalSignIn.PostPasswordAsync(client, admin.Email, admin.Password))
        {
            // The password is right, so the sign-in goes on into the portal ...
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            using var landing = await client.GetAsync(signIn.Headers.Location);
            // ... which sends the Admin to the setup page first.
            AssertSentToSetup(landing);
        }
        foreach (var path in new[] { "/", "/devices", "/cas", "/operators", "/audit", "/portal/cas/default.pem", "/Account/Manage/TwoFactorAuthentication" })
        {
            using var response = await client.GetAsync(path);
            AssertSentToSetup(response, path);
        }
        // No interactive circuit either: the Blazor hub refuses to negotiate one.
        using (var hub = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null))
            Assert.Equal(HttpStatusCode.Forbidden, hub.StatusCode);

        // The setup page itself works, with what it needs to render, and says why the operator is there.
        var setup = await client.GetStringAsync(PortalTwoFactor.SetupPath);
        Assert.Contains("data-testid=\"two-factor-required\"", setup, StringComparison.Ordinal);
        foreach (var asset in StaticAssets().Matches(setup).Select(m => m.Groups[1].Value).Distinct())
        {
            using var response = await client.GetAsync("/" + asset.TrimStart('/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
        }

        // Signing out is open too, from the setup page.
        using (var other = PortalSignIn.NewClient(fixture.Host))
        {
            await PortalSignIn.SignInAsync(other, admin.Email, admin.Password);
            using (var signOut = await PortalSignIn.PostFormAsync(other, PortalTwoFactor.SetupPath, "/Account/Logout"))
                Assert.True(signOut.Headers.Location?.OriginalString.Contains("/Account/Login", StringComparison.Ordinal) == true,
                    $"sign-out: {(int)signOut.StatusCode} {signOut.Headers.Location}");
            using var afterwards = await other.GetAsync("/devices");
            Assert.Contains("/Account/Login", afterwards.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        await PortalTwoFactor.EnableAsync(client);
        foreach (var path in new[] { "/devices", "/operators", "/portal/cas/default.pem" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} after TOTP: {(int)response.StatusCode} {response.Headers.Location}");
        }

        // Nor can the Admin turn TOTP off again.
        using (await PortalSignIn.PostFormAsync(client, "/Account/Manage/Disable2fa")) { }
        using var stillOpen = await client.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.OK, stillOpen.StatusCode);
    }

    [Fact]
    public async Task Operator_OutsideTheAdminScope_IsNotAskedForTotp()
    {
        var op = await fixture.Host.AddOperatorAsync("operator-no-totp@example.com", OperatorRoles.Operator);
        using var client = PortalSignIn.NewClient(fixture.Host);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);

        using var devices = await client.GetAsync("/devices");
        Assert.Equal(HttpStatusCode.OK, devices.StatusCode);
        var setup = await client.GetStringAsync(PortalTwoFactor.SetupPath);
        Assert.DoesNotContain("data-testid=\"two-factor-required\"", setup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetupPage_ShowsAQrCodeOfTheOtpauthUri_NextToTheKey()
    {
        var op = await fixture.Host.AddOperatorAsync("qr-code@example.com", OperatorRoles.Auditor);
        using var client = PortalSignIn.NewClient(fixture.Host);
        await PortalSignIn.SignInAsync(client, op.Email, op.Password);

        var page = await client.GetStringAsync(PortalTwoFactor.SetupPath);
        var qr = QrImage().Match(page);
        Assert.True(qr.Success, "no QR code image on the setup page");
        var uri = WebUtility.HtmlDecode(qr.Groups["uri"].Value);
        var key = Regex.Match(uri, "secret=([A-Z2-7]+)").Groups[1].Value;
        Assert.Equal($"otpauth://totp/EstPortal:qr-code%40example.com?secret={key}&issuer=EstPortal&digits=6", uri);
        // The image is that URI drawn as a QR code (the drawing is deterministic), and the same key is shown to type.
        Assert.Equal(QrCodeImage.PngDataUri(uri), WebUtility.HtmlDecode(qr.Groups["src"].Value));
        Assert.Contains($">{AuthenticatorKeyUri.Readable(key)}</kbd>", page, StringComparison.Ordinal);
        Assert.Equal(20, Totp.Base32Decode(key).Length); // Identity's 160-bit key (RFC 4226 §4 recommends 160 bits)
        Assert.DoesNotContain("enable QR code generation", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_NamesEveryRole()
    {
        await using var host = await EstPortalHost.StartAsync(DatabaseProvider.Sqlite, new() { ["EstPortal:Portal:RequireTwoFactor"] = "All" });
        var auditor = await host.AddOperatorAsync("auditor-needs-totp@example.com", OperatorRoles.Auditor);
        using var client = PortalSignIn.NewClient(host);
        await PortalSignIn.SignInAsync(client, auditor.Email, auditor.Password);

        using var response = await client.GetAsync("/certificates");
        AssertSentToSetup(response);
    }

    [Fact]
    public async Task UnknownValue_StopsTheApp_NamingTheSetting()
    {
        var failure = await EstPortalHost.StartupFailureAsync(new() { ["EstPortal:Portal:RequireTwoFactor"] = "Admins" });
        var validation = Assert.IsType<OptionsValidationException>(failure.GetBaseException());
        Assert.Contains("EstPortal:Portal:RequireTwoFactor is 'Admins'; it must be None, Admin or All.", validation.Message, StringComparison.Ordinal);
    }

    private static void AssertSentToSetup(HttpResponseMessage response, string? path = null)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode}, expected a redirect to the setup page");
        Assert.Equal(TwoFactorSetupGate.SetupPath, response.Headers.Location?.OriginalString);
    }

    [GeneratedRegex(@"(?:href|src)=""([^""]+\.(?:css|js))""")]
    private static partial Regex StaticAssets();

    [GeneratedRegex(@"<img src=""(?<src>data:image/png;base64,[^""]+)""[^>]*data-otpauth=""(?<uri>[^""]+)""")]
    private static partial Regex QrImage();

    public sealed class AdminsMustUseTotp : IAsyncLifetime
    {
        public EstPortalHost Host { get; } = EstPortalHost.Create(extraSettings: new() { ["EstPortal:Portal:RequireTwoFactor"] = "Admin" });

        public Task InitializeAsync() => Host.InitializeAsync();

        public Task DisposeAsync() => Host.DisposeAsync();
    }
}
