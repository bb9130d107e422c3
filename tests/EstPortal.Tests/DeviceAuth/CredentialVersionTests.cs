using System.Net;
using EstPortal.Admin;
using EstPortal.DeviceAuth;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.DeviceAuth;

/// <summary>
/// On SQLite a device's credential hashes are kept in memory while the CredentialVersion table (advanced by triggers on
/// devices and credentials) stays put. Enrollments must leave it alone, so the cache helps under load; any change to a
/// device or credential — through the portal's services or straight in the database — must reach the very next request.
/// </summary>
public sealed class CredentialVersionTests
{
    [Fact]
    public async Task Enrollments_LeaveTheVersion_WhileDeviceAndCredentialChangesAdvanceIt()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var version = host.Services.GetRequiredService<CredentialVersion>();
        var device = await host.AddDeviceAsync("kept-device");
        using var client = host.CreateEstClient();
        var before = version.Current();
        Assert.NotNull(before);

        for (var i = 0; i < 3; i++)
        {
            using var enrolled = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=kept-device").Base64, Basic(device.Name, device.Secret));
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        }
        Assert.Equal(before, version.Current());

        var devices = host.Services.GetRequiredService<DeviceAdmin>();
        var id = (await devices.FindAsync(device.Name))!.Id;
        var rotated = await devices.RotateCredentialAsync(id, "test");
        Assert.True(rotated.Succeeded, rotated.Error);
        var afterRotation = version.Current();
        Assert.NotEqual(before, afterRotation);

        await host.AddDeviceAsync("another-device");
        var afterAdd = version.Current();
        Assert.NotEqual(afterRotation, afterAdd);

        Assert.Equal(1, await host.ExecuteOutsideAppAsync("""DELETE FROM "Devices" WHERE "Name" = 'another-device'"""));
        Assert.NotEqual(afterAdd, version.Current());
    }

    [Fact]
    public async Task ACredentialDisabledInThePortal_IsRefusedOnTheNextRequest_AndItsReplacementAccepted()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("rotating-device");
        using var client = host.CreateEstClient();
        using (var warm = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=rotating-device").Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        var devices = host.Services.GetRequiredService<DeviceAdmin>();
        var rotated = await devices.RotateCredentialAsync((await devices.FindAsync(device.Name))!.Id, "test");
        Assert.True(rotated.Succeeded, rotated.Error);

        using (var old = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=rotating-device").Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var renewed = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=rotating-device").Base64, Basic(device.Name, rotated.Value!.Secret));
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Fact]
    public async Task ACredentialDisabledStraightInTheDatabase_IsRefusedOnTheNextRequest()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var device = await host.AddDeviceAsync("sql-disabled");
        using var client = host.CreateEstClient();
        using (var warm = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=sql-disabled").Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        // As another instance, the admin command or an operator with database access would: not through this process.
        Assert.Equal(1, await host.ExecuteOutsideAppAsync(
            $"""UPDATE "DeviceCredentials" SET "DisabledAt" = 1 WHERE "DeviceId" = '{device.Id.ToString().ToUpperInvariant()}'"""));

        using var refused = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=sql-disabled").Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
