using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class OperatorPagesTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Admin_AddsAnOperator_WhoSignsIn_ThenDisablesThem_AndTheirSessionAndSignInStopWorking()
    {
        var admin = await fixture.Host.AddOperatorAsync("admin-operators@example.com", OperatorRoles.Admin);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(admin.Email, admin.Password);
        await portal.GotoInteractiveAsync("/operators");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("add-operator"), portal.ByTestId("add-operator-dialog"));
        await portal.Page.Locator("#operator-email").FillAsync("new-auditor@example.com");
        await portal.ByTestId("operator-role").ClickAsync();
        await portal.Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "Auditor" }).First.ClickAsync();
        await portal.ByTestId("add-operator-submit").ClickAsync();
        await Expect(portal.ByTestId("password-once-warning")).ToContainTextAsync("shown only this once");
        var password = (await portal.ByTestId("operator-password-once").InnerTextAsync()).Trim();
        await portal.ScreenshotAsync("operator-added");
        await portal.ByTestId("add-operator-done").ClickAsync();
        var row = portal.Page.Locator(".mud-table-row").Filter(new() { HasText = "new-auditor@example.com" });
        await Expect(row).ToBeVisibleAsync();
        await portal.ScreenshotAsync("operators");

        await using var newcomer = await fixture.NewPageAsync();
        await newcomer.SignInAsync("new-auditor@example.com", password);
        await newcomer.GotoInteractiveAsync("/audit");
        await Expect(newcomer.ByTestId("audit-grid")).ToBeVisibleAsync();

        await row.Locator("[data-testid='toggle-disabled']").ClickAsync();
        await portal.Page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
        await Expect(row.Locator("[data-testid='operator-disabled']")).ToBeVisibleAsync();

        // The existing session: its next request is refused (the cookie's stamp is checked on every request).
        await newcomer.Page.GotoAsync("/audit");
        Assert.Contains("/Account/Login", newcomer.Page.Url, StringComparison.Ordinal);
        // A new sign-in is refused.
        await newcomer.Page.GetByLabel("Email").FillAsync("new-auditor@example.com");
        await newcomer.Page.GetByLabel("Password").FillAsync(password);
        await newcomer.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(newcomer.Page.GetByText("Invalid login attempt")).ToBeVisibleAsync();
        Assert.Contains("/Account/Login", newcomer.Page.Url, StringComparison.Ordinal);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task FiveWrongPasswords_LockTheAccount_SoEvenTheRightPasswordIsRefused()
    {
        var op = await fixture.Host.AddOperatorAsync("lockout@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await portal.Page.GotoAsync("/Account/Login");
            await portal.Page.GetByLabel("Email").FillAsync(op.Email);
            await portal.Page.GetByLabel("Password").FillAsync("wrong-password-" + attempt);
            await portal.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await portal.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        Assert.Contains("/Account/Lockout", portal.Page.Url, StringComparison.Ordinal);

        await portal.Page.GotoAsync("/Account/Login");
        await portal.Page.GetByLabel("Email").FillAsync(op.Email);
        await portal.Page.GetByLabel("Password").FillAsync(op.Password);
        await portal.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await portal.Page.WaitForURLAsync("**/Account/Lockout");
        await portal.ScreenshotAsync("lockout");
    }
}
