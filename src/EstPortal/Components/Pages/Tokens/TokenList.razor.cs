using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Tokens;

public partial class TokenList
{
    private IReadOnlyList<BootstrapTokenSummary>? _tokens;

    [Inject] private BootstrapTokenAdmin Tokens { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary><c>/tokens?issue=1</c> opens the issue dialog (the dashboard links here).</summary>
    [SupplyParameterFromQuery(Name = "issue")] private string? Issue { get; set; }

    protected override async Task OnInitializedAsync() => _tokens = await Tokens.ListAsync();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Issue is not null)
        {
            Navigation.NavigateTo("tokens", replace: true);
            await IssueTokenAsync();
        }
    }

    private async Task IssueTokenAsync()
    {
        if (!PortalRoles.CanManage((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        var dialog = await Dialogs.ShowAsync<IssueTokenDialog>(PortalDialogs.Wide);
        if (await dialog.Result is { Canceled: false })
            _tokens = await Tokens.ListAsync();
    }
}
