using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Components.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Audit;

/// <summary>The audit log: filtered and paged in the database (ServerData), exported as CSV, chain verified on demand.</summary>
public partial class AuditLogPage
{
    private MudDataGrid<AuditRow> _grid = default!;
    private DateTime? _from;
    private DateTime? _to;
    private string? _actor;
    private string? _device;
    private string? _eventType;
    private string? _outcome;
    private bool _oldestFirst;
    private bool _verifying;
    private AuditVerification? _verification;

    [Inject] private AuditQuery Query { get; set; } = default!;
    [Inject] private AuditChainVerifier Verifier { get; set; } = default!;
    [Inject] private AuditLog Audit { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private AuditFilter Filter => new()
    {
        From = _from is { } from ? new DateTimeOffset(DateTime.SpecifyKind(from.Date, DateTimeKind.Utc)) : null,
        // A date picked as "to" includes that whole day.
        To = _to is { } to ? new DateTimeOffset(DateTime.SpecifyKind(to.Date.AddDays(1).AddTicks(-1), DateTimeKind.Utc)) : null,
        Actor = string.IsNullOrWhiteSpace(_actor) ? null : _actor.Trim(),
        Device = string.IsNullOrWhiteSpace(_device) ? null : _device.Trim(),
        EventType = _eventType,
        Outcome = _outcome,
        OldestFirst = _oldestFirst,
    };

    private string CsvUrl => "portal/audit.csv" + Filter.ToQueryString();

    private async Task<GridData<AuditRow>> LoadAsync(GridState<AuditRow> state, CancellationToken cancellationToken)
    {
        if (!PortalRoles.CanReadAudit((await AuthenticationState).User))
            return new GridData<AuditRow> { Items = [], TotalItems = 0 };
        _oldestFirst = state.SortDefinitions.FirstOrDefault() is { Descending: false };
        var (items, total) = await Query.PageAsync(Filter, state.Page * state.PageSize, state.PageSize, cancellationToken);
        return new GridData<AuditRow> { Items = items, TotalItems = total };
    }

    private async Task SetAsync(Action change)
    {
        change();
        await _grid.ReloadServerData();
    }

    private async Task<IEnumerable<string>> SearchActorsAsync(string? text, CancellationToken cancellationToken) =>
        await Query.ActorsAsync(text, 20, cancellationToken);

    internal async Task VerifyAsync()
    {
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanReadAudit(user))
        {
            Snackbar.Add(PortalRoles.AuditOnlyMessage, Severity.Error);
            return;
        }
        _verifying = true;
        try
        {
            _verification = await Verifier.VerifyAsync();
            await Audit.RecordAsync(new AuditRecord(AuditEventTypes.AuditVerified, _verification.Intact, PortalRoles.ActorOf(user),
                Reason: _verification.Intact ? null : _verification.Summary, Details: _verification.Summary));
            Snackbar.Add(_verification.Intact ? "The audit chain is intact." : "The audit chain is broken.", _verification.Intact ? Severity.Success : Severity.Error);
            await _grid.ReloadServerData();
        }
        finally
        {
            _verifying = false;
        }
    }
}
