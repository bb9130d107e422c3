using EstPortal.Admin;
using EstPortal.CaKeys;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Pki;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Cas;

/// <summary>New root or intermediate CA. Key generation runs off the circuit thread; the form is locked meanwhile.</summary>
public partial class CreateCaDialog
{
    private MudForm _form = default!;
    private bool _intermediate;
    private Guid? _issuerId;
    private string _name = "";
    private string _subject = "";
    private CaKeyAlgorithm _algorithm = CaKeyAlgorithm.EcP256;
    private int _validityDays = 3650;
    private int? _pathLength;
    private string _keyStore = CaKeyStores.Software;
    private string? _hsmUnusable;
    private bool _busy;
    private string? _error;
    private (string Name, string Message)? _rejectedName;
    private List<CertificateAuthority> _issuers = [];

    [Inject] private CaProvisioning Provisioning { get; set; } = default!;
    [Inject] private CertificateAuthorities Cas { get; set; } = default!;
    [Inject] private CaKeyBackends Backends { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _hsmUnusable = Backends.Unusable(CaKeyStores.Pkcs11);
        _issuers = (await Cas.ListAsync()).Where(c => c.RetiredAt is null).ToList();
    }

    private string? ValidateName(string name) =>
        _rejectedName is { } rejected && rejected.Name == name ? rejected.Message : CaProvisioning.ValidateName(name);

    private async Task SubmitAsync()
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
        Dialog.StateHasChanged();
        try
        {
            var request = new NewCaRequest(_name.Trim(), _subject.Trim(), _algorithm, _validityDays, _pathLength, _intermediate ? _issuerId : null, _keyStore);
            var result = await Provisioning.CreateAsync(request, PortalRoles.ActorOf(user));
            if (result.Value is { } ca)
            {
                Snackbar.Add($"CA '{ca.Name}' created ({ca.KeyAlgorithm}, {CaKeyStores.Describe(ca.KeyStore)} key).", Severity.Success);
                Dialog.Close(DialogResult.Ok(ca.Id));
                return;
            }
            if (result.Error?.Contains("already exists", StringComparison.Ordinal) == true)
            {
                _rejectedName = (_name, result.Error);
                await _form.ValidateAsync();
            }
            else
            {
                _error = result.Error;
            }
        }
        finally
        {
            _busy = false;
            Dialog.StateHasChanged();
        }
    }

    private void Cancel() => Dialog.Cancel();
}
