using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Devices;
using EstPortal.Data.Entities;

namespace EstPortal.Tests.Components;

public sealed class AddDeviceDialogTests : PortalComponentTest
{
    [Fact]
    public async Task EmptyName_ShowsTheRequiredMessage_AndAddsNothing()
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<AddDeviceDialog>();

        dialog.Find("[data-testid=add-device-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("A device name is required.", dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(dialog.FindAll("[data-testid=device-secret]"));
        Assert.Equal(0, (await Devices.ListAsync(null, 0, 10)).Total);
    }

    [Fact]
    public async Task NameWithAColon_IsRejectedInline_BeforeTheServiceIsAsked()
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<AddDeviceDialog>();

        dialog.Find("#device-name").Input("plc:7");

        dialog.WaitForAssertion(() => Assert.Contains("cannot contain ':'", dialog.Markup, StringComparison.Ordinal));
        dialog.Find("[data-testid=add-device-submit]").Click();
        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=device-secret]")));
        Assert.Equal(0, (await Devices.ListAsync(null, 0, 10)).Total);
    }

    [Fact]
    public async Task DuplicateName_ShowsTheServiceMessageInTheDialog_AndNoSecret()
    {
        await Devices.AddAsync("pump-1", null, "test");
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<AddDeviceDialog>();

        dialog.Find("#device-name").Input("pump-1");
        dialog.Find("[data-testid=add-device-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("A device named 'pump-1' already exists.", dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(dialog.FindAll("[data-testid=device-secret]"));
        Assert.Equal(1, (await Devices.ListAsync(null, 0, 10)).Total);
    }

    [Fact]
    public async Task ValidName_AddsTheDevice_AndShowsItsUserNameAndSecretOnce()
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<AddDeviceDialog>();

        dialog.Find("#device-name").Input("gateway-12");
        dialog.Find("#device-description").Change("roof");
        dialog.Find("[data-testid=add-device-submit]").Click();

        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("[data-testid=device-secret]")));
        Assert.Contains("Device added", dialog.Find(".mud-dialog-title").TextContent, StringComparison.Ordinal);
        Assert.Equal("gateway-12", dialog.Find("[data-testid=device-username]").TextContent.Trim());
        Assert.True(dialog.Find("[data-testid=device-secret]").TextContent.Trim().Length >= 22);
        Assert.Contains("shown only this once", dialog.Find("[data-testid=secret-once-warning]").TextContent, StringComparison.Ordinal);
        var device = await Devices.FindAsync("gateway-12");
        Assert.Equal("roof", device?.Description);
    }

    [Fact]
    public async Task SanPatterns_ABadOneIsNamedInline_GoodOnesAreSavedWithTheDevice()
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<AddDeviceDialog>();

        dialog.Find("#device-name").Input("ap1");
        dialog.Find("#device-san-patterns").Change("dns:{device}\\.plant\\.example\nip:10\\.(");
        dialog.WaitForAssertion(() => Assert.Contains("'ip:10\\.(' is not a valid regular expression", dialog.Markup, StringComparison.Ordinal));
        dialog.Find("[data-testid=add-device-submit]").Click();
        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=device-secret]")));
        Assert.Null(await Devices.FindAsync("ap1"));

        dialog.Find("#device-san-patterns").Change("dns:{device}\\.plant\\.example\nIP:10\\.7\\..*");
        dialog.Find("[data-testid=add-device-submit]").Click();

        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("[data-testid=device-secret]")));
        Assert.Equal("dns:{device}\\.plant\\.example\nip:10\\.7\\..*", (await Devices.FindAsync("ap1"))?.SubjectAltNamePatterns);
    }

    [Fact]
    public async Task Auditor_SubmittingTheForm_IsRefusedOnTheServer_AndNothingIsAdded()
    {
        SignInAs(OperatorRoles.Auditor);
        var dialog = await ShowDialogAsync<AddDeviceDialog>();

        dialog.Find("#device-name").Input("sneaky-device");
        dialog.Find("[data-testid=add-device-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == PortalRoles.ReadOnlyMessage));
        Assert.Empty(dialog.FindAll("[data-testid=device-secret]"));
        Assert.Null(await Devices.FindAsync("sneaky-device"));
    }
}
