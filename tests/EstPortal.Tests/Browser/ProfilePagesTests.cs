using EstPortal.Admin;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace EstPortal.Tests.Browser;

[Collection(PortalBrowserCollection.Name)]
public sealed class ProfilePagesTests(PortalBrowserFixture fixture)
{
    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Admin_CreatesALabelledProfile_WatchingTheCsrattrsPreview_AndTheListShowsItsEstUrl()
    {
        var admin = await fixture.Host.AddOperatorAsync("admin-profiles@example.com", OperatorRoles.Admin);
        await using var portal = await fixture.NewPageAsync();
        await portal.SignInAsync(admin.Email, admin.Password);
        await portal.GotoInteractiveAsync("/profiles/new");

        await Expect(portal.ByTestId("csrattrs-204")).ToBeVisibleAsync();
        await portal.Page.Locator("#profile-name").FillAsync("plant-floor");
        await portal.Page.Locator("#profile-label").FillAsync("simpleenroll");
        await Expect(portal.Page.GetByText("'simpleenroll' is an EST operation name and cannot be a label.")).ToBeVisibleAsync();
        await portal.Page.Locator("#profile-label").FillAsync("plant");
        await portal.Page.Locator("#profile-cn-pattern").FillAsync("^{device}(");
        await Expect(portal.Page.GetByText("The CN pattern is not a valid regular expression", new() { Exact = false })).ToBeVisibleAsync();
        await portal.Page.Locator("#profile-cn-pattern").FillAsync("^{device}$");
        await portal.Page.GetByText("Require tls-unique linking (challengePassword)").ClickAsync();

        await Expect(portal.ByTestId("csrattrs-tree")).ToContainTextAsync("challengePassword");
        await Expect(portal.ByTestId("csrattrs-base64")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("profile-est-url")).ToHaveTextAsync($"{fixture.Host.EstUrl}/.well-known/est/plant");
        await portal.ScreenshotAsync("profile-new");
        // A click that lands while the live preview re-renders the form can be lost on a busy machine (seen once in CI).
        await PortalPage.ClickUntilVisibleAsync(portal.ByTestId("profile-save"), portal.ByTestId("profile-heading"));

        await portal.Page.WaitForURLAsync("**/profiles/plant-floor");
        await Expect(portal.ByTestId("profile-heading")).ToHaveTextAsync("Profile plant-floor");
        var saved = await fixture.Host.Services.GetRequiredService<ProfileAdmin>().FindAsync("plant-floor");
        Assert.NotNull(saved);
        Assert.Equal("plant", saved.Label);
        Assert.True(saved.Policy.RequireProofOfPossessionLinking);
        Assert.Equal("^{device}$", saved.Policy.Subject.CommonNamePattern);

        await portal.GotoInteractiveAsync("/profiles");
        await Expect(portal.ByTestId("est-url-plant-floor")).ToHaveTextAsync($"{fixture.Host.EstUrl}/.well-known/est/plant");
        await portal.ScreenshotAsync("profiles");
    }

    [RequiresToolFact(PortalBrowserFixture.ChromiumPath)]
    public async Task Operator_SeesAProfileReadOnly_WithoutASaveButton()
    {
        var op = await fixture.Host.AddOperatorAsync("operator-profiles@example.com", OperatorRoles.Operator);
        await using var portal = await fixture.NewPageAsync(390, 844);
        await portal.SignInAsync(op.Email, op.Password);
        await portal.GotoInteractiveAsync("/profiles/default");
        await Expect(portal.ByTestId("profile-readonly")).ToBeVisibleAsync();
        await Expect(portal.ByTestId("profile-save")).ToHaveCountAsync(0);
        await Expect(portal.ByTestId("csrattrs-preview")).ToBeVisibleAsync();
        await portal.ScreenshotAsync("profile-operator-mobile");
    }
}
