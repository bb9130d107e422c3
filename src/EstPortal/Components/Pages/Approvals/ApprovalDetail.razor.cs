using EstPortal.Components.Authorization;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Approvals;

/// <summary>
/// One held request with its CSR decoded, where the operator decides. A decision names the CSR hash this page showed,
/// so it cannot apply to anything other than what the operator read (ADR 0013).
/// </summary>
public partial class ApprovalDetail
{
    private PendingDetails? _details;
    private bool _loading = true;
    private bool _busy;
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Inject] private PendingApprovals Approvals { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        await LoadAsync();
        _loading = false;
    }

    private async Task LoadAsync()
    {
        _details = await Approvals.FindDetailsAsync(Id);
        _breadcrumbs = [new("Pending approvals", "approvals"), new(_details?.Summary.Subject ?? "Unknown request", null, disabled: true)];
    }

    internal Task ApproveAsync() => DecideAsync(approve: true, reason: null);

    internal async Task RejectAsync()
    {
        if (_details is null)
            return;
        if (!PortalRoles.CanManage((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        var parameters = new DialogParameters<RejectDialog>
        {
            { d => d.Requester, _details.Summary.RequesterKey },
            { d => d.Subject, _details.Csr?.Subject ?? _details.Summary.Subject },
        };
        var dialog = await Dialogs.ShowAsync<RejectDialog>("Reject request", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: string reason })
            await DecideAsync(approve: false, reason);
    }

    private async Task DecideAsync(bool approve, string? reason)
    {
        if (_details is not { Summary: var shown })
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
            // The hash of the CSR this page showed, not whatever the row holds now.
            var error = await Approvals.DecideAsync(shown.Id, shown.CsrSha256, approve, reason, PortalRoles.ActorOf(user));
            if (error is null)
                Snackbar.Add(approve ? $"Approved: {shown.Subject} is issued on the device's next retry." : $"Rejected: {shown.Subject}.",
                    approve ? Severity.Success : Severity.Info);
            else
                Snackbar.Add(error, Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
