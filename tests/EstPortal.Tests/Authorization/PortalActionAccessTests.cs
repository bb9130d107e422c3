using Bunit;
using EstPortal.Admin;
using EstPortal.Audit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Approvals;
using EstPortal.Components.Pages.Audit;
using EstPortal.Components.Pages.Cas;
using EstPortal.Components.Pages.Devices;
using EstPortal.Components.Pages.Operators;
using EstPortal.Components.Pages.Profiles;
using EstPortal.Components.Pages.Tokens;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Tests.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Authorization;

/// <summary>
/// Every state-changing action of <see cref="PortalAccessTable"/>, called through its component handler (bUnit) as
/// each role, whatever the page shows or hides. Allowed: the action goes ahead (its confirmation or form opens, or
/// the change is stored) and no role message appears. Denied: the server-side check answers with the role message
/// and nothing changes.
/// </summary>
public sealed class PortalActionAccessTests : PortalComponentTest
{
    private static readonly string[] RoleMessages = [PortalRoles.ReadOnlyMessage, PortalRoles.AdminOnlyMessage, PortalRoles.AuditOnlyMessage];

    private sealed record Arranged(CertificateAuthority Ca, PendingSummary Pending, OperatorSummary Target, OperatorSummary DisabledTarget, NewDevice Device);

    private readonly Dictionary<string, Func<Arranged, Task<bool>>> _actions;

    public PortalActionAccessTests()
    {
        _actions = new()
        {
            ["ca.create"] = _ => DialogOpensAsync<CaList>(p => p.CreateAsync(), "create-ca-dialog"),
            ["ca.import"] = _ => DialogOpensAsync<CaList>(p => p.ImportAsync(), "import-ca-dialog"),
            ["ca.rollover"] = a => ConfirmationOpensAsync<CaDetail>(p => p.RolloverAsync(), "Roll over CA", ps => ps.Add(c => c.Id, a.Ca.Id)),
            ["profile.save"] = SaveProfileAsync,
            ["approval.approve"] = ApproveAsync,
            ["approval.reject"] = a => DialogOpensAsync<ApprovalDetail>(p => p.RejectAsync(), "reject-dialog", ps => ps.Add(d => d.Id, a.Pending.Id)),
            ["audit.verify"] = VerifyAuditAsync,
            ["operator.add"] = _ => DialogOpensAsync<OperatorList>(p => p.AddAsync(), "add-operator-dialog"),
            ["operator.change-role"] = a => ConfirmationOpensAsync<OperatorList>(p => p.ChangeRoleAsync(a.Target, OperatorRoles.Auditor), "Change the role of"),
            ["operator.disable"] = a => ConfirmationOpensAsync<OperatorList>(p => p.SetDisabledAsync(a.Target, true), "Disable target@"),
            ["operator.enable"] = EnableOperatorAsync,
            ["operator.reset-password"] = a => ConfirmationOpensAsync<OperatorList>(p => p.ResetPasswordAsync(a.Target), "Reset the password of"),
            ["device.add"] = _ => AddDeviceAsync(),
            ["token.issue"] = _ => IssueTokenAsync(),
            ["device.import"] = _ => ImportDevicesAsync(),
            ["token.issue-several"] = _ => IssueSeveralTokensAsync(),
            ["device.disable"] = a => DisableDeviceAsync(a),
            ["device.rotate-credential"] = a => RotateCredentialAsync(a),
            ["token.revoke"] = _ => RevokeTokenAsync(),
            ["certificate.revoke"] = _ => RevokeCertificateAsync(),
            ["apikey.create"] = _ => CreateApiKeyAsync(),
            ["apikey.revoke"] = _ => RevokeApiKeyAsync(),
            ["trust.add"] = _ => DialogOpensAsync<EstPortal.Components.Pages.TrustAnchors.TrustAnchorList>(p => p.AddAsync(), "add-trust-anchor-dialog"),
            ["trust.remove"] = a => ConfirmationOpensAsync<EstPortal.Components.Pages.TrustAnchors.TrustAnchorList>(
                p => p.RemoveAsync(new TrustAnchorSummary(Guid.Empty, "arranged-anchor", TrustAnchorPurpose.ManufacturerIdentity, "CN=x", new string('0', 64),
                    DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)), "Remove trust anchor arranged-anchor"),
        };
    }

    [Theory]
    [MemberData(nameof(PortalAccessTable.ActionCases), MemberType = typeof(PortalAccessTable))]
    public async Task Action_IsPerformedOnlyByTheRolesInTheTable(string action, Who who)
    {
        var arranged = await ArrangeAsync();
        if (who != Who.Anonymous)
            SignInAs(who.ToString());

        var proceeded = await _actions[action](arranged);
        var refused = Snackbar.ShownSnackbars.Any(s => RoleMessages.Contains(s.Message));

        if (PortalAccessTable.ActionAllows(action, who))
        {
            Assert.False(refused, $"{who} was refused {action}");
            Assert.True(proceeded, $"{who} could not {action}");
        }
        else
        {
            Assert.True(refused, $"{who} was not told it may not {action}");
            Assert.False(proceeded, $"{who} could {action}");
        }
    }

