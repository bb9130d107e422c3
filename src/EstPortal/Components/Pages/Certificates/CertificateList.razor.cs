using EstPortal.Admin;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace EstPortal.Components.Pages.Certificates;

public partial class CertificateList
{
    private MudDataGrid<CertificateListItem> _grid = default!;
    private CertificateFilter _filter = new();
    private IReadOnlyList<CertificateAuthority> _cas = [];
    private string _infoFormat = "{first_item}-{last_item} of {all_items}";

    [Inject] private CertificateAdmin Certificates { get; set; } = default!;
    [Inject] private EstPortal.Enrollment.CertificateAuthorities Cas { get; set; } = default!;

    /// <summary><c>?state=expiring</c> and friends, so the dashboard can link to a filtered list.</summary>
    [SupplyParameterFromQuery(Name = "state")] private string? StateQuery { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (Enum.TryParse<CertificateState>(StateQuery, ignoreCase: true, out var state))
            _filter = _filter with { State = state };
        _cas = await Cas.ListAsync();
    }

    private async Task<GridData<CertificateListItem>> LoadAsync(GridState<CertificateListItem> state, CancellationToken cancellationToken)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var sortBy = sort?.SortBy switch
        {
            nameof(CertificateListItem.NotAfter) => CertificateSort.NotAfter,
            nameof(CertificateListItem.Subject) => CertificateSort.Subject,
            nameof(CertificateListItem.SerialNumber) => CertificateSort.SerialNumber,
            _ => CertificateSort.IssuedAt,
        };
        var page = await Certificates.SearchAsync(new CertificateQuery(_filter.Subject, _filter.San, _filter.Serial, _filter.Device, _filter.CaId,
            _filter.State, _filter.Days, sortBy, sort?.Descending ?? true, state.Page * state.PageSize, state.PageSize), cancellationToken);
        // Past the cap the pager says "of many" instead of a number nobody asked the database to count.
        _infoFormat = page.Capped ? "{first_item}-{last_item} of many" : "{first_item}-{last_item} of {all_items}";
        return new GridData<CertificateListItem> { Items = page.Items, TotalItems = page.Capped ? page.Count + 1 : page.Count };
    }

    private async Task ApplyAsync(CertificateFilter filter)
    {
        _filter = filter;
        await _grid.ReloadServerData();
    }

    private sealed record CertificateFilter(string? Subject = null, string? San = null, string? Serial = null, string? Device = null,
        Guid? CaId = null, CertificateState State = CertificateState.Any, int Days = 30);
}
