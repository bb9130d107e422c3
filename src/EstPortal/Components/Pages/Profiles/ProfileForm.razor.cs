using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Shared;
using EstPortal.Data.Entities;
using EstPortal.Est;
using EstPortal.Policy;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace EstPortal.Components.Pages.Profiles;

/// <summary>
/// Create or edit a profile's policy. Messages come from the same validators the service applies
/// (<see cref="ProfileAdmin.ValidateName"/>, <see cref="EstLabel"/>, <see cref="CsrPolicyValidator"/>), shown next to
/// the field they are about; the /csrattrs preview follows every change.
/// </summary>
public partial class ProfileForm
{
    private MudForm _form = default!;
    private bool _busy;
    private string? _error;
    private (string Field, string Value, string Message)? _rejected;
    private IReadOnlyList<string> _otherProfiles = [];
    private IReadOnlyList<string> _idevidAnchors = [];
    private IReadOnlyList<string> _tpmAnchors = [];

    [Inject] private ProfileAdmin Profiles { get; set; } = default!;
    [Inject] private TrustAnchorAdmin Anchors { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IConfiguration Configuration { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter, EditorRequired] public ProfileFormModel Model { get; set; } = new();
    [Parameter] public bool IsNew { get; set; }
    [Parameter] public bool ReadOnly { get; set; }
    [Parameter] public IReadOnlyList<string> CaNames { get; set; } = [];

    /// <summary>The profiles whose certificates this one may accept (RFC 7030 §3.2.2 labels are separate trust domains).</summary>
    protected override async Task OnInitializedAsync()
    {
        _otherProfiles = (await Profiles.ListAsync()).Select(p => p.Name).Where(n => n != Model.Name).ToList();
        var anchors = await Anchors.ListAsync();
        _idevidAnchors = anchors.Where(a => a.Purpose == TrustAnchorPurpose.ManufacturerIdentity).Select(a => a.Name).ToList();
        // TPM vendors' EK roots this profile may accept for TPM attestation (docs/adr/0022-tpm-attested-enrollment.md).
        _tpmAnchors = anchors.Where(a => a.Purpose == TrustAnchorPurpose.TpmEndorsement).Select(a => a.Name).ToList();
    }

    private CsrPolicy CurrentPolicy => Model.ToPolicy();

    private IReadOnlyList<string> PolicyErrors => CsrPolicyValidator.Validate(CurrentPolicy);

    private string LabelSegment => string.IsNullOrWhiteSpace(Model.Label) ? "" : "/" + Model.Label.Trim();

    private string EstUrl => EstServerAddress.WellKnown(Configuration, new Uri(Navigation.BaseUri)) + LabelSegment;

    private string CsrAttrsPath => EstServerAddress.WellKnownPath + LabelSegment + "/csrattrs";

    private string? PolicyError(string keyword) => PolicyErrors.FirstOrDefault(e => e.Contains(keyword, StringComparison.Ordinal));

    private bool HasError(string keyword) => PolicyError(keyword) is not null;

    private static string FixedErrorKey(string attribute) => attribute == "C" ? "C must" : $"fixed value of {attribute} ";

    private string? ValidateName(string? name) =>
        _rejected is { Field: "name" } r && r.Value == name ? r.Message : ProfileAdmin.ValidateName(name);

    private string? ValidateLabel(string? label)
    {
        if (_rejected is { Field: "label" } r && r.Value == (label ?? ""))
            return r.Message;
        return string.IsNullOrEmpty(label) ? null : EstLabel.Validate(label);
    }

    internal async Task SaveAsync()
    {
        _error = null;
        var user = (await AuthenticationState).User;
        if (!PortalRoles.CanAdminister(user))
        {
            Snackbar.Add(PortalRoles.AdminOnlyMessage, Severity.Error);
            return;
        }
        await _form.ValidateAsync();
        var policy = CurrentPolicy;
        if (!_form.IsValid || CsrPolicyValidator.Validate(policy).Count > 0)
        {
            _error = "Correct the marked fields first.";
            return;
        }

        _busy = true;
        try
        {
            var label = string.IsNullOrWhiteSpace(Model.Label) ? null : Model.Label.Trim();
            var result = IsNew
                ? await Profiles.AddAsync(Model.Name.Trim(), label, Model.CaName, policy, Model.RequiresApproval, Model.WrapBase64Lines, PortalRoles.ActorOf(user))
                : await Profiles.UpdateAsync(Model.Name, Model.CaName ?? "", policy, Model.RequiresApproval, Model.WrapBase64Lines, PortalRoles.ActorOf(user));
            if (result.Value is { } saved)
            {
                Snackbar.Add(IsNew ? $"Profile '{saved.Name}' created." : $"Profile '{saved.Name}' saved.", Severity.Success);
                Navigation.NavigateTo($"profiles/{Uri.EscapeDataString(saved.Name)}");
                return;
            }
            // Duplicates belong next to their field; anything else above the form.
            var message = result.Error ?? "The profile could not be saved.";
            if (message.Contains("label", StringComparison.OrdinalIgnoreCase) && IsNew)
                _rejected = ("label", label ?? "", message);
            else if (message.Contains("named", StringComparison.Ordinal) && message.Contains("profile", StringComparison.Ordinal) && IsNew)
                _rejected = ("name", Model.Name.Trim(), message);
            else
                _error = message;
            await _form.ValidateAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
