using EstPortal.Admin;
using EstPortal.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

/// <summary>Sets or clears the value a device's IDevID names it by (<see cref="DeviceAdmin.SetIdevidAsync"/>).</summary>
public partial class DeviceIdevidDialog
{
    private string? _value;
    private bool _busy;
    private string? _error;

    [Inject] private DeviceAdmin Devices { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired] public Guid DeviceId { get; set; }
    [Parameter, EditorRequired] public string DeviceName { get; set; } = "";
    [Parameter] public string? Idevid { get; set; }

    protected override void OnInitialized() => _value = Idevid;

    private async Task SaveAsync()
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
            var result = await Devices.SetIdevidAsync(DeviceId, string.IsNullOrWhiteSpace(_value) ? null : _value, PortalRoles.ActorOf(user));
            if (!result.Succeeded)
            {
                _error = result.Error;
                Dialog.StateHasChanged();
                return;
            }
            Snackbar.Add($"IDevID value of '{DeviceName}' saved.", Severity.Success);
            Dialog.Close(DialogResult.Ok(result.Value));
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();
}
