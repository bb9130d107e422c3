using Bunit;
using EstPortal.Components.Authorization;
using EstPortal.Components.Pages.Devices;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Tests.Components;

/// <summary>The device page shows the TPM endorsement key a device proved its key with (TPM-attested enrollment).</summary>
public sealed class DeviceTpmEkTests : PortalComponentTest
{
    [Fact]
    public async Task DevicePage_ShowsTheEkIdentity_OnlyForADeviceThatHasOne()
    {
        SignInAs(OperatorRoles.Auditor);
        var attested = (await Devices.AddAsync("tpm-board", null, [], "test")).Value!;
        var plain = (await Devices.AddAsync("plain-board", null, [], "test")).Value!;
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.Devices.Where(d => d.Name == "tpm-board").ExecuteUpdateAsync(s => s
                .SetProperty(d => d.TpmEkIssuer, "CN=swtpm-localca")
                .SetProperty(d => d.TpmEkSerialNumber, "0A1B")
                .SetProperty(d => d.TpmEkSha256, "abc123"));
        }

        var page = Context.Render<DeviceDetail>(p => p.Add(d => d.Id, attested.Id));
        page.WaitForAssertion(() => Assert.Contains("CN=swtpm-localca, serial 0A1B, SHA-256 abc123",
            page.Find("[data-testid=device-tpm-ek]").TextContent, StringComparison.Ordinal));

        var other = Context.Render<DeviceDetail>(p => p.Add(d => d.Id, plain.Id));
        other.WaitForAssertion(() => Assert.Contains("plain-board", other.Markup, StringComparison.Ordinal));
        Assert.Empty(other.FindAll("[data-testid=device-tpm-ek]"));
    }
}
