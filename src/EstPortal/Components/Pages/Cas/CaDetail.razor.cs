using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Cas;

public partial class CaDetail
{
    private CertificateAuthority? _ca;
    private CertificateView? _certificate;
    private List<CertificateView> _chain = [];
    private List<ProfileSummary> _profiles = [];
    private string _kind = "";
    private bool _canRollOver;
    private bool _loading = true;
    private bool _rollingOver;
    private List<BreadcrumbItem> _breadcrumbs = [];

    [Inject] private CertificateAuthorities Cas { get; set; } = default!;
    [Inject] private CaProvisioning Provisioning { get; set; } = default!;
    [Inject] private CertificateAuthorityAdmin CaAdmin { get; set; } = default!;
    [Inject] private ProfileAdmin Profiles { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter] public Guid Id { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _loading = true;
        _ca = await Cas.FindAsync(Id);
        if (_ca is not null)
        {
            var chain = await Provisioning.ChainAsync(_ca);
            _chain = chain.Select(CertificateView.From).ToList();
            foreach (var certificate in chain)
                certificate.Dispose();
            _certificate = _chain[0];
            _kind = CaRow.KindOf(_ca);
            _canRollOver = _ca.RetiredAt is null && _certificate.SelfSigned;
            _profiles = (await Profiles.ListAsync()).Where(p => p.CaName == _ca.Name && _ca.RetiredAt is null).ToList();
        }
        _breadcrumbs = [new("Certificate authorities", "cas"), new(_ca?.Name ?? "Unknown CA", null, disabled: true)];
        _loading = false;
    }

    /// <summary>Root key rollover (RFC 4210 §4.4): confirm, then generate the new key off the circuit thread.</summary>
    internal async Task RolloverAsync()
    {
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanAdminister(user))
        {
            Snackbar.Add(PortalRoles.AdminOnlyMessage, Severity.Error);
            return;
        }
        if (_ca is not { } ca)
            return;
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Roll over CA '{ca.Name}'?",
            "A new root with the same subject and a new key replaces this one: it takes over the name, the default flag and the profiles. " +
            "This CA is retired but still validates what it issued; link certificates let clients holding either root trust both. " +
            "Devices should fetch /cacerts again. This cannot be undone.",
            yesText: "Roll over", cancelText: "Cancel");
        if (confirmed != true)
            return;

        _rollingOver = true;
        StateHasChanged();
        try
        {
            var result = await Task.Run(() => CaAdmin.RolloverAsync(ca.Name, PortalRoles.ActorOf(user)));
            if (result.Value is { } replacement)
            {
                Snackbar.Add($"CA '{ca.Name}' rolled over; the old root is retired.", Severity.Success);
                Navigation.NavigateTo($"cas/{replacement.Id}");
            }
            else
            {
                Snackbar.Add(result.Error ?? "The rollover failed.", Severity.Error);
            }
        }
        finally
        {
            _rollingOver = false;
        }
    }
}
