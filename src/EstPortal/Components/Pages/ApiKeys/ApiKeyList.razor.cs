using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.ApiKeys;

/// <summary>API keys, Admin only: create (the key shown once), list, revoke — all through <see cref="ApiKeyAdmin"/>, like `apikey`.</summary>
public partial class ApiKeyList
{
    private IReadOnlyList<ApiKeySummary>? _keys;
    private NewApiKey? _created;
    internal string? KeyName { get; set; }
    internal string KeyRole { get; set; } = OperatorRoles.Operator;
    internal string? KeyExpires { get; set; }
    private bool _busy;

    [Inject] private ApiKeyAdmin Keys { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync() => _keys = await Keys.ListAsync();

    internal async Task CreateAsync()
    {
        if (await AdminActorAsync() is not { } actor)
            return;
        TimeSpan? lifetime = null;
        if (!string.IsNullOrWhiteSpace(KeyExpires))
        {
            if (!BootstrapTokenAdmin.TryParseLifetime(KeyExpires.Trim(), out var parsed))
            {
                Snackbar.Add($"'{KeyExpires}' is not a lifetime such as 90d, 12h or 30m.", Severity.Error);
                return;
            }
            lifetime = parsed;
        }
        _busy = true;
        try
        {
            var result = await Keys.CreateAsync(KeyName?.Trim() ?? "", KeyRole, lifetime, actor);
            if (!result.Succeeded)
            {
                Snackbar.Add(result.Error!, Severity.Error);
                return;
            }
            _created = result.Value;
            KeyName = null;
            _keys = await Keys.ListAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    internal async Task RevokeAsync(ApiKeySummary key)
    {
        if (await AdminActorAsync() is not { } actor)
            return;
        var confirmed = await Dialogs.ShowMessageBoxAsync($"Revoke API key {key.Name}?",
            "Its next request is refused, on every instance. This cannot be undone; create a new key instead.", yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
            return;
        var result = await Keys.RevokeAsync(key.Name, actor);
        Snackbar.Add(result.Succeeded ? $"API key {key.Name} is revoked." : result.Error!, result.Succeeded ? Severity.Success : Severity.Error);
        _keys = await Keys.ListAsync();
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
