using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.OneTime;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Tokens;

/// <summary>
/// Issues an installers' batch of tokens in one go (ADR 0024: all or none) and offers them once as CSV and once as a
/// printable page of QR codes (ADR 0027); closing the dialog discards whatever was not downloaded.
/// </summary>
public sealed partial class IssueTokensDialog : IDisposable
{
    private MudForm _form = default!;
    private int _count = 10;
    private string _lifetime = "7d";
    private string? _profileName;
    private string? _note;
    private string? _error;
    private bool _busy;
    private int _issuedCount;
    private string? _csvId;
    private string? _sheetId;
    private IReadOnlyList<ProfileSummary> _profiles = [];

    [Inject] private BootstrapTokenAdmin Tokens { get; set; } = default!;
    [Inject] private ProfileAdmin Profiles { get; set; } = default!;
    [Inject] private EstPortal.Enrollment.CertificateAuthorities Cas { get; set; } = default!;
    [Inject] private OneTimeDownloads Downloads { get; set; } = default!;
    [Inject] private IConfiguration Configuration { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync() => _profiles = await Profiles.ListAsync();

    private async Task SubmitAsync()
    {
        _error = null;
        await _form.ValidateAsync();
        if (!_form.IsValid || !BootstrapTokenAdmin.TryParseLifetime(_lifetime.Trim(), out var lifetime))
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
            var profile = _profiles.FirstOrDefault(p => p.Name == _profileName);
            var note = string.IsNullOrWhiteSpace(_note) ? null : _note.Trim();
            var request = new BootstrapTokenRequest(lifetime, null, note, profile?.Name);
            // The service checks count, lifetime and profile again; the form is for the operator, not for safety.
            var result = await Tokens.IssueManyAsync(request, _count, PortalRoles.ActorOf(user));
            if (result.Value is not { } issued)
            {
                _error = result.Error ?? "The tokens could not be issued.";
                return;
            }
            var ca = profile is null ? await Cas.FindDefaultAsync() : await Cas.FindByNameAsync(profile.CaName);
            var heading = new TokenSheetHeading(EstServerAddress.Root(Configuration, new Uri(Navigation.BaseUri)), profile?.Name, profile?.Label,
                ca?.Sha256Thumbprint, note);
            var owner = PortalRoles.ActorOf(user);
            _csvId = Downloads.Offer(owner, OneTimeFile.Text("bootstrap-tokens.csv", "text/csv; charset=utf-8; header=present", IssuedTokensCsv.Text(issued, request)));
            _sheetId = Downloads.Offer(owner, TokenSheet.File(issued, heading));
            _issuedCount = issued.Count;
            Dialog.StateHasChanged();
            Snackbar.Add($"{issued.Count} bootstrap tokens issued.", Severity.Success);
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();

    private void Done() => Dialog.Close(DialogResult.Ok(_issuedCount));

    public void Dispose() => Downloads.Discard(new[] { _csvId, _sheetId }.OfType<string>());
}
