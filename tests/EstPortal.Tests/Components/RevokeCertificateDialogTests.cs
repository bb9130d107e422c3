using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Certificates;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace EstPortal.Tests.Components;

public sealed class RevokeCertificateDialogTests : PortalComponentTest
{
    private async Task<IRenderedComponent<ContainerFragment>> ShowForAsync(IssuedCertificate certificate) =>
        await ShowDialogAsync<RevokeCertificateDialog>(new DialogParameters<RevokeCertificateDialog>
        {
            { d => d.SerialNumber, certificate.SerialNumber },
            { d => d.Subject, certificate.Subject },
        });

    private async Task<IssuedCertificate> ReloadAsync(Guid id)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.IssuedCertificates.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    [Fact]
    public async Task WithoutAReason_ShowsThatOneIsRequired_AndRevokesNothing()
    {
        var certificate = await AddCertificateAsync("CN=reasonless");
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowForAsync(certificate);

        dialog.Find("[data-testid=revoke-confirm]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("Choose a revocation reason.", dialog.Markup, StringComparison.Ordinal));
        Assert.Null((await ReloadAsync(certificate.Id)).RevokedAt);
    }

    [Fact]
    public async Task WithKeyCompromise_RevokesWithThatReason_AndRecordsTheOperator()
    {
        var certificate = await AddCertificateAsync("CN=leaked-key");
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowForAsync(certificate);

        dialog.Find(".mud-select .mud-input-control").MouseDown();
        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll(".mud-list-item")));
        dialog.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "keyCompromise").Click();
        dialog.Find("[data-testid=revoke-confirm]").Click();

        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("[data-testid=revoke-certificate-dialog]")));
        var revoked = await ReloadAsync(certificate.Id);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Equal((int)EstPortal.Pki.RevocationReason.KeyCompromise, revoked.RevocationReason);
        Assert.Equal("operator:someone@example.com", revoked.RevokedBy);
    }

    [Fact]
    public async Task Auditor_ConfirmingWithAReason_IsRefusedOnTheServer()
    {
        var certificate = await AddCertificateAsync("CN=auditor-target");
        SignInAs(OperatorRoles.Auditor);
        var dialog = await ShowForAsync(certificate);

        dialog.Find(".mud-select .mud-input-control").MouseDown();
        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll(".mud-list-item")));
        dialog.FindAll(".mud-list-item").Single(i => i.TextContent.Trim() == "superseded").Click();
        dialog.Find("[data-testid=revoke-confirm]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == PortalRoles.ReadOnlyMessage));
        Assert.Null((await ReloadAsync(certificate.Id)).RevokedAt);
    }
}
