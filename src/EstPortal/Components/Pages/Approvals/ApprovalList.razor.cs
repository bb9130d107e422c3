using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Approvals;

public partial class ApprovalList
{
    private const int RecentDecisions = 50;

    private IReadOnlyList<PendingSummary>? _pending;
    private IReadOnlyList<PendingSummary>? _decided;
    private bool _busy;

    [Inject] private PendingApprovals Approvals { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private static string Abbreviate(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;

    private async Task LoadAsync()
    {
        var all = await Approvals.ListAsync(status: null);
        _pending = all.Where(p => p.Status == PendingStatus.Pending).ToList();
        _decided = all.Where(p => p.Status != PendingStatus.Pending).Reverse().Take(RecentDecisions).ToList();
    }

    internal Task ApproveAsync(PendingSummary request) => DecideAsync(request, approve: true, reason: null);

    internal async Task RejectAsync(PendingSummary request)
    {
        if (!PortalRoles.CanManage((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        var parameters = new DialogParameters<RejectDialog>
        {
            { d => d.Requester, request.RequesterKey },
            { d => d.Subject, request.Subject },
        };
        var dialog = await Dialogs.ShowAsync<RejectDialog>("Reject request", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: string reason })
            await DecideAsync(request, approve: false, reason);
    }

    internal async Task DecideAsync(PendingSummary request, bool approve, string? reason)
    {
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanManage(user))
        {
            Snackbar.Add(PortalRoles.ReadOnlyMessage, Severity.Error);
            return;
        }
        _busy = true;
        try
        {
            var error = await Approvals.DecideAsync(request.Id, approve, reason, PortalRoles.ActorOf(user));
            if (error is null)
                Snackbar.Add(approve ? $"Approved: {request.Subject} is issued on the device's next retry." : $"Rejected: {request.Subject}.",
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
