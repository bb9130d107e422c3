using System.Net;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class BootstrapTokenTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_IssuesToken_WhichEnrollsOnce_AndTheListShowsItUsedButNeverTheToken()
    {
        var op = await fixture.Host.AddOperatorAsync("operator-tokens@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/tokens");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("issue-token"), portal.Page.Locator("#token-lifetime"));
        await portal.Page.Locator("#token-lifetime").FillAsync("1h");
        await portal.Page.Locator("#token-note").FillAsync("for the line 3 installer");
        await portal.ByTestId("issue-token-submit").ClickAsync();

        await Expect(portal.ByTestId("token-once-warning")).ToContainTextAsync("shown only this once");
        var token = (await portal.ByTestId("issued-token").InnerTextAsync()).Trim();
        var est = fixture.Host.EstUrl;
        Assert.Contains(
            $"curl --cacert ca.pem --user \"any:{token}\" --data-binary @device.csr.b64 -H \"Content-Type: application/pkcs10\" {est}/.well-known/est/simpleenroll",
            await ShellCommandAsync(portal.ByTestId("curl-hint")), StringComparison.Ordinal);
        Assert.Contains(
            $"pki --est --url {est} --in device.csr --userpass any:{token} --cacert ca.pem",
            await ShellCommandAsync(portal.ByTestId("strongswan-hint")), StringComparison.Ordinal);
        await portal.ScreenshotAsync("token-issued");
        await portal.ByTestId("issue-token-done").ClickAsync();

        using var client = fixture.Host.CreateEstClient();
        using var first = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create("CN=line3-device"), "installer", token);
        using var issued = await EstResponses.ReadIssuedCertificateAsync(first);
        using var second = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create("CN=line3-device-again"), "someone-else", token);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);

        await portal.GotoInteractiveAsync("/tokens");
        var row = portal.Page.Locator(".mud-table-row").Filter(new() { HasText = "for the line 3 installer" });
        await Expect(row.Locator("[data-testid='token-state']")).ToContainTextAsync("Used");
        await Expect(row.Locator("[data-testid='token-state']")).ToContainTextAsync(EstRequests.NormalizeSerial(issued.SerialNumber));
        Assert.DoesNotContain(token, await portal.Page.ContentAsync(), StringComparison.Ordinal);
        await portal.ScreenshotAsync("tokens");
    }

    /// <summary>The hint as the shell reads it: backslash-newline continues the line.</summary>
    private static async Task<string> ShellCommandAsync(Microsoft.Playwright.ILocator hint) =>
        System.Text.RegularExpressions.Regex.Replace(await hint.InnerTextAsync(), @" *\\\r?\n *", " ");
}
