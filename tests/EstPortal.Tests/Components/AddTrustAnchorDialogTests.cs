using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bunit;
using EstPortal.Admin;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.TrustAnchors;
using EstPortal.Data.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Components;

public sealed class AddTrustAnchorDialogTests : PortalComponentTest
{
    private TrustAnchorAdmin Anchors => Context.Services.GetRequiredService<TrustAnchorAdmin>();

    [Fact]
    public async Task PastedManufacturerCa_IsAddedAsAnIdevidAnchor()
    {
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<AddTrustAnchorDialog>();

        dialog.Find("#anchor-name").Input("acme");
        dialog.Find("#anchor-pem").Change(Certificate(ca: true).ExportCertificatePem());
        dialog.Find("[data-testid=add-trust-anchor-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == "Trust anchor 'acme' added."));
        var anchor = Assert.Single(await Anchors.ListAsync());
        Assert.Equal(TrustAnchorPurpose.ManufacturerIdentity, anchor.Purpose);
        Assert.Equal("CN=Acme IDevID CA", anchor.Subject);
    }

    [Fact]
    public async Task PastedDeviceCertificate_IsRefusedInTheDialog_AndNothingIsAdded()
    {
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<AddTrustAnchorDialog>();

        dialog.Find("#anchor-name").Input("board");
        dialog.Find("#anchor-pem").Change(Certificate(ca: false).ExportCertificatePem());
        dialog.Find("[data-testid=add-trust-anchor-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("not a CA certificate", dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(await Anchors.ListAsync());
    }

    private static X509Certificate2 Certificate(bool ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(ca ? "CN=Acme IDevID CA" : "CN=board", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
    }
}
