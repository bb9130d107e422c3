using EstPortal.Admin;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

public partial class DeviceDetail
{
    private Device? _device;
    private IReadOnlyList<CertificateSummary> _certificates = [];
    private bool _loading = true;
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Inject] private DeviceAdmin Devices { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _device = await Devices.FindAsync(Id);
        _certificates = _device is null ? [] : await Devices.CertificatesOfAsync(_device.Id);
        _breadcrumbs = [new("Devices", "devices"), new(_device?.Name ?? "Unknown device", null, disabled: true)];
        _loading = false;
    }
}