    [Fact]
    public void EveryActionInTheTable_IsExercised_AndNoOtherOne()
    {
        Assert.Equal(PortalAccessTable.Actions.Select(a => a.Action).Order(), _actions.Keys.Order());
    }

    private async Task<Arranged> ArrangeAsync()
    {
        var ca = await CreateDefaultCaAsync();
        var profile = (await Profiles.AddAsync("held", "held", null, EstPortal.Policy.CsrPolicy.Default, requiresApproval: true, false, "test")).Value
            ?? throw new InvalidOperationException("profile");
        var approvals = Context.Services.GetRequiredService<PendingApprovals>();
        var csr = EstPortal.Tests.Support.TestCsr.Create("CN=held-device");
        await approvals.CreateAsync(new PendingEnrollment
        {
            Id = Guid.NewGuid(), ProfileId = profile.Id, Operation = "simpleenroll", RequesterKey = "token:test", CsrDer = csr.Der,
            CsrSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(csr.Der)),
            PublicKeySha256 = "00", Subject = "CN=held-device", Status = PendingStatus.Pending, RequestedAt = DateTimeOffset.UtcNow,
        }, CancellationToken.None);
        var pending = (await approvals.ListAsync(PendingStatus.Pending)).Single();

        await using var scope = Context.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<OperatorAdmin>();
        await operators.AddAsync("target@example.com", OperatorRoles.Operator, null, "test");
        await operators.AddAsync("disabled@example.com", OperatorRoles.Operator, null, "test");
        var all = await operators.ListAsync();
        var disabled = all.Single(o => o.Email == "disabled@example.com");
        await operators.SetDisabledAsync(disabled.Id, true, "test");
        var device = (await Devices.AddAsync("arranged-device", null, "test")).Value ?? throw new InvalidOperationException("device");
        return new Arranged(ca, pending, all.Single(o => o.Email == "target@example.com"), disabled, device);
    }

    private async Task<bool> DialogOpensAsync<TPage>(Func<TPage, Task> handler, string dialogTestId,
        Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var providers = RenderProviders();
        var page = Context.Render(parameters ?? (_ => { }));
        _ = page.InvokeAsync(() => handler(page.Instance));
        return await EventuallyAsync(() => providers.FindAll($"[data-testid={dialogTestId}]").Count > 0);
    }

    private async Task<bool> ConfirmationOpensAsync<TPage>(Func<TPage, Task> handler, string title,
        Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var providers = RenderProviders();
        var page = Context.Render(parameters ?? (_ => { }));
        await Task.Delay(100); // let the page load its data
        _ = page.InvokeAsync(() => handler(page.Instance));
        return await EventuallyAsync(() => providers.Markup.Contains(title, StringComparison.Ordinal));
    }

    private async Task<bool> SaveProfileAsync(Arranged a)
    {
        var model = new ProfileFormModel { Name = "saved", Label = "saved", CaName = a.Ca.Name };
        var form = Context.Render<ProfileForm>(p => p.Add(f => f.Model, model).Add(f => f.IsNew, true).Add(f => f.CaNames, [a.Ca.Name]));
        await form.InvokeAsync(() => form.Instance.SaveAsync());
        return await Profiles.FindAsync("saved") is not null;
    }

    private async Task<bool> ApproveAsync(Arranged a)
    {
        var page = Context.Render<ApprovalDetail>(ps => ps.Add(d => d.Id, a.Pending.Id));
        await page.InvokeAsync(() => page.Instance.ApproveAsync());
        var approvals = Context.Services.GetRequiredService<PendingApprovals>();
        return (await approvals.ListAsync(PendingStatus.Approved)).Any(p => p.Id == a.Pending.Id);
    }

    private async Task<bool> VerifyAuditAsync(Arranged _)
    {
        var page = Context.Render<AuditLogPage>();
        await page.InvokeAsync(() => page.Instance.VerifyAsync());
        await using var db = await Context.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.AnyAsync(e => e.EventType == AuditEventTypes.AuditVerified);
    }

    private async Task<bool> EnableOperatorAsync(Arranged a)
    {
        var page = Context.Render<OperatorList>();
        await page.InvokeAsync(() => page.Instance.SetDisabledAsync(a.DisabledTarget, false));
        await using var scope = Context.Services.CreateAsyncScope();
        return !(await scope.ServiceProvider.GetRequiredService<OperatorAdmin>().ListAsync()).Single(o => o.Id == a.DisabledTarget.Id).Disabled;
    }

    private async Task<bool> AddDeviceAsync()
    {
        var dialog = await ShowDialogAsync<AddDeviceDialog>();
        dialog.Find("#device-name").Input("table-device");
        dialog.Find("[data-testid=add-device-submit]").Click();
        await EventuallyAsync(() => Snackbar.ShownSnackbars.Any()); // added, or refused
        return await Devices.FindAsync("table-device") is not null;
    }

    private async Task<bool> CreateApiKeyAsync()
    {
        var page = Context.Render<EstPortal.Components.Pages.ApiKeys.ApiKeyList>();
        page.Instance.KeyName = "table-key";
        await page.InvokeAsync(() => page.Instance.CreateAsync());
        return (await ApiKeys.ListAsync()).Any(k => k.Name == "table-key");
    }

    private async Task<bool> RevokeApiKeyAsync()
    {
        await ApiKeys.CreateAsync("table-key", OperatorRoles.Operator, null, "test");
        var key = (await ApiKeys.ListAsync()).Single(k => k.Name == "table-key");
        return await ConfirmationOpensAsync<EstPortal.Components.Pages.ApiKeys.ApiKeyList>(p => p.RevokeAsync(key), "Revoke API key table-key?");
    }

    private ApiKeyAdmin ApiKeys => Context.Services.GetRequiredService<ApiKeyAdmin>();

    private async Task<bool> IssueTokenAsync()
    {
        var dialog = await ShowDialogAsync<IssueTokenDialog>();
        dialog.Find("[data-testid=issue-token-submit]").Click();
        await EventuallyAsync(() => Snackbar.ShownSnackbars.Any());
        return (await Tokens.ListAsync()).Count > 0;
    }

    /// <summary>Through the page's handlers as the upload and the Create button call them.</summary>
    private async Task<bool> ImportDevicesAsync()
    {
        var page = Context.Render<DeviceImportPage>();
        await page.InvokeAsync(() => page.Instance.CheckAsync(new StringReader("name\nimported-by-table\n"), "table.csv"));
        await page.InvokeAsync(() => page.Instance.CreateAsync());
        return await Devices.FindAsync("imported-by-table") is not null;
    }

    private async Task<bool> IssueSeveralTokensAsync()
    {
        var dialog = await ShowDialogAsync<IssueTokensDialog>();
        dialog.Find("[data-testid=issue-tokens-submit]").Click();
        await EventuallyAsync(() => Snackbar.ShownSnackbars.Any());
        return (await Tokens.ListAsync()).Count > 0;
    }

    private async Task<bool> DisableDeviceAsync(Arranged a)
    {
        var dialog = await ShowDialogAsync<DisableDeviceDialog>(new MudBlazor.DialogParameters<DisableDeviceDialog>
        {
            { d => d.DeviceId, a.Device.Id }, { d => d.DeviceName, a.Device.Name }, { d => d.Disable, true },
        });
        dialog.Find("[data-testid=disable-device-confirm]").Click();
        await EventuallyAsync(() => Snackbar.ShownSnackbars.Any());
        return (await Devices.FindAsync(a.Device.Id))?.Disabled == true;
    }

    private async Task<bool> RotateCredentialAsync(Arranged a)
    {
        var dialog = await ShowDialogAsync<RotateCredentialDialog>(new MudBlazor.DialogParameters<RotateCredentialDialog>
        {
            { d => d.DeviceId, a.Device.Id }, { d => d.DeviceName, a.Device.Name },
        });
        dialog.Find("[data-testid=rotate-confirm]").Click();
        await EventuallyAsync(() => Snackbar.ShownSnackbars.Any());
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.DeviceCredentials.CountAsync(c => c.DeviceId == a.Device.Id) > 1;
    }

    /// <summary>portal2's token list keeps its revoke handler private; the test calls it as the row's button does.</summary>
    private async Task<bool> RevokeTokenAsync()
    {
        await Tokens.IssueAsync(TimeSpan.FromHours(1), null, "to revoke", "test");
        var row = (await Tokens.ListPageAsync(TokenStateFilter.All, 0, 10)).Items.Single();
        var providers = RenderProviders();
        var page = Context.Render<TokenList>();
        var revoke = typeof(TokenList).GetMethod("RevokeAsync", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("TokenList.RevokeAsync is gone: update the access table test");
        _ = page.InvokeAsync(() => revoke.Invoke(page.Instance, [row]) as Task ?? Task.CompletedTask);
        return await EventuallyAsync(() => providers.Markup.Contains("Revoke this token?", StringComparison.Ordinal));
    }

    private async Task<bool> RevokeCertificateAsync()
    {
        var certificate = await AddCertificateAsync("CN=to-revoke");
        var dialog = await ShowDialogAsync<EstPortal.Components.Pages.Certificates.RevokeCertificateDialog>(
            new MudBlazor.DialogParameters<EstPortal.Components.Pages.Certificates.RevokeCertificateDialog> { { d => d.SerialNumber, certificate.SerialNumber } });
        var select = dialog.FindComponent<MudBlazor.MudSelect<EstPortal.Pki.RevocationReason?>>();
        await select.InvokeAsync(() => select.Instance.SelectOption(EstPortal.Pki.RevocationReason.KeyCompromise));
        dialog.Find("[data-testid=revoke-confirm]").Click();
        await EventuallyAsync(() => Snackbar.ShownSnackbars.Any());
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.IssuedCertificates.AnyAsync(c => c.Id == certificate.Id && c.RevokedAt != null);
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 40; i++)
        {
            if (condition())
                return true;
            await Task.Delay(50);
        }
        return condition();
    }
}
