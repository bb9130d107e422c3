using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace EstPortal.Components.Pages.TrustAnchors;

/// <summary>Adds a trust anchor from a pasted or uploaded PEM CA certificate; <see cref="TrustAnchorAdmin.AddAsync"/> checks it.</summary>
public partial class AddTrustAnchorDialog
{
    private const long MaxPemBytes = 64 * 1024;

    private MudForm _form = default!;
    private string _name = "";
    private TrustAnchorPurpose _purpose = TrustAnchorPurpose.ManufacturerIdentity;
    private string? _pem;
    private string? _error;
    private bool _busy;

    [Inject] private TrustAnchorAdmin Anchors { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private async Task ReadFileAsync(InputFileChangeEventArgs e)
    {
        _error = null;
        try
        {
            using var reader = new StreamReader(e.File.OpenReadStream(MaxPemBytes));
            _pem = await reader.ReadToEndAsync();
        }
        catch (IOException)
        {
            _error = $"The file is larger than {MaxPemBytes / 1024} KiB; a CA certificate is much smaller.";
        }
    }

    internal async Task SubmitAsync()
    {
        _error = null;
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
            var result = await Anchors.AddAsync(_name.Trim(), _pem ?? "", _purpose, PortalRoles.ActorOf(user));
            if (!result.Succeeded)
            {
                _error = result.Error;
                return;
            }
            Snackbar.Add($"Trust anchor '{result.Value!.Name}' added.", Severity.Success);
            Dialog.Close(DialogResult.Ok(result.Value));
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();
}
