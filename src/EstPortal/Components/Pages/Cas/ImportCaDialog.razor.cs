using EstPortal.Admin;
using EstPortal.CaKeys;
using EstPortal.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace EstPortal.Components.Pages.Cas;

/// <summary>Imports an existing CA; <see cref="CaProvisioning.ImportAsync"/> checks key, CA flags and validity.</summary>
public partial class ImportCaDialog
{
    private const long MaxPkcs12Bytes = 64 * 1024;

    private MudForm _form = default!;
    private string _name = "";
    private bool _pkcs12;
    private string? _certificatePem;
    private string? _keyPem;
    private string? _password;
    private byte[]? _pkcs12Bytes;
    private string? _fileName;
    private string? _error;
    private bool _busy;
    private bool _keyInHsm;
    private string? _hsmLabel;
    private string? _hsmUnusable;

    [Inject] private CaProvisioning Provisioning { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private CaKeyBackends Backends { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override void OnInitialized() => _hsmUnusable = Backends.Unusable(CaKeyStores.Pkcs11);

    private async Task ReadFileAsync(InputFileChangeEventArgs e)
    {
        _error = null;
        try
        {
            await using var stream = e.File.OpenReadStream(MaxPkcs12Bytes);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            _pkcs12Bytes = buffer.ToArray();
            _fileName = e.File.Name;
        }
        catch (IOException)
        {
            _error = $"The file is larger than {MaxPkcs12Bytes / 1024} KiB; a CA's PKCS#12 file is much smaller.";
        }
    }

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
        if (_pkcs12 && _pkcs12Bytes is null)
        {
            _error = "Choose a PKCS#12 file.";
            return;
        }

        _busy = true;
        try
        {
            var request = _pkcs12
                ? new CaImportRequest(_name.Trim(), null, null, _pkcs12Bytes, _password)
                : _keyInHsm ? new CaImportRequest(_name.Trim(), _certificatePem, null, null, null, _hsmLabel?.Trim())
                : new CaImportRequest(_name.Trim(), _certificatePem, _keyPem, null, _password);
            var result = await Provisioning.ImportAsync(request, PortalRoles.ActorOf(user));
            if (result.Value is { } ca)
            {
                _keyPem = null;
                Snackbar.Add($"CA '{ca.Name}' imported.", Severity.Success);
                Dialog.Close(DialogResult.Ok(ca.Id));
                return;
            }
            _error = result.Error;
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();
}
