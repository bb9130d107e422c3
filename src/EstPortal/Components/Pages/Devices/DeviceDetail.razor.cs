using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

public partial class DeviceDetail
{
    private const int AuditTrailLength = 50;

    private Device? _device;
    private IReadOnlyList<CertificateSummary> _certificates = [];
    private IReadOnlyList<CredentialSummary> _credentials = [];
    private IReadOnlyList<DeviceAuditEntry> _auditTrail = [];
    private DeviceAuditEntry? _lastEnrollment;
    private IReadOnlyList<string> _sanPatterns = [];
    private bool _canManage;
    private bool _loading = true;
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Inject] private DeviceAdmin Devices { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _canManage = PortalRoles.CanManage((await AuthenticationState).User);
        await LoadAsync();
        _breadcrumbs = [new("Devices", "devices"), new(_device?.Name ?? "Unknown device", null, disabled: true)];
        _loading = false;
    }

    private async Task LoadAsync()
    {
        _device = await Devices.FindAsync(Id);
        if (_device is null)
            return;
        _sanPatterns = Policy.DeviceSubjectAltNamePatterns.Parse(_device.SubjectAltNamePatterns).Select(p => p.ToString()).ToList();
        _certificates = await Devices.CertificatesOfAsync(_device.Id);
        _credentials = await Devices.CredentialsOfAsync(_device.Id);
        _auditTrail = await Devices.AuditTrailAsync(_device.Id, AuditTrailLength);
        _lastEnrollment = await Devices.LastEnrollmentAsync(_device.Id);
    }

    /// <summary>Every handler asks the role again: a hidden button is not a permission check.</summary>
    private async Task<string?> ManagerActorAsync()
    {
        var user = (await AuthenticationState).User;
        if (PortalRoles.CanManage(user))
            return PortalRoles.ActorOf(user);
        Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
        return null;
    }

    private async Task RotateAsync()
    {
        if (_device is null || await ManagerActorAsync() is null)
            return;
        var parameters = new DialogParameters<RotateCredentialDialog>
        {
            { d => d.DeviceId, _device.Id },
            { d => d.DeviceName, _device.Name },
        };
        var dialog = await Dialogs.ShowAsync<RotateCredentialDialog>("Rotate credential", parameters, PortalDialogs.Options);
        if (await dialog.Result is { Canceled: false })
            await LoadAsync();
    }

    private async Task EditIdevidAsync()
    {
        if (_device is null || await ManagerActorAsync() is null)
            return;
        var parameters = new DialogParameters<DeviceIdevidDialog>
        {
            { d => d.DeviceId, _device.Id },
            { d => d.DeviceName, _device.Name },
            { d => d.Idevid, _device.Idevid },
        };
        var dialog = await Dialogs.ShowAsync<DeviceIdevidDialog>("IDevID value", parameters, PortalDialogs.Options);
        if (await dialog.Result is { Canceled: false })
            await LoadAsync();
    }

    private async Task EditSanPatternsAsync()
    {
        if (_device is null || await ManagerActorAsync() is null)
            return;
        var parameters = new DialogParameters<DeviceSanPatternsDialog>
        {
            { d => d.DeviceId, _device.Id },
            { d => d.DeviceName, _device.Name },
            { d => d.Patterns, _sanPatterns },
        };
        var dialog = await Dialogs.ShowAsync<DeviceSanPatternsDialog>("Allowed subjectAltNames", parameters, PortalDialogs.Options);
        if (await dialog.Result is { Canceled: false })
            await LoadAsync();
    }

    private async Task ToggleDisabledAsync()
    {
        if (_device is null || await ManagerActorAsync() is null)
            return;
        var parameters = new DialogParameters<DisableDeviceDialog>
        {
            { d => d.DeviceId, _device.Id },
            { d => d.DeviceName, _device.Name },
            { d => d.Disable, !_device.Disabled },
        };
        var dialog = await Dialogs.ShowAsync<DisableDeviceDialog>("Disable device", parameters, PortalDialogs.Options);
        if (await dialog.Result is { Canceled: false })
            await LoadAsync();
    }

    private async Task DisableCredentialAsync(CredentialSummary credential)
    {
        if (_device is null || await ManagerActorAsync() is not { } actor)
            return;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Disable this credential?",
            "The device can no longer sign in to EST with this secret. Its other credentials and certificates are not affected.",
            yesText: "Disable credential", cancelText: "Cancel");
        if (confirmed != true)
            return;
        var result = await Devices.DisableCredentialAsync(_device.Id, credential.Id, actor);
        Snackbar.Add(result.Succeeded ? "Credential disabled." : result.Error!, result.Succeeded ? Severity.Success : Severity.Error);
        await LoadAsync();
    }
}
