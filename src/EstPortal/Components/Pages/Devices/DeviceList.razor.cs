using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Devices;

public partial class DeviceList
{
    private MudDataGrid<DeviceSummary> _grid = default!;
    private string? _search;

    [Inject] private DeviceAdmin Devices { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary><c>/devices?add=1</c> opens the add dialog (the dashboard links here).</summary>
    [SupplyParameterFromQuery(Name = "add")] private string? Add { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Add is not null)
        {
            Navigation.NavigateTo("devices", replace: true);
            await AddDeviceAsync();
        }
    }

    private async Task<GridData<DeviceSummary>> LoadAsync(GridState<DeviceSummary> state, CancellationToken cancellationToken)
    {
        // Only indexed columns sort (Name, CreatedAt), so a page at 100,000 devices is an index walk, not a sort.
        var sort = state.SortDefinitions.FirstOrDefault();
        var request = new DeviceQuery(_search,
            sort?.SortBy == nameof(DeviceSummary.CreatedAt) ? DeviceSort.CreatedAt : DeviceSort.Name,
            sort?.Descending ?? false, state.Page * state.PageSize, state.PageSize);
        var (items, total) = await Devices.ListPageAsync(request, cancellationToken);
        return new GridData<DeviceSummary> { Items = items, TotalItems = total };
    }

    private async Task SearchAsync(string? text)
    {
        _search = text;
        await _grid.ReloadServerData();
    }

    private async Task AddDeviceAsync()
    {
        if (!PortalRoles.CanManage((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        var dialog = await Dialogs.ShowAsync<AddDeviceDialog>(PortalDialogs.Options);
        var result = await dialog.Result;
        if (result is { Canceled: false })
            await _grid.ReloadServerData();
    }
}
