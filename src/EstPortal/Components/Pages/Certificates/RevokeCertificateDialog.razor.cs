using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Pki;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Certificates;

/// <summary>Asks for an RFC 5280 reason (required) and revokes the certificate.</summary>
public partial class RevokeCertificateDialog
{
    /// <summary>The reasons that make sense for an end-entity certificate in a full CRL (no removeFromCRL, no CA/AA compromise).</summary>
    private static readonly RevocationReason[] Reasons =
    [
        RevocationReason.Unspecified, RevocationReason.KeyCompromise, RevocationReason.AffiliationChanged, RevocationReason.Superseded,
        RevocationReason.CessationOfOperation, RevocationReason.CertificateHold, RevocationReason.PrivilegeWithdrawn,
    ];

    private MudForm _form = default!;
    private RevocationReason? _reason;
    private string? _error;
    private bool _busy;

    [Inject] private CertificateRevocation Revocation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired] public string SerialNumber { get; set; } = "";
    [Parameter] public string? Subject { get; set; }

    private async Task RevokeAsync()
    {
        await _form.ValidateAsync();
        if (!_form.IsValid || _reason is not { } reason)
            return;
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanManage(user))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        _busy = true;
        try
        {
            var result = await Revocation.RevokeAsync(SerialNumber, reason, PortalRoles.ActorOf(user));
            if (!result.Succeeded)
            {
                _error = result.Error;
                Dialog.StateHasChanged();
                return;
            }
            Snackbar.Add($"Certificate {SerialNumber} revoked ({reason.ToRfcName()}).", Severity.Success);
            Dialog.Close(DialogResult.Ok(reason));
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();
}
