using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.TrustAnchors;

/// <summary>Trust anchors, Admin only: add (paste or upload a PEM CA certificate), list, remove — each through <see cref="TrustAnchorAdmin"/>.</summary>
public partial class TrustAnchorList
{
    private IReadOnlyList<TrustAnchorSummary>? _anchors;
    private bool _busy;

    [Inject] private TrustAnchorAdmin Anchors { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() => _anchors = await Anchors.ListAsync();

    internal async Task AddAsync()
    {
        if (await AdminActorAsync() is null)
            return;
        var dialog = await Dialogs.ShowAsync<AddTrustAnchorDialog>("Add trust anchor", PortalDialogs.Options);
        if (await dialog.Result is { Canceled: false })
            await LoadAsync();
    }

    internal async Task RemoveAsync(TrustAnchorSummary anchor)
    {
        if (await AdminActorAsync() is not { } actor)
            return;
        var confirmed = await Dialogs.ShowMessageBoxAsync($"Remove trust anchor {anchor.Name}?",
            "Certificates under it authenticate nothing from the next request on; profiles that name it accept nothing through it.",
            yesText: "Remove", cancelText: "Cancel");
        if (confirmed != true)
            return;
        _busy = true;
        try
        {
            var result = await Anchors.RemoveAsync(anchor.Name, actor);
            Snackbar.Add(result.Succeeded ? $"Trust anchor '{anchor.Name}' removed." : result.Error!, result.Succeeded ? Severity.Success : Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task<string?> AdminActorAsync()
    {
        var user = (await AuthenticationState).User;
        if (PortalRoles.CanAdminister(user))
            return PortalRoles.ActorOf(user);
        Snackbar.Add(PortalRoles.AdminOnlyMessage, Severity.Error);
        return null;
    }
}
