using EstPortal.Admin;
using EstPortal.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

/// <summary>Asks for a name, description and allowed subjectAltName patterns, creates the device, then shows its secret the one time it exists.</summary>
public partial class AddDeviceDialog
{
    private const int MaxDescriptionLength = 1024;

    private MudForm _form = default!;
    private string _name = "";
    private string? _description;
    private string? _sanPatterns;
    private string? _idevid;
    private NewDevice? _created;
    private bool _busy;
    private (string Name, string Message)? _rejected;

    [Inject] private DeviceAdmin Devices { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private string? ValidateName(string name) =>
        _rejected is { } rejected && rejected.Name == name ? rejected.Message : DeviceAdmin.ValidateName(name);

    private static string? ValidateDescription(string? description) =>
        description?.Length > MaxDescriptionLength ? $"A description has at most {MaxDescriptionLength} characters." : null;

    private static string? ValidateSanPatterns(string? text) => DeviceSanPatternsHelp.Validate(text);

    private static string? ValidateIdevid(string? value) => string.IsNullOrEmpty(value) ? null : DeviceAdmin.ValidateIdevid(value);

    private async Task SubmitAsync()
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
            var description = string.IsNullOrWhiteSpace(_description) ? null : _description.Trim();
            var idevid = string.IsNullOrWhiteSpace(_idevid) ? null : _idevid;
            var result = await Devices.AddAsync(_name, description, DeviceSanPatternsHelp.Lines(_sanPatterns), idevid, PortalRoles.ActorOf(user));
            if (result.Value is { } created)
            {
                _created = created;
                Dialog.StateHasChanged();
                Snackbar.Add($"Device '{created.Name}' added.", Severity.Success);
                return;
            }
            // The service's message belongs next to the name (duplicate, or a rule the form did not know).
            _rejected = (_name, result.Error ?? "The device could not be added.");
            await _form.ValidateAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();

    private void Done()
    {
        if (_created is { } created)
            Dialog.Close(DialogResult.Ok(created.Id));
    }
}
