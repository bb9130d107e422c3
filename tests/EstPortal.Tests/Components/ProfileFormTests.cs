using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Profiles;
using EstPortal.Data.Entities;

namespace EstPortal.Tests.Components;

public sealed class ProfileFormTests : PortalComponentTest
{
    private async Task<IRenderedComponent<ProfileForm>> RenderNewAsync(string role, Action<ProfileFormModel>? fill = null)
    {
        await CreateDefaultCaAsync();
        SignInAs(role);
        var model = new ProfileFormModel { CaName = "default" };
        fill?.Invoke(model);
        return Context.Render<ProfileForm>(p => p.Add(f => f.Model, model).Add(f => f.IsNew, true).Add(f => f.CaNames, ["default"]));
    }

    [Fact]
    public async Task InvalidCnPattern_ShowsThePolicyMessageAtTheField_AndSaveCreatesNothing()
    {
        var form = await RenderNewAsync(OperatorRoles.Admin);

        form.Find("#profile-name").Input("bad-pattern");
        form.Find("#profile-label").Input("bad");
        form.Find("#profile-cn-pattern").Input("^{device}(");

        form.WaitForAssertion(() => Assert.Contains("The CN pattern is not a valid regular expression", form.Markup, StringComparison.Ordinal));
        Assert.NotEmpty(form.FindAll("[data-testid=csrattrs-invalid]"));
        form.Find("[data-testid=profile-save]").Click();
        form.WaitForAssertion(() => Assert.Contains("Correct the marked fields first.", form.Markup, StringComparison.Ordinal));
        Assert.Null(await Profiles.FindAsync("bad-pattern"));
    }

    [Fact]
    public async Task OperationNameAsLabel_ShowsTheEstLabelRule()
    {
        var form = await RenderNewAsync(OperatorRoles.Admin);

        form.Find("#profile-label").Input("cacerts");

        form.WaitForAssertion(() => Assert.Contains("'cacerts' is an EST operation name and cannot be a label.", form.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequiredAttributeThatIsNotAllowed_IsMarked()
    {
        var form = await RenderNewAsync(OperatorRoles.Admin, m =>
        {
            m.AllowedAttributes = ["CN"];
            m.RequiredAttributes = ["CN", "O"];
        });

        Assert.Contains("Required subject attribute 'O' must also be allowed.", form.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateLabel_ShowsTheServiceMessageNextToTheLabel()
    {
        await CreateDefaultCaAsync();
        await Profiles.AddAsync("first", "line1", null, EstPortal.Policy.CsrPolicy.Default, false, false, "test");
        SignInAs(OperatorRoles.Admin);
        var model = new ProfileFormModel { CaName = "default", Name = "second", Label = "line1" };
        var form = Context.Render<ProfileForm>(p => p.Add(f => f.Model, model).Add(f => f.IsNew, true).Add(f => f.CaNames, ["default"]));

        form.Find("[data-testid=profile-save]").Click();

        form.WaitForAssertion(() => Assert.Contains("The label 'line1' is already used by another profile.", form.Markup, StringComparison.Ordinal));
        Assert.Null(await Profiles.FindAsync("second"));
    }

    [Fact]
    public async Task DefaultPolicy_PreviewsAs204_AndLinkingAddsChallengePassword()
    {
        var form = await RenderNewAsync(OperatorRoles.Admin);
        Assert.NotEmpty(form.FindAll("[data-testid=csrattrs-204]"));

        var linked = Context.Render<CsrAttrsPreview>(p => p.Add(c => c.Policy, EstPortal.Policy.CsrPolicy.Default with { RequireProofOfPossessionLinking = true }));
        Assert.Contains("1.2.840.113549.1.9.7 challengePassword", linked.Find("[data-testid=csrattrs-tree]").TextContent, StringComparison.Ordinal);
        Assert.Equal(Convert.ToBase64String(EstPortal.Policy.CsrAttributesBuilder.Build(EstPortal.Policy.CsrPolicy.Default with { RequireProofOfPossessionLinking = true })!),
            linked.Find("[data-testid=csrattrs-base64]").TextContent.Trim());
    }

    [Fact]
    public async Task ValidForm_CreatesTheProfileWithThePolicyAsEdited()
    {
        var form = await RenderNewAsync(OperatorRoles.Admin, m =>
        {
            m.Name = "meters";
            m.Label = "meters";
            m.ValidityDays = 90;
            m.Fixed["O"] = "Example Utility";
            m.RequiresApproval = true;
        });

        form.Find("[data-testid=profile-save]").Click();

        form.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Profile 'meters' created."));
        var saved = await Profiles.FindAsync("meters");
        Assert.NotNull(saved);
        Assert.Equal(90, saved.Policy.ValidityDays);
        Assert.Equal("Example Utility", saved.Policy.Subject.Fixed["O"]);
        Assert.True(saved.RequiresApproval);
    }

    [Fact]
    public async Task Operator_Saving_IsRefusedOnTheServer()
    {
        var form = await RenderNewAsync(OperatorRoles.Operator, m => { m.Name = "ops"; m.Label = "ops"; });

        await form.InvokeAsync(() => form.Instance.SaveAsync());

        Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == PortalRoles.AdminOnlyMessage);
        Assert.Null(await Profiles.FindAsync("ops"));
    }
}
