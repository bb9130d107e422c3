using System.Net;
using EstPortal.Admin;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

/// <summary>The fleet pages' main flows: issued certificates, device detail actions, token states, dashboard, and what an Auditor cannot do.</summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class FleetPagesTests(PortalBrowserFixture fixture)
{
    private async Task<(NewDevice Device, string Serial)> EnrolledDeviceAsync(string name)
    {
        var device = await fixture.Host.AddDeviceAsync(name);
        using var client = fixture.Host.CreateEstClient();
        using var response = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={name}"), name, device.Secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var issued = await EstResponses.ReadIssuedCertificateAsync(response);
        return (device, EstRequests.NormalizeSerial(issued.SerialNumber));
    }

    private static async Task ChooseAsync(PortalPage portal, Microsoft.Playwright.ILocator select, string item)
    {
        var option = portal.Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = item }).First;
        await PortalPage.ClickUntilVisibleAsync(select.First, option);
        await option.ClickAsync();
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_FindsACertificateByDevice_ReadsItsFields_AndRevokesItWithAReason()
    {
        var (device, serial) = await EnrolledDeviceAsync("chiller-4");
        var op = await fixture.Host.AddOperatorAsync("operator-certificates@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/certificates");

        await portal.Page.Locator("#filter-device").FillAsync(device.Name);
        var link = portal.ByTestId("issued-certificate-link");
        await Expect(link).ToHaveCountAsync(1);
        await Expect(link).ToHaveTextAsync(serial);
        await portal.ScreenshotAsync("certificates");
        await link.ClickAsync();

        await portal.Page.WaitForURLAsync("**/certificates/*");
        await Expect(portal.ByTestId("certificate-serial")).ToHaveTextAsync(serial);
        await Expect(portal.ByTestId("certificate-fields")).ToContainTextAsync("EC P-256, 256 bits");
        await Expect(portal.ByTestId("certificate-fields")).ToContainTextAsync("CN=EstPortal Root CA");
        await Expect(portal.ByTestId("certificate-device")).ToHaveTextAsync(device.Name);
        await portal.ScreenshotAsync("certificate-detail");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("certificate-revoke"), portal.ByTestId("revoke-certificate-dialog"));
        await portal.ByTestId("revoke-confirm").ClickAsync();
        await Expect(portal.Page.GetByText("Choose a revocation reason.")).ToBeVisibleAsync();
        await ChooseAsync(portal, portal.Page.Locator(".mud-dialog .mud-select"), "keyCompromise");
        await portal.ByTestId("revoke-confirm").ClickAsync();

        await Expect(portal.ByTestId("certificate-revocation")).ToContainTextAsync("keyCompromise");
        await Expect(portal.ByTestId("certificate-revoke")).ToHaveCountAsync(0);
        await portal.ScreenshotAsync("certificate-revoked");

        await using var phone = await fixture.NewPageAsync(390, 844);
        await phone.SignInAsync(op.Email, op.Password);
        await phone.GotoInteractiveAsync("/certificates?state=revoked");
        await Expect(phone.ByTestId("issued-certificate-link").Filter(new() { HasText = serial })).ToBeVisibleAsync();
        await phone.ScreenshotAsync("certificates-390x844");
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_RotatesADevicesCredential_ThenDisablesItAndRevokesItsCertificates()
    {
        var (device, _) = await EnrolledDeviceAsync("pump-station-9");
        var op = await fixture.Host.AddOperatorAsync("operator-device-detail@example.com", OperatorRoles.Admin);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync($"/devices/{device.Id}");

        await Expect(portal.ByTestId("last-enrollment")).ToContainTextAsync("est.simpleenroll");
        await Expect(portal.ByTestId("device-audit-grid")).ToContainTextAsync("device.added");
        await Expect(portal.ByTestId("credential-row")).ToHaveCountAsync(1);
        await Expect(portal.ByTestId("certificate-timeline").GetByTestId("timeline-state")).ToContainTextAsync("in use; valid until");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("rotate-credential"), portal.ByTestId("rotate-confirm"));
        await portal.ByTestId("rotate-confirm").ClickAsync();
        var secret = (await portal.ByTestId("device-secret").InnerTextAsync()).Trim();
        Assert.NotEqual(device.Secret, secret);
        await portal.ByTestId("rotate-done").ClickAsync();
        await Expect(portal.ByTestId("credential-row")).ToHaveCountAsync(2);
        using (var client = fixture.Host.CreateEstClient())
        {
            using var old = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={device.Name}"), device.Name, device.Secret);
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
            using var fresh = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create($"CN={device.Name}"), device.Name, secret);
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("toggle-device"), portal.ByTestId("disable-device-dialog"));
        await portal.Page.Locator(".mud-dialog input[type=checkbox]").CheckAsync();
        await portal.ScreenshotAsync("device-disable-dialog");
        await portal.ByTestId("disable-device-confirm").ClickAsync();

        await Expect(portal.ByTestId("toggle-device")).ToHaveTextAsync("Enable");
        await Expect(portal.ByTestId("certificate-grid").Locator(".mud-chip").Filter(new() { HasText = "Revoked" })).ToHaveCountAsync(2);
        await Expect(portal.ByTestId("certificate-grid").Locator(".mud-chip").Filter(new() { HasText = "Valid" })).ToHaveCountAsync(0);
        await Expect(portal.ByTestId("device-audit-grid")).ToContainTextAsync("device.disabled");
        await Expect(portal.ByTestId("certificate-timeline").GetByTestId("timeline-state").Filter(new() { HasText = "revoked" })).ToHaveCountAsync(2);
        await portal.ScreenshotAsync("device-detail-disabled");
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_FiltersTokensByState_AndRevokesAnUnusedOne()
    {
        var tokens = fixture.Host.Services.GetRequiredService<BootstrapTokenAdmin>();
        await tokens.IssueAsync(new BootstrapTokenRequest(TimeSpan.FromHours(2), Note: "spare for the night shift"), "test");
        var op = await fixture.Host.AddOperatorAsync("operator-token-states@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/tokens");

        await ChooseAsync(portal, portal.Page.Locator(".mud-table-toolbar .mud-input-control .mud-input"), "Unused");
        var row = portal.Page.Locator(".mud-table-row").Filter(new() { HasText = "spare for the night shift" });
        await Expect(row.Locator("[data-testid='token-state']")).ToHaveTextAsync("Unused");
        await portal.ScreenshotAsync("tokens-unused");
        await row.Locator("[data-testid='token-revoke']").ClickAsync();
        await portal.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Revoke token" }).ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        await ChooseAsync(portal, portal.Page.Locator(".mud-table-toolbar .mud-input-control .mud-input"), "Revoked");
        await Expect(row.Locator("[data-testid='token-state']")).ToContainTextAsync("Revoked");
        await Expect(row.Locator("[data-testid='token-revoke']")).ToHaveCountAsync(0);

        await using var phone = await fixture.NewPageAsync(390, 844);
        await phone.SignInAsync(op.Email, op.Password);
        await phone.GotoInteractiveAsync("/tokens");
        await Expect(phone.ByTestId("token-grid")).ToContainTextAsync("spare for the night shift");
        await phone.ScreenshotAsync("tokens-390x844");
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Dashboard_ShowsTheFleetFigures_AndTheLatestRefusalWithItsReason()
    {
        await EnrolledDeviceAsync("dashboard-meter");
        using (var client = fixture.Host.CreateEstClient())
        {
            // A token used twice: the second refusal has an audit row of its own (a stranger's wrong password is only
            // counted in the address's summary, which the dashboard does not list).
            var token = await fixture.Host.IssueTokenAsync();
            using var first = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create("CN=dashboard-meter-2"), "installer", token.Token);
            using var refused = await EstRequests.SimpleEnrollAsync(client, TestCsr.Create("CN=dashboard-meter-3"), "installer", token.Token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var auditor = await fixture.Host.AddOperatorAsync("auditor-dashboard@example.com", OperatorRoles.Auditor);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(auditor.Email, auditor.Password);

        // Figures are computed at most every few seconds; a fresh load shows the refusal once that has passed.
        for (var attempt = 0; ; attempt++)
        {
            await portal.GotoInteractiveAsync("/");
            if ((await portal.ByTestId("refusal-grid").Locator(".mud-table-row").CountAsync() > 0
                    && !(await portal.ByTestId("activity-totals").InnerTextAsync()).TrimStart().StartsWith("0 issued", StringComparison.Ordinal))
                || attempt == 10)
                break;
            await Task.Delay(1_000);
        }
        await Expect(portal.ByTestId("refusal-grid").Locator(".mud-table-row").Filter(new() { HasText = "est.simpleenroll" }).First).ToBeVisibleAsync();
        await Expect(portal.ByTestId("stat-enrollments-refused").Locator(".stat-value")).Not.ToHaveTextAsync("0");
        await Expect(portal.ByTestId("stat-certificates").Locator(".stat-value")).Not.ToHaveTextAsync("0");

        // The trends as charts, each with its figures in words.
        await Expect(portal.ByTestId("chart-activity").Locator("svg").First).ToBeVisibleAsync();
        await Expect(portal.ByTestId("activity-totals")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*[1-9][\d,]* issued, [1-9][\d,]* refused in 7 days\s*$"));
        await Expect(portal.ByTestId("issuance-per-profile")).ToContainTextAsync("default:");
        // Every certificate here is valid for a year: nothing to draw in the next 13 weeks, and the chart says so.
        await Expect(portal.ByTestId("expiring-empty")).ToHaveTextAsync("No certificates expire in the next 13 weeks.");
        await Expect(portal.ByTestId("chart-expiring").Locator("svg")).ToHaveCountAsync(0);
        await portal.ByTestId("activity-bucket").GetByText("Hours").ClickAsync();
        await Expect(portal.ByTestId("chart-activity").Locator("path.mud-chart-line").First).ToBeVisibleAsync();
        await portal.ScreenshotAsync("dashboard");
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Auditor_SeesDetailPages_WithoutRevokeDisableOrRotateControls()
    {
        var (device, _) = await EnrolledDeviceAsync("auditor-readonly-device");
        var certificate = (await fixture.Host.Services.GetRequiredService<CertificateAdmin>().SearchAsync(new CertificateQuery(DeviceName: device.Name))).Items.Single();
        await fixture.Host.Services.GetRequiredService<BootstrapTokenAdmin>().IssueAsync(new BootstrapTokenRequest(TimeSpan.FromHours(1), Note: "auditor sees me"), "test");
        var auditor = await fixture.Host.AddOperatorAsync("auditor-detail@example.com", OperatorRoles.Auditor);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(auditor.Email, auditor.Password);

        await portal.GotoInteractiveAsync($"/certificates/{certificate.Id}");
        await Expect(portal.ByTestId("certificate-fields")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("certificate-download")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("certificate-revoke")).ToHaveCountAsync(0);

        await portal.GotoInteractiveAsync($"/devices/{device.Id}");
        await Expect(portal.ByTestId("credential-row")).ToHaveCountAsync(1);
        await Expect(portal.ByTestId("rotate-credential")).ToHaveCountAsync(0);
        await Expect(portal.ByTestId("toggle-device")).ToHaveCountAsync(0);
        await Expect(portal.ByTestId("credential-disable")).ToHaveCountAsync(0);
        await portal.ScreenshotAsync("device-detail-auditor");

        await portal.GotoInteractiveAsync("/tokens");
        await Expect(portal.ByTestId("token-grid")).ToContainTextAsync("auditor sees me");
        await Expect(portal.ByTestId("token-revoke")).ToHaveCountAsync(0);
    }
}
