using System.Net;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class DeviceEnrollmentTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_AddsDevice_AndTheDeviceEnrollsWithTheSecretShownOnce()
    {
        const string name = "boiler-sensor-7";
        var op = await fixture.Host.AddOperatorAsync("operator-devices@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/devices");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("add-device"), portal.Page.Locator("#device-name"));
        await portal.Page.Locator("#device-name").FillAsync(name);
        await portal.Page.Locator("#device-description").FillAsync("Boiler room, building 2");
        await portal.ByTestId("add-device-submit").ClickAsync();

        await Expect(portal.ByTestId("secret-once-warning")).ToContainTextAsync("shown only this once");
        await Expect(portal.ByTestId("device-username")).ToHaveTextAsync(name);
        var secret = (await portal.ByTestId("device-secret").InnerTextAsync()).Trim();
        Assert.True(secret.Length >= 22, $"secret '{secret}' is too short to carry 128 bits");
        await portal.ScreenshotAsync("device-added");
        await portal.ByTestId("add-device-done").ClickAsync();

        var link = portal.ByTestId("device-link").Filter(new() { HasText = name });
        await link.ClickAsync();
        await portal.Page.WaitForURLAsync("**/devices/*");
        await Expect(portal.ByTestId("device-name-heading")).ToHaveTextAsync(name);
        await Expect(portal.ByTestId("certificates-empty")).ToBeVisibleAsync();

        using var client = fixture.Host.CreateEstClient();
        using var response = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={name}"), name, secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var issued = await EstResponses.ReadIssuedCertificateAsync(response);

        await portal.Page.ReloadAsync();
        await portal.WaitForCircuitAsync();
        var serial = (await portal.ByTestId("certificate-serial").InnerTextAsync()).Trim();
        Assert.Equal(EstRequests.NormalizeSerial(issued.SerialNumber), EstRequests.NormalizeSerial(serial));
        await Expect(portal.ByTestId("certificate-download")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex(@"portal/certificates/[0-9a-f-]{36}\.pem$"));
        await portal.ScreenshotAsync("device-detail");

        await using var phone = await fixture.NewPageAsync(390, 844);
        await phone.SignInAsync(op.Email, op.Password);
        await phone.GotoInteractiveAsync("/devices");
        await Expect(phone.ByTestId("device-link").Filter(new() { HasText = name })).ToBeVisibleAsync();
        await phone.ScreenshotAsync("devices-390x844");

        await portal.GotoInteractiveAsync("/devices");
        await Expect(portal.ByTestId("device-link").Filter(new() { HasText = name })).ToBeVisibleAsync();
        await portal.ScreenshotAsync("devices");
    }
}
