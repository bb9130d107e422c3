using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Tokens;
using EstPortal.Data.Entities;

namespace EstPortal.Tests.Components;

public sealed class IssueTokenDialogTests : PortalComponentTest
{
    [Theory]
    [InlineData("soon", "Enter a lifetime like 15m, 1h, 24h or 7d.")]
    [InlineData("91d", "A token lives between 1 minute and 90 days.")]
    [InlineData("30s", "A token lives between 1 minute and 90 days.")]
    public async Task BadLifetime_ShowsTheRule_AndIssuesNothing(string lifetime, string message)
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("#token-lifetime").Input(lifetime);
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(message, dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(dialog.FindAll("[data-testid=issued-token]"));
        Assert.Empty(await Tokens.ListAsync());
    }

    [Fact]
    public async Task UnknownDevice_ShowsThatNoDeviceHasThatName_AndIssuesNothing()
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        var device = dialog.Find("#token-device");
        device.Input("ghost-device");
        device.Blur();
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("No device is named 'ghost-device'.", dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(dialog.FindAll("[data-testid=issued-token]"));
        Assert.Empty(await Tokens.ListAsync());
    }

    [Fact]
    public async Task ValidRequest_ShowsTheTokenOnce_WithCommandsForThisServer()
    {
        await Devices.AddAsync("meter-3", null, "test");
        SignInAs(OperatorRoles.Admin);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("#token-lifetime").Input("7d");
        var device = dialog.Find("#token-device");
        device.Input("meter-3");
        device.Blur();
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("[data-testid=issued-token]")));
        Assert.Contains("Token issued", dialog.Find(".mud-dialog-title").TextContent, StringComparison.Ordinal);
        var token = dialog.Find("[data-testid=issued-token]").TextContent.Trim();
        Assert.Contains($"--user \"any:{token}\"", dialog.Find("[data-testid=curl-hint]").TextContent, StringComparison.Ordinal);
        Assert.Contains($"{EstUrl}/.well-known/est/simpleenroll", dialog.Find("[data-testid=curl-hint]").TextContent, StringComparison.Ordinal);
        Assert.Contains($"pki --est --url {EstUrl} ", dialog.Find("[data-testid=strongswan-hint]").TextContent, StringComparison.Ordinal);
        var issued = Assert.Single(await Tokens.ListAsync());
        Assert.Equal("meter-3", issued.DeviceName);
        Assert.InRange(issued.ExpiresAt - issued.CreatedAt, TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task Auditor_SubmittingTheForm_IsRefusedOnTheServer_AndNoTokenExists()
    {
        SignInAs(OperatorRoles.Auditor);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Message == PortalRoles.ReadOnlyMessage));
        Assert.Empty(dialog.FindAll("[data-testid=issued-token]"));
        Assert.Empty(await Tokens.ListAsync());
    }

    [Fact]
    public async Task InvalidSubjectPattern_ShowsWhy_AndIssuesNothing()
    {
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("#token-subject-pattern").Input("line3-[0-9");
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("not a valid regular expression", dialog.Markup, StringComparison.Ordinal));
        Assert.Empty(dialog.FindAll("[data-testid=issued-token]"));
        Assert.Empty(await Tokens.ListAsync());
    }

    [Fact]
    public async Task ProfileAndPattern_LimitTheToken_AndTheQrCodeCarriesTheLabelledUrlTokenAndCaFingerprint()
    {
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var ca = new CertificateAuthority
            {
                Id = Guid.NewGuid(), Name = "lines-ca", Subject = "CN=Lines", CertificateDer = [1], ProtectedPrivateKey = [],
                KeyAlgorithm = "EC P-256", Sha256Thumbprint = "AB12", IsDefault = true,
            };
            db.CertificateAuthorities.Add(ca);
            db.EnrollmentProfiles.Add(new EnrollmentProfile { Id = Guid.NewGuid(), Name = "lines", Label = "lines", CertificateAuthorityId = ca.Id, PolicyJson = "{}" });
            await db.SaveChangesAsync();
        }
        SignInAs(OperatorRoles.Operator);
        var dialog = await ShowDialogAsync<IssueTokenDialog>();

        dialog.Find("#token-profile").Closest(".mud-input-control")!.MouseDown();
        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll(".mud-list-item")));
        dialog.FindAll(".mud-list-item").Single(i => i.TextContent.Contains("lines", StringComparison.Ordinal)).Click();
        dialog.Find("#token-subject-pattern").Input("line3-[0-9]+");
        dialog.Find("[data-testid=issue-token-submit]").Click();

        dialog.WaitForAssertion(() => Assert.NotEmpty(dialog.FindAll("[data-testid=issued-token]")));
        var token = dialog.Find("[data-testid=issued-token]").TextContent.Trim();
        var payload = System.Text.Json.JsonDocument.Parse(dialog.Find("[data-testid=token-qr-payload]").TextContent).RootElement;
        Assert.Equal($"{EstUrl}/.well-known/est/lines", payload.GetProperty("est").GetString());
        Assert.Equal("lines", payload.GetProperty("label").GetString());
        Assert.Equal(token, payload.GetProperty("token").GetString());
        Assert.Equal("AB12", payload.GetProperty("caSha256").GetString());
        Assert.StartsWith("data:image/png;base64,", dialog.Find("[data-testid=token-qr]").GetAttribute("src"), StringComparison.Ordinal);
        Assert.Contains($"{EstUrl}/.well-known/est/lines/simpleenroll", dialog.Find("[data-testid=curl-hint]").TextContent, StringComparison.Ordinal);
        var (rows, _) = await Tokens.ListPageAsync(EstPortal.Admin.TokenStateFilter.Unused, 0, 10);
        var issued = Assert.Single(rows);
        Assert.Equal("lines", issued.ProfileName);
        Assert.Equal("line3-[0-9]+", issued.SubjectPattern);
    }
}
