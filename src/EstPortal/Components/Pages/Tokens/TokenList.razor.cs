using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Tokens;

public partial class TokenList
{
    private MudDataGrid<BootstrapTokenRow> _grid = default!;
    private TokenStateFilter _state = TokenStateFilter.All;
    private bool _canManage;

    [Inject] private BootstrapTokenAdmin Tokens { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary><c>/tokens?issue=1</c> opens the issue dialog (the dashboard links here).</summary>
    [SupplyParameterFromQuery(Name = "issue")] private string? Issue { get; set; }

    protected override async Task OnInitializedAsync() => _canManage = PortalRoles.CanManage((await AuthenticationState).User);

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Issue is not null)
        {
            Navigation.NavigateTo("tokens", replace: true);
            await IssueTokenAsync();
        }
    }

    private async Task<GridData<BootstrapTokenRow>> LoadAsync(GridState<BootstrapTokenRow> state, CancellationToken cancellationToken)
    {
        var (items, total) = await Tokens.ListPageAsync(_state, state.Page * state.PageSize, state.PageSize, cancellationToken);
        return new GridData<BootstrapTokenRow> { Items = items, TotalItems = total };
    }

    private async Task FilterAsync(TokenStateFilter state)
    {
        _state = state;
        await _grid.ReloadServerData();
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
            await _grid.ReloadServerData();
    }

    /// <summary>A batch for installers: CSV and a printable page of QR codes, each offered once.</summary>
    internal async Task IssueSeveralAsync()
    {
        if (!PortalRoles.CanManage((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        var dialog = await Dialogs.ShowAsync<IssueTokensDialog>(PortalDialogs.Wide);
        if (await dialog.Result is { Canceled: false })
            await _grid.ReloadServerData();
    }

    private async Task RevokeAsync(BootstrapTokenRow token)
    {
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanManage(user))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        var confirmed = await Dialogs.ShowMessageBoxAsync("Revoke this token?",
            $"Issued {CertificateFormat.DateTime(token.CreatedAt)}{(token.Note is null ? "" : $" ({token.Note})")}. It can no longer be used to enroll; this cannot be undone.",
            yesText: "Revoke token", cancelText: "Cancel");
        if (confirmed != true)
            return;
        var result = await Tokens.RevokeAsync(token.Id, PortalRoles.ActorOf(user));
        Snackbar.Add(result.Succeeded ? "Token revoked." : result.Error!, result.Succeeded ? Severity.Success : Severity.Error);
        await _grid.ReloadServerData();
    }
}
