using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Tokens;

/// <summary>Asks for lifetime, optional device, profile, CN pattern and note, issues the token, then shows it the one time it exists.</summary>
public partial class IssueTokenDialog
{
    private const int MaxNoteLength = 1024;
    private static readonly string[] LifetimePresets = ["1h", "24h", "7d", "30d"];

    private MudForm _form = default!;
    private string _lifetime = "24h";
    private string? _deviceName;
    private string? _note;
    private (string Name, string Message)? _unknownDevice;
    private string? _error;
    private bool _busy;
    private NewBootstrapToken? _issued;
    private string _estRoot = "";
    private string? _caChainUrl;
    private string? _caFingerprint;
    private string? _issuedLabel;
    private string? _profileName;
    private string? _subjectPattern;
    private IReadOnlyList<ProfileSummary> _profiles = [];

    [Inject] private BootstrapTokenAdmin Tokens { get; set; } = default!;
    [Inject] private DeviceAdmin Devices { get; set; } = default!;
    [Inject] private ProfileAdmin Profiles { get; set; } = default!;
    [Inject] private EstPortal.Enrollment.CertificateAuthorities Cas { get; set; } = default!;
    [Inject] private IConfiguration Configuration { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    internal static string? ValidateLifetime(string text)
    {
        if (!BootstrapTokenAdmin.TryParseLifetime(text?.Trim(), out var lifetime))
            return "Enter a lifetime like 15m, 1h, 24h or 7d.";
        if (lifetime < BootstrapTokenAdmin.MinLifetime || lifetime > BootstrapTokenAdmin.MaxLifetime)
            return "A token lives between 1 minute and 90 days.";
        return null;
    }

    protected override async Task OnInitializedAsync() => _profiles = await Profiles.ListAsync();

    private static string? ValidateSubjectPattern(string? pattern) =>
        string.IsNullOrWhiteSpace(pattern) ? null : EstPortal.Enrollment.CallerRules.TokenSubjectRule.Validate(pattern.Trim());

    private string? ValidateDevice(string? name) =>
        _unknownDevice is { } unknown && unknown.Name == name?.Trim() ? unknown.Message : null;

    private async Task<IEnumerable<string>> SearchDevicesAsync(string? text, CancellationToken cancellationToken)
    {
        var (items, _) = await Devices.ListAsync(text, 0, 10, cancellationToken);
        return items.Select(d => d.Name);
    }

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
            var deviceName = string.IsNullOrWhiteSpace(_deviceName) ? null : _deviceName.Trim();
            if (deviceName is not null && await Devices.FindAsync(deviceName) is null)
            {
                _unknownDevice = (deviceName, $"No device is named '{deviceName}'.");
                await _form.ValidateAsync();
                return;
            }
            var note = string.IsNullOrWhiteSpace(_note) ? null : _note.Trim();
            var profile = _profiles.FirstOrDefault(p => p.Name == _profileName);
            var pattern = string.IsNullOrWhiteSpace(_subjectPattern) ? null : _subjectPattern.Trim();
            // The service validates again (pattern, profile): the form's checks are for the operator, not for safety.
            var result = await Tokens.IssueAsync(new BootstrapTokenRequest(lifetime, deviceName, note, profile?.Name, pattern), PortalRoles.ActorOf(user));
            if (result.Value is not { } issued)
            {
                _error = result.Error ?? "The token could not be issued.";
                return;
            }
            _estRoot = EstServerAddress.Root(Configuration, new Uri(Navigation.BaseUri));
            _issuedLabel = profile?.Label;
            // The CA the device will get from this profile's /cacerts, to check out of band (RFC 7030 §4.1.1).
            var ca = profile is null ? await Cas.FindDefaultAsync() : await Cas.FindByNameAsync(profile.CaName);
            _caChainUrl = ca is null ? null : $"portal/cas/{Uri.EscapeDataString(ca.Name)}.pem";
            _caFingerprint = ca?.Sha256Thumbprint;
            _issued = issued;
            Dialog.StateHasChanged();
            Snackbar.Add("Bootstrap token issued.", Severity.Success);
        }
        finally
        {
            _busy = false;
        }
    }

    private void Cancel() => Dialog.Cancel();

    private void Done()
    {
        if (_issued is { } issued)
            Dialog.Close(DialogResult.Ok(issued.Id));
    }
}
