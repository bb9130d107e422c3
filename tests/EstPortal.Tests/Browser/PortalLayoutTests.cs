using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class PortalLayoutTests(PortalBrowserFixture fixture)
{
    private static readonly string[] Pages = ["/cas", "/cas/{ca}", "/profiles", "/profiles/default", "/profiles/new", "/approvals", "/audit", "/operators"];

    /// <summary>Phone and laptop: every new page renders its heading, and the page itself never scrolls sideways (grids scroll inside).</summary>
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task NewPages_FitAPhoneAndALaptop_WithoutSidewaysScrolling()
    {
        var admin = await fixture.Host.AddOperatorAsync("admin-layout@example.com", OperatorRoles.Admin);
        var ca = fixture.Host.Services.GetRequiredService<EstPortal.Enrollment.CertificateAuthorities>();
        var caId = (await ca.FindDefaultAsync())?.Id;
        foreach (var (width, height) in new[] { (390, 844), (1280, 800) })
        {
            await using var portal = await fixture.NewPageAsync(width, height);
            await portal.SignInAsync(admin.Email, admin.Password);
            foreach (var path in Pages)
            {
                await portal.GotoInteractiveAsync(path.Replace("{ca}", caId.ToString(), StringComparison.Ordinal));
                await Expect(portal.Page.Locator("h1")).ToBeVisibleAsync();
                await portal.Page.WaitForTimeoutAsync(300);
                var overflow = await portal.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                var name = "layout-" + width + path.Replace("/", "-", StringComparison.Ordinal).Replace("{ca}", "detail", StringComparison.Ordinal);
                await portal.ScreenshotAsync(name);
                Assert.True(overflow <= 1, $"{path} at {width}px scrolls sideways by {overflow}px");
            }
        }
    }
}
