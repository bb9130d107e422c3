using System.Text.RegularExpressions;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

/// <summary>
/// The statically rendered account pages wear the portal's MudBlazor look (its theme, app bar, outlined fields, buttons
/// and alerts), load no Bootstrap, and their plain form posts still validate, sign in and change a password.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class AccountPagesTests(PortalBrowserFixture fixture)
{
    // PortalTheme's primary colour (#1f5f8b): MudBlazor's own default is a purple, so this proves the portal theme.
    private const string PortalPrimary = "rgb(31, 95, 139)";

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task SignInPage_UsesThePortalTheme_AndLoadsNoBootstrap()
    {
        await using var portal = await fixture.NewPageAsync();
        await portal.Page.GotoAsync("/Account/Login");

        await Expect(portal.Page.Locator(".mud-appbar")).ToContainTextAsync("EstPortal");
        await Expect(portal.Page.Locator("h1.mud-typography")).ToHaveTextAsync("Sign in");
        await Expect(portal.Page.Locator(".mud-input-outlined").Filter(new() { Has = portal.Page.Locator("#Input\\.Email") })).ToHaveCountAsync(1);
        var signIn = portal.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });
        await Expect(signIn).ToHaveClassAsync(new Regex(@"\bmud-button-filled-primary\b"));
        Assert.Equal(PortalPrimary, await signIn.EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));

        var stylesheets = await portal.Page.EvaluateAsync<string[]>(
            "() => [...document.styleSheets].map(s => s.href).filter(h => h)");
        Assert.Contains(stylesheets, href => href.Contains("/_content/MudBlazor/MudBlazor.min", StringComparison.Ordinal));
        Assert.DoesNotContain(stylesheets, href => href.Contains("bootstrap", StringComparison.OrdinalIgnoreCase));
        await portal.ScreenshotAsync("account-sign-in");
        Assert.Empty(portal.CspViolations);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task BadSignIn_ShowsTheValidationMessages_UnderTheFields_AndAWrongPasswordShowsAnErrorAlert()
    {
        var op = await fixture.Host.AddOperatorAsync("account-look@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.Page.GotoAsync("/Account/Login");

        await portal.Page.GetByLabel("Email").FillAsync("not-an-address");
        await portal.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        var emailField = FieldOf(portal, "Input.Email");
        await Expect(emailField.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("not a valid e-mail address");
        await Expect(emailField.Locator("label.mud-input-error")).ToHaveTextAsync("Email");
        await Expect(FieldOf(portal, "Input.Password").Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("The Password field is required");
        await Expect(portal.Page.Locator("#Input\\.Email")).ToHaveAttributeAsync("aria-invalid", "true");
        // The form posted back to itself: what the operator typed is still there.
        await Expect(portal.Page.Locator("#Input\\.Email")).ToHaveValueAsync("not-an-address");
        Assert.Contains("/Account/Login", portal.Page.Url, StringComparison.Ordinal);
        await portal.ScreenshotAsync("account-sign-in-invalid");

        await portal.Page.GetByLabel("Email").FillAsync(op.Email);
        await portal.Page.GetByLabel("Password").FillAsync("not-the-password");
        await portal.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        var alert = portal.ByTestId("status-message");
        await Expect(alert).ToContainTextAsync("Invalid login attempt");
        await Expect(alert).ToHaveClassAsync(new Regex(@"\bmud-alert-text-error\b"));
        Assert.Empty(portal.CspViolations);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_ChangesTheirPassword_OnTheManagePage_AfterAMismatchIsRefused()
    {
        var op = await fixture.Host.AddOperatorAsync("account-password@example.com", OperatorRoles.Operator);
        const string newPassword = "Another-Horse-77-staple";
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.Page.GotoAsync("/Account/Manage/ChangePassword");

        await Expect(portal.Page.Locator(".mud-nav-link.active")).ToHaveTextAsync("Password");
        await FillPasswordsAsync(portal, op.Password, newPassword, "something-else-entirely");
        await Expect(FieldOf(portal, "Input.ConfirmPassword").Locator(".mud-input-helper-text.mud-input-error"))
            .ToContainTextAsync("do not match", new() { Timeout = 20_000 });

        await FillPasswordsAsync(portal, op.Password, newPassword, newPassword);
        var alert = portal.ByTestId("status-message");
        await Expect(alert).ToContainTextAsync("Your password has been changed", new() { Timeout = 20_000 });
        await Expect(alert).ToHaveClassAsync(new Regex(@"\bmud-alert-text-success\b"));
        await portal.ScreenshotAsync("account-password-changed");

        await using var again = await fixture.NewPageAsync();
        await again.SignInAsync(op.Email, newPassword);
        Assert.DoesNotContain("/Account/", again.Page.Url, StringComparison.Ordinal);
        Assert.Empty(portal.CspViolations);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task PasskeysPage_ListsNone_AndOffersToAddOne_InThePortalLook()
    {
        var op = await fixture.Host.AddOperatorAsync("account-passkeys@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.Page.GotoAsync("/Account/Manage/Passkeys");

        await Expect(portal.Page.Locator("h1")).ToHaveTextAsync("Manage your account");
        await Expect(portal.Page.Locator(".mud-nav-link.active")).ToHaveTextAsync("Passkeys");
        await Expect(portal.Page.GetByText("No passkeys are registered.")).ToBeVisibleAsync();
        var add = portal.Page.GetByRole(AriaRole.Button, new() { Name = "Add a new passkey" });
        await Expect(add).ToHaveClassAsync(new Regex(@"\bmud-button-filled-primary\b"));
        Assert.Equal(PortalPrimary, await add.EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));
        await Expect(portal.Page.Locator(".mud-appbar")).ToContainTextAsync(op.Email);
        await portal.ScreenshotAsync("account-passkeys");
        Assert.Empty(portal.CspViolations);
    }

    /// <summary>Every account page renders on a phone in the portal's frame and never scrolls sideways.</summary>
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task AccountPages_FitAPhone_WithoutSidewaysScrolling()
    {
        var op = await fixture.Host.AddOperatorAsync("account-phone@example.com", OperatorRoles.Operator);
        await using var phone = await fixture.NewPageAsync(390, 844);
        await AssertFitsAsync(phone, "/Account/Login", "Sign in");
        await phone.SignInAsync(op.Email, op.Password);
        foreach (var path in new[] { "/Account/Manage", "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication",
                     PortalTwoFactor.SetupPath, "/Account/Manage/Passkeys" })
            await AssertFitsAsync(phone, path, "Manage your account");
        Assert.Empty(phone.CspViolations);
    }

    private static async Task AssertFitsAsync(PortalPage portal, string path, string heading)
    {
        await portal.Page.GotoAsync(path);
        await Expect(portal.Page.Locator("h1")).ToHaveTextAsync(heading);
        await Expect(portal.Page.Locator(".mud-appbar")).ToBeVisibleAsync();
        var overflow = await portal.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        await portal.ScreenshotAsync("account-phone" + path.Replace("/", "-", StringComparison.Ordinal));
        Assert.True(overflow <= 1, $"{path} at 390px scrolls sideways by {overflow}px");
    }

    private static ILocator FieldOf(PortalPage portal, string inputId) =>
        portal.Page.Locator(".static-field").Filter(new() { Has = portal.Page.Locator($"[id='{inputId}']") });

    private static async Task FillPasswordsAsync(PortalPage portal, string current, string next, string confirm)
    {
        await portal.Page.Locator("[id='Input.OldPassword']").FillAsync(current);
        await portal.Page.Locator("[id='Input.NewPassword']").FillAsync(next);
        await portal.Page.Locator("[id='Input.ConfirmPassword']").FillAsync(confirm);
        await portal.Page.GetByRole(AriaRole.Button, new() { Name = "Update password" }).ClickAsync();
    }
}
