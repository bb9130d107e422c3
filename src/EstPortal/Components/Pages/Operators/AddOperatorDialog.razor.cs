using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MudBlazor;

namespace EstPortal.Components.Pages.Operators;

/// <summary>Adds an operator with a role; a generated password (or the one typed) is shown once.</summary>
public partial class AddOperatorDialog
{
    private MudForm _form = default!;
    private string _email = "";
    private string _role = OperatorRoles.Operator;
    private bool _setPassword;
    private string? _password;
    private bool _busy;
    private NewOperator? _created;
    private (string Email, string Message)? _rejected;

    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private UserManager<Operator> Users { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private string? ValidateEmail(string email) =>
        _rejected is { } r && r.Email == email ? r.Message
        : new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email) ? null : "Enter an e-mail address.";

    /// <summary>Identity's own password rules, so the message is the one the server would give.</summary>
    private string? ValidatePassword(string? password)
    {
        if (string.IsNullOrEmpty(password))
            return "Enter a password, or turn off the switch to generate one.";
        var errors = new List<string>();
        foreach (var validator in Users.PasswordValidators)
        {
            var result = validator.ValidateAsync(Users, new Operator(), password).GetAwaiter().GetResult();
            errors.AddRange(result.Errors.Select(e => e.Description));
        }
        return errors.Count == 0 ? null : string.Join(" ", errors);
    }

    private async Task SubmitAsync()
    {
        await _form.ValidateAsync();
        if (!_form.IsValid)
            return;
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanAdminister(user))
        {
            Snackbar.Add(PortalRoles.AdminOnlyMessage, Severity.Error);
            return;
        }
        _busy = true;
        try
        {
            // OperatorAdmin is scoped (Identity's managers are); a fresh scope per action keeps its EF context short-lived.
            await using var scope = Scopes.CreateAsyncScope();
            var operators = scope.ServiceProvider.GetRequiredService<OperatorAdmin>();
            var result = await operators.AddAsync(_email.Trim(), _role, _setPassword ? _password : null, PortalRoles.ActorOf(user));
            if (result.Value is { } created)
            {
                _created = created;
                Dialog.StateHasChanged();
                Snackbar.Add($"Operator {created.Email} added as {created.Role}.", Severity.Success);
                return;
            }
            _rejected = (_email, result.Error ?? "The operator could not be added.");
            await _form.ValidateAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();

    private void Done() => Dialog.Close(DialogResult.Ok(_created?.Email));
}
