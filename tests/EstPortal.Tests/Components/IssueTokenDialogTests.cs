using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Tokens;
using EstPortal.Data.Entities;

namespace EstPortal.Tests.Components;

public sealed class IssueTokenDialogTests : PortalComponentTest
{
    [Theory]
    [InlineData("soon", "Enter a lifetime like 15m, 1h, 24h or 7d.")]
    [InlineData("91d", "A token lives between 1 minute and 90 days.")]
    [InlineData("30s", "A token lives between 1 minute and 90 days.")]
    public async Task BadLifetime_ShowsTheRule_AndIssuesNothing(string lifetime, string message)
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("#token-lifetime").Input(lifetime);
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(message, dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(dialog.FindAll("[data-testid=issued-token]"));
        Assert.Empty(await Tokens.ListAsync());
    }

    [Fact]
    public async Task UnknownDevice_ShowsThatNoDeviceHasThatName_AndIssuesNothing()
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        var device = dialog.Find("#token-device");
        device.Input("ghost-device");
        device.Blur();
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("No device is named 'ghost-device'.", dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(dialog.FindAll("[data-testid=issued-token]"));
        Assert.Empty(await Tokens.ListAsync());
    }

    [Fact]
    public async Task ValidRequest_ShowsTheTokenOnce_WithCommandsForThisServer()
    {
        await Devices.AddAsync("meter-3", null, "test");
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("#token-lifetime").Input("7d");
        var device = dialog.Find("#token-device");
        device.Input("meter-3");
        device.Blur();
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("[data-testid=issued-token]")));
        Assert.Contains("Token issued", dialog.Find(".mud-dialog-title").TextContent, StringComparison.Ordinal);
        var token = dialog.Find("[data-testid=issued-token]").TextContent.Trim();
        Assert.Contains($"--user \"any:{token}\"", dialog.Find("[data-testid=curl-hint]").TextContent, StringComparison.Ordinal);
        Assert.Contains($"{EstUrl}/.well-known/est/simpleenroll", dialog.Find("[data-testid=curl-hint]").TextContent, StringComparison.Ordinal);
        Assert.Contains($"pki --est --url {EstUrl} ", dialog.Find("[data-testid=strongswan-hint]").TextContent, StringComparison.Ordinal);
        var issued = Assert.Single(await Tokens.ListAsync());
        Assert.Equal("meter-3", issued.DeviceName);
        Assert.InRange(issued.ExpiresAt - issued.CreatedAt, TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task Auditor_SubmittingTheForm_IsRefusedOnTheServer_AndNoTokenExists()
    {
        SignInAs(OperatorRoles.Auditor);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == PortalRoles.ReadOnlyMessage));
        Assert.Empty(dialog.FindAll("[data-testid=issued-token]"));
        Assert.Empty(await Tokens.ListAsync());
    }
}
