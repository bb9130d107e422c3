using System.Security.Cryptography.X509Certificates;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class CaPagesTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Admin_CreatesAnIntermediateUnderTheDefaultCa_AndSeesItsChainFingerprintsAndDownloads()
    {
        var admin = await fixture.Host.AddOperatorAsync("admin-cas@example.com", OperatorRoles.Admin);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(admin.Email, admin.Password);
        await portal.GotoInteractiveAsync("/cas");

        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("create-ca"), portal.ByTestId("create-ca-dialog"));
        await portal.Page.GetByText("Intermediate (signed by an existing CA)").ClickAsync();
        await portal.Page.Locator("#ca-issuer").ClickAsync();
        await portal.Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = "default" }).First.ClickAsync();
        await portal.Page.Locator("#ca-name").FillAsync("issuing-1");
        await portal.Page.Locator("#ca-subject").FillAsync("CN=EstPortal Issuing CA 1, O=Example");
        await portal.Page.Locator("#ca-pathlen").FillAsync("0");
        await portal.ScreenshotAsync("ca-create-dialog");
        await portal.ByTestId("create-ca-submit").ClickAsync();

        await portal.Page.WaitForURLAsync(url => url.Contains("/cas/", StringComparison.Ordinal) && !url.EndsWith("/cas/new", StringComparison.Ordinal));
        await Expect(portal.ByTestId("ca-name-heading")).ToHaveTextAsync("issuing-1");
        await Expect(portal.ByTestId("ca-chain")).ToContainTextAsync("CN=EstPortal Issuing CA 1, O=Example");
        await Expect(portal.ByTestId("ca-chain")).ToContainTextAsync("CN=EstPortal Root CA");
        await Expect(portal.Page.GetByText("CA:TRUE, pathlen:0").First).ToBeVisibleAsync();
        await Expect(portal.ByTestId("rollover-ca")).ToHaveCountAsync(0); // intermediates do not roll over with link certificates
        await portal.ScreenshotAsync("ca-detail");

        var ca = await fixture.Host.Services.GetRequiredService<CertificateAuthorities>().FindByNameAsync("issuing-1");
        Assert.NotNull(ca);
        var der = await portal.Page.APIRequest.GetAsync($"/portal/ca/{ca.Id}/certificate.der");
        Assert.Equal(200, der.Status);
        using var certificate = X509CertificateLoader.LoadCertificate(await der.BodyAsync());
        Assert.Equal(fixture.Host.CaCertificate.Subject, certificate.Issuer);
        var pem = await (await portal.Page.APIRequest.GetAsync($"/portal/ca/{ca.Id}/chain.pem")).TextAsync();
        Assert.DoesNotContain("PRIVATE KEY", pem, StringComparison.Ordinal);
        Assert.Equal(2, pem.Split("BEGIN CERTIFICATE").Length - 1);
        var sha256 = string.Join(':', Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)));
        await Expect(portal.ByTestId("ca-sha256")).ToHaveTextAsync(sha256);
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Auditor_TypingTheCaCreationUrl_GetsNoWayToCreateOne()
    {
        var auditor = await fixture.Host.AddOperatorAsync("auditor-newca@example.com", OperatorRoles.Auditor);
        var cas = fixture.Host.Services.GetRequiredService<CertificateAuthorities>();
        var before = (await cas.ListAsync()).Count;
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(auditor.Email, auditor.Password);

        var response = await portal.Page.GotoAsync("/cas/new");
        Assert.Contains("/Account/AccessDenied", portal.Page.Url, StringComparison.Ordinal);
        Assert.Equal(200, response?.Status);
        await Expect(portal.ByTestId("create-ca-dialog")).ToHaveCountAsync(0);
        await Expect(portal.Page.Locator("#ca-name")).ToHaveCountAsync(0);
        await portal.ScreenshotAsync("ca-new-auditor-denied");

        await portal.GotoInteractiveAsync("/cas");
        await Expect(portal.ByTestId("ca-grid")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("create-ca")).ToHaveCountAsync(0);
        await Expect(portal.ByTestId("import-ca")).ToHaveCountAsync(0);
        Assert.Equal(before, (await cas.ListAsync()).Count);
    }
}
