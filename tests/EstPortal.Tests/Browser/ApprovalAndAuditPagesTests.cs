using System.Net;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using static EstPortal.Tests.Support.EstCalls;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class ApprovalAndAuditPagesTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_RejectsAHeldRequestOnlyWithAReason_AndTheDeviceIsToldIt()
    {
        await fixture.Host.AddProfileAsync("held", "held", requiresApproval: true);
        var device = await fixture.Host.AddDeviceAsync("held-device");
        var csr = TestCsr.Create("CN=held-device");
        using var client = fixture.Host.CreateEstClient();
        using (var first = await PostAsync(client, "/.well-known/est/held/simpleenroll", csr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var op = await fixture.Host.AddOperatorAsync("operator-approvals@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/approvals");
        var row = portal.Page.Locator(".mud-table-row").Filter(new() { HasText = "CN=held-device" });
        await Expect(row).ToBeVisibleAsync();
        await portal.ScreenshotAsync("approvals");
        await row.Locator("[data-testid='review']").ClickAsync();
        await portal.WaitForCircuitAsync();
        await Expect(portal.ByTestId("csr-subject")).ToHaveTextAsync("CN=held-device");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("reject"), portal.ByTestId("reject-dialog"));
        await portal.ByTestId("reject-submit").ClickAsync();
        await Expect(portal.Page.GetByText("A rejection needs a reason; the device is told it.")).ToBeVisibleAsync();
        await portal.Page.Locator("#reject-reason").FillAsync("not on the installation plan");
        await portal.ByTestId("reject-submit").ClickAsync();

        await Expect(portal.ByTestId("pending-status")).ToContainTextAsync("not on the installation plan");
        await portal.GotoInteractiveAsync("/approvals");
        await Expect(portal.ByTestId("decided-grid")).ToContainTextAsync("not on the installation plan");
        await Expect(portal.ByTestId("pending-grid")).Not.ToContainTextAsync("CN=held-device");
        using var retry = await PostAsync(client, "/.well-known/est/held/simpleenroll", csr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        Assert.Contains("not on the installation plan", await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The operator approves what the page decoded from the stored CSR (ADR 0013); a second CSR with the same key for
    /// other names arrives as a new request and the approved one is issued with its own names.
    /// </summary>
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_OpensAHeldRequest_SeesTheDecodedCsr_AndApprovesExactlyThatCsr()
    {
        await fixture.Host.AddProfileAsync("reviewed", "reviewed", requiresApproval: true);
        var device = await fixture.Host.AddDeviceAsync("ap1", @"dns:.*\.plant\.example");
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var csr = TestCsr.Create("CN=ap1", ["ap1.plant.example"], key);
        using var client = fixture.Host.CreateEstClient();
        const string path = "/.well-known/est/reviewed/simpleenroll";
        using (var first = await PostAsync(client, path, csr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var op = await fixture.Host.AddOperatorAsync("operator-review@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/approvals");
        var row = portal.Page.Locator(".mud-table-row").Filter(new() { HasText = "credential:ap1" });
        await row.Locator("[data-testid='review']").ClickAsync();
        await portal.WaitForCircuitAsync();

        await Expect(portal.ByTestId("csr-subject")).ToHaveTextAsync("CN=ap1");
        await Expect(portal.ByTestId("csr-sans")).ToHaveTextAsync("DNS:ap1.plant.example");
        await Expect(portal.ByTestId("csr-key")).ToHaveTextAsync("EC P-256");
        await Expect(portal.ByTestId("csr-extensions")).ToContainTextAsync("2.5.29.17");
        await Expect(portal.ByTestId("csr-sha256")).ToHaveTextAsync(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(csr.Der)));
        await Expect(portal.ByTestId("pending-requester")).ToHaveTextAsync("credential:ap1");
        await portal.ScreenshotAsync("approval-review");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("approve"), portal.ByTestId("pending-status").Filter(new() { HasText = "Approved" }));

        var other = TestCsr.Create("CN=ap1", ["bank.plant.example"], key);
        using (var swapped = await PostAsync(client, path, other.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, swapped.StatusCode);
        using var retry = await PostAsync(client, path, csr.Base64, Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(retry);
        Assert.Equal("CN=ap1", certificate.Subject);

        await portal.GotoInteractiveAsync("/approvals");
        var otherHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(other.Der));
        await Expect(portal.ByTestId("pending-grid").Locator($"[title='{otherHash}']")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("decided-grid")).ToContainTextAsync(EstRequests.NormalizeSerial(certificate.SerialNumber));
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Auditor_FiltersTheLog_ExportsExactlyTheFilteredCsv_AndVerifiesTheChain()
    {
        await fixture.Host.IssueTokenAsync();
        await fixture.Host.IssueTokenAsync();
        var auditor = await fixture.Host.AddOperatorAsync("auditor-log@example.com", OperatorRoles.Auditor);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(auditor.Email, auditor.Password);
        await portal.GotoInteractiveAsync("/audit");
        await Expect(portal.ByTestId("audit-grid")).ToContainTextAsync("operator.added");

        await portal.Page.Locator("#filter-type").ClickAsync();
        await portal.Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "token.issued" }).First.ClickAsync();
        await Expect(portal.ByTestId("audit-grid")).Not.ToContainTextAsync("operator.added");
        await Expect(portal.ByTestId("audit-grid")).ToContainTextAsync("token.issued");
        await portal.ScreenshotAsync("audit-filtered");

        var href = await portal.ByTestId("export-csv").GetAttributeAsync("href");
        Assert.Equal("portal/audit.csv?type=token.issued", href);
        var csv = await (await portal.Page.APIRequest.GetAsync("/" + href)).TextAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence,timestamp_utc,event_type,outcome,actor,client_ip,device_id,serial_number,reason,details", lines[0]);
        Assert.True(lines.Length >= 3);
        Assert.All(lines.Skip(1), l => Assert.Equal("token.issued", l.Split(',')[2]));

        await portal.ByTestId("verify-chain").ClickAsync();
        await Expect(portal.ByTestId("verify-result")).ToContainTextAsync("Chain intact");
        await portal.ScreenshotAsync("audit-verified");
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_HasNoAuditLog_AndCannotDownloadIt()
    {
        var op = await fixture.Host.AddOperatorAsync("operator-noaudit@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/");
        await Expect(portal.Page.Locator("a[href='audit']")).ToHaveCountAsync(0);
        var csv = await portal.Page.APIRequest.GetAsync("/portal/audit.csv", new() { MaxRedirects = 0 });
        Assert.Equal(302, csv.Status);
        Assert.Contains("/Account/AccessDenied", csv.Headers["location"], StringComparison.Ordinal);
    }
}
