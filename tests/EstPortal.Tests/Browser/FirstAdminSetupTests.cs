using EstPortal.Data.Entities;
using EstPortal.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using EstPortal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class FirstAdminSetupTests(PortalBrowserFixture fixture)
{
    private const string Password = "Correct-Horse-42-battery";

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Setup_WithTheConsoleCode_CreatesTheFirstAdmin_WhoSignsIn_AndTheFormIsGoneAfterwards()
    {
        var setup = fixture.Host.Services.GetRequiredService<FirstAdminSetup>();
        var code = setup.Open();
        await using var portal = await fixture.NewPageAsync();

        await FillSetupFormAsync(portal, "not-the-code", "wrong@example.com");
        await Expect(portal.Page.Locator(".validation-message")).ToContainTextAsync("This setup code is not valid");
        await portal.ScreenshotAsync("setup-wrong-code");
        Assert.Null(await FindOperatorAsync("wrong@example.com"));
        Assert.True(setup.IsOpen);

        await FillSetupFormAsync(portal, code, "first-admin@example.com");
        await portal.Page.WaitForURLAsync("**/Account/Login");
        await Expect(portal.ByTestId("status-message")).ToContainTextAsync("first-admin@example.com was created");
        Assert.False(setup.IsOpen);
        var admin = await FindOperatorAsync("first-admin@example.com");
        Assert.NotNull(admin);

        await portal.SignInAsync("first-admin@example.com", Password);
        await portal.WaitForCircuitAsync();
        await Expect(portal.Page.Locator("h1")).ToHaveTextAsync("Dashboard");
        await Expect(portal.ByTestId("operator-name")).ToContainTextAsync("first-admin@example.com");
        await Expect(portal.ByTestId("est-url")).ToHaveTextAsync($"{fixture.Host.EstUrl}/.well-known/est");
        await portal.ScreenshotAsync("dashboard");

        await PortalPage.ClickUntilVisibleAsync(
            portal.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign out" }),
            portal.Page.Locator("h1", new() { HasText = "Sign in" }));

        await portal.Page.GotoAsync("/setup");
        await Expect(portal.ByTestId("setup-complete")).ToBeVisibleAsync();
        await Expect(portal.Page.Locator("#setup-code")).ToHaveCountAsync(0);
    }

    private static async Task FillSetupFormAsync(PortalPage portal, string code, string email)
    {
        await portal.Page.GotoAsync("/setup");
        await portal.Page.Locator("#setup-code").FillAsync(code);
        await portal.Page.Locator("#setup-email").FillAsync(email);
        await portal.Page.Locator("#setup-password").FillAsync(Password);
        await portal.Page.Locator("#setup-confirm").FillAsync(Password);
        await portal.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Create Admin account" }).ClickAsync();
    }

    private async Task<Operator?> FindOperatorAsync(string email)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<Operator>>().FindByEmailAsync(email);
    }
}
