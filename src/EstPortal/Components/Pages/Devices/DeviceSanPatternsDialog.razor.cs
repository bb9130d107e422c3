using EstPortal.Admin;
using EstPortal.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

/// <summary>Edits the subjectAltName patterns a device may ask for.</summary>
public partial class DeviceSanPatternsDialog
{
    private MudForm _form = default!;
    private string? _text;
    private bool _busy;
    private string? _error;

    [Inject] private DeviceAdmin Devices { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired] public Guid DeviceId { get; set; }
    [Parameter, EditorRequired] public string DeviceName { get; set; } = "";
    [Parameter] public IReadOnlyList<string> Patterns { get; set; } = [];

    protected override void OnInitialized() => _text = string.Join('\n', Patterns);

    private async Task SaveAsync()
    {
        await _form.ValidateAsync();
        if (!_form.IsValid)
            return;
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanManage(user))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        _busy = true;
        try
        {
            var result = await Devices.SetSubjectAltNamePatternsAsync(DeviceId, DeviceSanPatternsHelp.Lines(_text), PortalRoles.ActorOf(user));
            if (!result.Succeeded)
            {
                _error = result.Error;
                Dialog.StateHasChanged();
                return;
            }
            Snackbar.Add($"Subject alternative names of '{DeviceName}' saved.", Severity.Success);
            Dialog.Close(DialogResult.Ok(result.Value!.Count));
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();
}
