using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Devices;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace EstPortal.Tests.Components;

public sealed class DisableDeviceDialogTests : PortalComponentTest
{
    private Task<IRenderedComponent<ContainerFragment>> ShowForAsync(Guid id, string name, bool disable = true) =>
        ShowDialogAsync<DisableDeviceDialog>(new DialogParameters<DisableDeviceDialog>
        {
            { d => d.DeviceId, id },
            { d => d.DeviceName, name },
            { d => d.Disable, disable },
        });

    private async Task<int> UnrevokedCertificatesAsync(Guid deviceId)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.IssuedCertificates.CountAsync(c => c.DeviceId == deviceId && c.RevokedAt == null);
    }

    [Fact]
    public async Task Confirm_WithoutTheRevokeOption_DisablesTheDevice_AndKeepsItsCertificates()
    {
        var device = (await Devices.AddAsync("valve-1", null, "test")).Value!;
        await AddCertificateAsync("CN=valve-1", device.Id);
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowForAsync(device.Id, device.Name);

        Assert.Contains("Disable valve-1?", dialog.Markup, StringComparison.Ordinal);
        dialog.Find("[data-testid=disable-device-confirm]").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=disable-device-dialog]")));
        Assert.True((await Devices.FindAsync(device.Id))!.Disabled);
        Assert.Equal(1, await UnrevokedCertificatesAsync(device.Id));
    }

    [Fact]
    public async Task Confirm_WithAlsoRevoke_DisablesTheDevice_AndRevokesEveryCertificate()
    {
        var device = (await Devices.AddAsync("valve-2", null, "test")).Value!;
        await AddCertificateAsync("CN=valve-2", device.Id);
        await AddCertificateAsync("CN=valve-2", device.Id);
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowForAsync(device.Id, device.Name);

        dialog.Find("[data-testid=disable-device-dialog] input[type=checkbox]").Change(true);
        dialog.Find("[data-testid=disable-device-confirm]").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=disable-device-dialog]")));
        Assert.True((await Devices.FindAsync(device.Id))!.Disabled);
        Assert.Equal(0, await UnrevokedCertificatesAsync(device.Id));
        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message?.Contains("2 certificate(s) revoked", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Cancel_ChangesNothing()
    {
        var device = (await Devices.AddAsync("valve-3", null, "test")).Value!;
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowForAsync(device.Id, device.Name);

        dialog.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=disable-device-dialog]")));
        Assert.False((await Devices.FindAsync(device.Id))!.Disabled);
    }

    [Fact]
    public async Task Auditor_Confirming_IsRefusedOnTheServer_AndTheDeviceStaysEnabled()
    {
        var device = (await Devices.AddAsync("valve-4", null, "test")).Value!;
        SignInAs(OperatorRoles.Auditor);
        var dialog = await ShowForAsync(device.Id, device.Name);

        dialog.Find("[data-testid=disable-device-confirm]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == PortalRoles.ReadOnlyMessage));
        Assert.False((await Devices.FindAsync(device.Id))!.Disabled);
    }
}
