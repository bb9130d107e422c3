using System.Security.Cryptography.X509Certificates;
using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Cas;
using EstPortal.Data.Entities;

namespace EstPortal.Tests.Components;

public sealed class CreateCaDialogTests : PortalComponentTest
{
    [Fact]
    public async Task EmptyForm_ShowsRequiredMessages_AndCreatesNothing()
    {
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<CreateCaDialog>();

        dialog.Find("[data-testid=create-ca-submit]").Click();

        dialog.WaitForAssertion(() =>
        {
            Assert.Contains("A CA name is required.", dialog.Markup, StringComparison.Ordinal);
            Assert.Contains("A CA subject must not be empty", dialog.Markup, StringComparison.Ordinal);
        });
        Assert.Empty(await Cas.ListAsync());
    }

    [Fact]
    public async Task WithoutPkcs11Settings_TheHsmKeyStoreIsDisabled_AndSaysWhatToConfigure()
    {
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<CreateCaDialog>();

        var hsm = dialog.FindAll("[data-testid=ca-key-store] label").Single(l => l.TextContent.Contains("Generated in the HSM", StringComparison.Ordinal));
        Assert.True(hsm.QuerySelector("input")!.HasAttribute("disabled"), hsm.OuterHtml);
        Assert.Contains("PKCS#11 is not configured (set EstPortal:Pkcs11:LibraryPath, TokenLabel and PinFile)",
            dialog.Find("[data-testid=ca-hsm-unavailable]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectThatIsNoDistinguishedName_IsRejectedInline()
    {
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<CreateCaDialog>();

        dialog.Find("#ca-subject").Input("just some words");

        dialog.WaitForAssertion(() => Assert.Contains("is not a distinguished name (RFC 4514)", dialog.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Root_IsCreated_WithItsKeyOnlyInProtectedForm_AndTheDialogClosesWithItsId()
    {
        SignInAs(OperatorRoles.Admin);
        var (host, reference) = await ShowDialogWithResultAsync<CreateCaDialog>(new MudBlazor.DialogParameters());

        host.Find("#ca-name").Input("lab-root");
        host.Find("#ca-subject").Input("CN=Lab Root CA, O=Example");
        host.Find("#ca-pathlen").Input("1");
        host.Find("[data-testid=create-ca-submit]").Click();

        var result = await reference.Result.WaitAsync(TimeSpan.FromSeconds(20));
        var ca = Assert.Single(await Cas.ListAsync());
        Assert.Equal(ca.Id, Assert.IsType<Guid>(result?.Data));
        Assert.Equal("CN=Lab Root CA, O=Example", ca.Subject);
        using var certificate = X509CertificateLoader.LoadCertificate(ca.CertificateDer);
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints is { CertificateAuthority: true, HasPathLengthConstraint: true, PathLengthConstraint: 1, Critical: true });
        Assert.False(certificate.HasPrivateKey);
        // The stored key is a Data Protection payload that the signer can open, not a PKCS#8 structure.
        Assert.NotEqual(0x30, ca.ProtectedPrivateKey[0]);
        Assert.Equal(certificate.Thumbprint, Cas.GetSigner(ca).Certificate.Thumbprint);
    }

    [Fact]
    public async Task Intermediate_IsSignedByTheChosenCa_WithAuthorityKeyIdentifierOfTheIssuer()
    {
        var root = await CreateDefaultCaAsync();
        SignInAs(OperatorRoles.Admin);

        var result = await Provisioning.CreateAsync(new EstPortal.Admin.NewCaRequest("issuing", "CN=Issuing", EstPortal.Pki.CaKeyAlgorithm.EcP384, 365, 0, root.Id), "test");

        var ca = Assert.IsType<CertificateAuthority>(result.Value);
        Assert.Equal(root.Id, ca.ParentId);
        using var certificate = X509CertificateLoader.LoadCertificate(ca.CertificateDer);
        using var issuer = X509CertificateLoader.LoadCertificate(root.CertificateDer);
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        var ski = issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.Equal(ski.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier?.ToArray());
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages;
        Assert.True(usage.HasFlag(X509KeyUsageFlags.KeyCertSign) && usage.HasFlag(X509KeyUsageFlags.CrlSign));
        Assert.Equal(2, (await Provisioning.ChainAsync(ca)).Count);
        var below = await Provisioning.CreateAsync(new EstPortal.Admin.NewCaRequest("below", "CN=Below", EstPortal.Pki.CaKeyAlgorithm.EcP256, 365, null, ca.Id), "test");
        Assert.Contains("has path length 0 and may not sign another CA", below.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auditor_Submitting_IsRefusedOnTheServer_AndNoCaIsCreated()
    {
        SignInAs(OperatorRoles.Auditor);
        var dialog = await ShowDialogAsync<CreateCaDialog>();

        dialog.Find("#ca-name").Input("sneaky");
        dialog.Find("#ca-subject").Input("CN=Sneaky");
        dialog.Find("[data-testid=create-ca-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == PortalRoles.AdminOnlyMessage));
        Assert.Empty(await Cas.ListAsync());
    }
}
