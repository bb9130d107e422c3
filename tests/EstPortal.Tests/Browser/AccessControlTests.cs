using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using Microsoft.Extensions.DependencyInjection;
using EstPortal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class AccessControlTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Auditor_SeesDevicesAndTokens_WithoutControls_AndOpeningTheAddFlowIsRefused()
    {
        await fixture.Host.AddDeviceAsync("auditor-visible-device");
        var auditor = await fixture.Host.AddOperatorAsync("auditor@example.com", OperatorRoles.Auditor);
        var devices = fixture.Host.Services.GetRequiredService<DeviceAdmin>();
        var tokens = fixture.Host.Services.GetRequiredService<BootstrapTokenAdmin>();
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(auditor.Email, auditor.Password);

        await portal.GotoInteractiveAsync("/devices");
        await Expect(portal.ByTestId("device-link").Filter(new() { HasText = "auditor-visible-device" })).ToBeVisibleAsync();
        await Expect(portal.ByTestId("add-device")).ToHaveCountAsync(0);
        await portal.ScreenshotAsync("devices-auditor");

        var (_, devicesBefore) = await devices.ListAsync(null, 0, 0);
        await portal.GotoInteractiveAsync("/devices?add=1");
        await Expect(portal.Page.GetByText(PortalRoles.ReadOnlyMessage)).ToBeVisibleAsync();
        await Expect(portal.ByTestId("add-device-dialog")).ToHaveCountAsync(0);
        Assert.Equal(devicesBefore, (await devices.ListAsync(null, 0, 0)).Total);

        var tokensBefore = (await tokens.ListAsync()).Count;
        await portal.GotoInteractiveAsync("/tokens");
        await Expect(portal.ByTestId("token-grid")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("issue-token")).ToHaveCountAsync(0);
        await portal.GotoInteractiveAsync("/tokens?issue=1");
        await Expect(portal.Page.GetByText(PortalRoles.ReadOnlyMessage)).ToBeVisibleAsync();
        await Expect(portal.ByTestId("issue-token-dialog")).ToHaveCountAsync(0);
        Assert.Equal(tokensBefore, (await tokens.ListAsync()).Count);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Anonymous_VisitsToPortalPagesAndDownloads_GoToTheSignInPage()
    {
        await using var anonymous = await fixture.NewPageAsync();

        await anonymous.Page.GotoAsync("/devices");
        Assert.Contains("/Account/Login?ReturnUrl=%2Fdevices", anonymous.Page.Url, StringComparison.Ordinal);
        await Expect(anonymous.Page.Locator("h1")).ToHaveTextAsync("Sign in");
        await anonymous.ScreenshotAsync("sign-in");

        await anonymous.Page.GotoAsync("/portal/cas/default.pem");
        Assert.Contains("/Account/Login", anonymous.Page.Url, StringComparison.Ordinal);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task SignedInOperator_SeesCaFingerprint_AndDownloadsTheChainWithoutAnyKey()
    {
        var auditor = await fixture.Host.AddOperatorAsync("auditor-cas@example.com", OperatorRoles.Auditor);
        var ca = fixture.Host.CaCertificate;
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(auditor.Email, auditor.Password);
        await portal.GotoInteractiveAsync("/cas");

        var fingerprint = string.Join(':', Convert.ToHexString(ca.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));
        await Expect(portal.ByTestId("ca-grid")).ToContainTextAsync(fingerprint);
        await Expect(portal.ByTestId("ca-grid")).ToContainTextAsync(ca.Subject);
        await portal.ScreenshotAsync("cas");

        var download = await portal.Page.APIRequest.GetAsync("/portal/cas/default.pem");
        Assert.Equal(200, download.Status);
        Assert.StartsWith("attachment", download.Headers["content-disposition"], StringComparison.Ordinal);
        var pem = await download.TextAsync();
        Assert.DoesNotContain("PRIVATE KEY", pem, StringComparison.Ordinal);
        using var chained = X509Certificate2.CreateFromPem(pem);
        Assert.Equal(ca.Thumbprint, chained.Thumbprint);
    }
}
