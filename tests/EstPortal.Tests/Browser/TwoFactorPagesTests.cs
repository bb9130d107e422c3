using System.Net;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

/// <summary>An operator turns on TOTP in the browser from the QR code page, then signs in with a code.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class TwoFactorPagesTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_ScansTheQrCode_ConfirmsACode_AndSignsInWithTotp()
    {
        var op = await fixture.Host.AddOperatorAsync("totp-browser@example.com", OperatorRoles.Operator);
        string key;
        await using (var portal = await fixture.NewPageAsync())
        {
            await portal.SignInAsync(op.Email, op.Password);
            await portal.Page.GotoAsync(PortalTwoFactor.SetupPath);

            var qr = portal.ByTestId("authenticator-qr");
            await Expect(qr).ToBeVisibleAsync();
            // The image really rendered (a data: PNG the CSP allows), and it carries the otpauth URI of the key shown.
            Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the QR code image did not load");
            var uri = WebUtility.HtmlDecode(await qr.GetAttributeAsync("data-otpauth") ?? "");
            Assert.StartsWith("otpauth://totp/EstPortal:totp-browser%40example.com?secret=", uri, StringComparison.Ordinal);
            key = (await portal.ByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            Assert.Contains($"secret={key}&", uri, StringComparison.Ordinal);
            await portal.ScreenshotAsync("authenticator-setup");

            await portal.Page.GetByLabel("Verification Code").FillAsync(await Totp.CurrentCodeAsync(key));
            await portal.Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            // Verify posts the form and renders the codes, or the page's reason why not (seen missing twice in loaded CI
            // runs without a trace of why: the failure now carries what the page said).
            var codes = portal.Page.Locator("code.recovery-code");
            var outcome = codes.Or(portal.ByTestId("status-message")).First;
            await Expect(outcome).ToBeVisibleAsync(new() { Timeout = 30_000 });
            Assert.True(await codes.CountAsync() == 10, "no recovery codes; the page said: " + await portal.Page.Locator("body").InnerTextAsync());
            Assert.Empty(portal.CspViolations);
        }

        await using var again = await fixture.NewPageAsync();
        await again.Page.GotoAsync("/Account/Login");
        await again.Page.GetByLabel("Email").FillAsync(op.Email);
        await again.Page.GetByLabel("Password").FillAsync(op.Password);
        await again.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await again.Page.WaitForURLAsync(url => url.Contains("/Account/LoginWith2fa", StringComparison.Ordinal));
        await again.Page.GetByLabel("Authenticator code").FillAsync(await Totp.CurrentCodeAsync(key));
        await again.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await again.Page.WaitForURLAsync(url => !url.Contains("/Account/", StringComparison.Ordinal));
        await again.GotoInteractiveAsync("/devices");
        await Expect(again.ByTestId("add-device")).ToBeVisibleAsync();
    }
}
