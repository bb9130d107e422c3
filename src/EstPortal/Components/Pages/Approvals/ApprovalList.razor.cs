using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Components;

namespace EstPortal.Components.Pages.Approvals;

/// <summary>Held and recently decided requests; decisions are made on <see cref="ApprovalDetail"/>, next to the decoded CSR.</summary>
public partial class ApprovalList
{
    private const int RecentDecisions = 50;

    private IReadOnlyList<PendingSummary>? _pending;
    private IReadOnlyList<PendingSummary>? _decided;

    [Inject] private PendingApprovals Approvals { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var all = await Approvals.ListAsync(status: null);
        _pending = all.Where(p => p.Status == PendingStatus.Pending).ToList();
        _decided = all.Where(p => p.Status != PendingStatus.Pending).Reverse().Take(RecentDecisions).ToList();
    }

    private static string Abbreviate(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;
}
