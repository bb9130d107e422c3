using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Cas;

public partial class CaList
{
    private List<CaRow>? _cas;

    [Inject] private CertificateAuthorities Cas { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    // Rows carry only public data, so no protected key bytes stay in the circuit's memory.
    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync() => _cas = (await Cas.ListAsync()).Select(CaRow.From).ToList();

    private static string ChainUrl(CaRow ca) => $"portal/cas/{Uri.EscapeDataString(ca.Name)}.pem";

    internal async Task CreateAsync()
    {
        if (!PortalRoles.CanAdminister((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.AdminOnlyMessage, Severity.Error);
            return;
        }
        var dialog = await Dialogs.ShowAsync<CreateCaDialog>("New certificate authority", CaDialogs.Options);
        await OpenCreatedAsync(await dialog.Result);
    }

    internal async Task ImportAsync()
    {
        if (!PortalRoles.CanAdminister((await AuthenticationState).User))
        {
            Snackbar.Add(PortalRoles.AdminOnlyMessage, Severity.Error);
            return;
        }
        var dialog = await Dialogs.ShowAsync<ImportCaDialog>("Import a certificate authority", CaDialogs.Options);
        await OpenCreatedAsync(await dialog.Result);
    }

    private async Task OpenCreatedAsync(DialogResult? result)
    {
        if (result is { Canceled: false, Data: Guid id })
            Navigation.NavigateTo($"cas/{id}");
        else
            await LoadAsync();
    }
}

internal static class CaDialogs
{
    /// <summary>No closing on a stray click while a key is being generated.</summary>
    public static DialogOptions Options { get; } = PortalDialogs.Wide with { CloseButton = false };
}
