using EstPortal.Components.Pages.Profiles;
using EstPortal.Policy;

namespace EstPortal.Tests.Components;

/// <summary>The profile form keeps TPM attestation settings: what an operator opens is what is saved.</summary>
public sealed class ProfileFormModelTpmTests
{
    [Fact]
    public void TpmAttestationSettings_SurviveTheFormModelBothWays()
    {
        var policy = CsrPolicy.Default with { TpmAttestation = new TpmAttestationPolicy { Required = true, EkTrust = ["vendor-b", "vendor-a"] } };

        var model = ProfileFormModel.From("tpm", "tpm", "Default CA", false, false, policy);
        var saved = model.ToPolicy();

        Assert.True(model.RequireTpmAttestation);
        Assert.True(saved.TpmAttestation.Required);
        Assert.Equal(["vendor-a", "vendor-b"], saved.TpmAttestation.EkTrust);
    }
}
