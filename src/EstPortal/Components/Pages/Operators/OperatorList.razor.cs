using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Operators;

/// <summary>Operator accounts, Admin only: add, change role, disable/enable, reset password (each confirmed and audited).</summary>
public partial class OperatorList
{
    private IReadOnlyList<OperatorSummary>? _operators;
    private bool _busy;

    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        await using var scope = Scopes.CreateAsyncScope();
        _operators = await scope.ServiceProvider.GetRequiredService<OperatorAdmin>().ListAsync();
    }

    internal async Task AddAsync()
    {
        if (await AdminActorAsync() is null)
            return;
        var dialog = await Dialogs.ShowAsync<AddOperatorDialog>("Add operator", PortalDialogs.Options);
        if (await dialog.Result is { Canceled: false })
            await LoadAsync();
    }

    internal async Task ChangeRoleAsync(OperatorSummary target, string role)
    {
        if (await AdminActorAsync() is not { } actor || role == target.Role)
            return;
        var confirmed = await Dialogs.ShowMessageBoxAsync($"Change the role of {target.Email}?",
            $"{target.Role} → {role}. Their open sessions end; they sign in again with the new role.", yesText: "Change role", cancelText: "Cancel");
        if (confirmed == true)
            await RunAsync(ops => ops.ChangeRoleAsync(target.Id, role, actor), $"{target.Email} is now {role}.");
        else
            await LoadAsync(); // put the select back
    }

    internal async Task SetDisabledAsync(OperatorSummary target, bool disabled)
    {
        if (await AdminActorAsync() is not { } actor)
            return;
        if (disabled)
        {
            var confirmed = await Dialogs.ShowMessageBoxAsync($"Disable {target.Email}?",
                "They can no longer sign in, and their open sessions end within a minute. You can enable the account again later.",
                yesText: "Disable", cancelText: "Cancel");
            if (confirmed != true)
                return;
        }
        await RunAsync(ops => ops.SetDisabledAsync(target.Id, disabled, actor), disabled ? $"{target.Email} is disabled." : $"{target.Email} is enabled again.");
    }

    internal async Task ResetPasswordAsync(OperatorSummary target)
    {
        if (await AdminActorAsync() is not { } actor)
            return;
        var confirmed = await Dialogs.ShowMessageBoxAsync($"Reset the password of {target.Email}?",
            "A new password is generated and shown once; the old one stops working, their sessions end and a lockout is cleared.",
            yesText: "Reset password", cancelText: "Cancel");
        if (confirmed != true)
            return;
        _busy = true;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<OperatorAdmin>().ResetPasswordAsync(target.Id, actor);
            if (result.Value is { } reset)
            {
                Snackbar.Add($"Password of {reset.Email} reset.", Severity.Success);
                var parameters = new DialogParameters<PasswordShownOnceDialog> { { d => d.Email, reset.Email }, { d => d.Password, reset.Password } };
                await (await Dialogs.ShowAsync<PasswordShownOnceDialog>("New password", parameters, PortalDialogs.Options)).Result;
            }
            else
            {
                Snackbar.Add(result.Error ?? "The password could not be reset.", Severity.Error);
            }
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RunAsync(Func<OperatorAdmin, Task<AdminResult<OperatorSummary>>> action, string success)
    {
        _busy = true;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            var result = await action(scope.ServiceProvider.GetRequiredService<OperatorAdmin>());
            Snackbar.Add(result.Succeeded ? success : result.Error ?? "The change failed.", result.Succeeded ? Severity.Success : Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>The acting Admin's audit name, or null (with a message) for anyone else: the route is Admin-only, the handlers check again.</summary>
    private async Task<string?> AdminActorAsync()
    {
        var user = (await AuthenticationState).User;
        if (PortalRoles.CanAdminister(user))
            return PortalRoles.ActorOf(user);
        Snackbar.Add(PortalRoles.AdminOnlyMessage, Severity.Error);
        return null;
    }
}
