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

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_SetsTheDevicesSubjectAltNamePatterns_AndTheDeviceGetsThatNameButNoOther()
    {
        const string name = "ap7";
        var op = await fixture.Host.AddOperatorAsync("operator-san@example.com", OperatorRoles.Operator);
        var device = await fixture.Host.AddDeviceAsync(name);
        using var client = fixture.Host.CreateEstClient();
        using (var before = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={name}", [$"{name}.plant.example"]), name, device.Secret))
            Assert.Equal(HttpStatusCode.BadRequest, before.StatusCode);

        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync($"/devices/{device.Id}");
        await Expect(portal.ByTestId("device-san-patterns")).ToContainTextAsync("none");
        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("edit-san-patterns"), portal.Page.Locator("#device-san-edit"));
        await portal.Page.Locator("#device-san-edit").FillAsync("dns:{device}\\.plant\\.(");
        await portal.ByTestId("device-san-save").ClickAsync();
        await Expect(portal.ByTestId("device-san-dialog")).ToContainTextAsync("not a valid regular expression");
        await portal.Page.Locator("#device-san-edit").FillAsync("dns:{device}\\.plant\\.example");
        await portal.ByTestId("device-san-save").ClickAsync();
        await Expect(portal.ByTestId("device-san-patterns")).ToContainTextAsync("dns:{device}\\.plant\\.example");

        using var own = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={name}", [$"{name}.plant.example"]), name, device.Secret);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var other = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={name}", ["bank.example"]), name, device.Secret);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.StartsWith("identity-san: ", await other.Content.ReadAsStringAsync());
    }
}
