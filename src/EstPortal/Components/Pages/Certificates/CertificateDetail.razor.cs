using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Certificates;

public partial class CertificateDetail
{
    private CertificateDetails? _certificate;
    private bool _loading = true;
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Inject] private CertificateAdmin Certificates { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _certificate = await Certificates.FindAsync(Id);
        _breadcrumbs = [new("Issued certificates", "certificates"), new(_certificate?.SerialNumber ?? "Unknown certificate", null, disabled: true)];
        _loading = false;
    }

    private async Task RevokeAsync()
    {
        if (_certificate is null)
            return;
        if (!PortalRoles.CanManage((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        var parameters = new DialogParameters<RevokeCertificateDialog>
        {
            { d => d.SerialNumber, _certificate.SerialNumber },
            { d => d.Subject, _certificate.Subject },
        };
        var dialog = await Dialogs.ShowAsync<RevokeCertificateDialog>("Revoke certificate", parameters, PortalDialogs.Options);
        if (await dialog.Result is { Canceled: false })
            _certificate = await Certificates.FindAsync(Id);
    }
}
