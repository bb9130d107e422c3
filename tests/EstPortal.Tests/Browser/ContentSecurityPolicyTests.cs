using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

/// <summary>The portal works under its Content-Security-Policy: pages become interactive and nothing is blocked.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task PortalPages_RunUnderTheCsp_WithoutViolations()
    {
        var admin = await fixture.Host.AddOperatorAsync("csp-admin@example.com", OperatorRoles.Admin);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(admin.Email, admin.Password);

        foreach (var path in new[] { "/", "/tokens", "/cas", "/devices" })
        {
            await portal.GotoInteractiveAsync(path);
            await Expect(portal.Page.Locator("[data-interactive='true']")).ToBeVisibleAsync();
        }
        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("add-device"), portal.Page.Locator("#device-name"));

        Assert.Empty(portal.CspViolations);
    }
}
