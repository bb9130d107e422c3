using EstPortal.Admin;
using EstPortal.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

/// <summary>Confirms disabling (optionally revoking the device's certificates) or enabling a device, and does it.</summary>
public partial class DisableDeviceDialog
{
    private bool _revokeCertificates;
    private bool _busy;
    private string? _error;

    [Inject] private DeviceAdmin Devices { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired] public Guid DeviceId { get; set; }
    [Parameter, EditorRequired] public string DeviceName { get; set; } = "";
    /// <summary>True to disable, false to enable.</summary>
    [Parameter] public bool Disable { get; set; } = true;

    private async Task ConfirmAsync()
    {
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanManage(user))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        _busy = true;
        try
        {
            var result = await Devices.SetDisabledAsync(DeviceId, Disable, Disable && _revokeCertificates, PortalRoles.ActorOf(user));
            if (!result.Succeeded)
            {
                _error = result.Error;
                Dialog.StateHasChanged();
                return;
            }
            Snackbar.Add(Disable
                ? $"Device '{DeviceName}' disabled" + (_revokeCertificates ? $"; {result.Value} certificate(s) revoked." : ".")
                : $"Device '{DeviceName}' enabled.", Severity.Success);
            Dialog.Close(DialogResult.Ok(result.Value));
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();
}
