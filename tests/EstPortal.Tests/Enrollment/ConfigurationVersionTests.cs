using System.Net;
using EstPortal.Admin;
using EstPortal.Enrollment;
using EstPortal.Pki;
using EstPortal.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Enrollment;

/// <summary>
/// On SQLite the version EST's profile cache follows comes from a table that triggers on profiles and CAs advance:
/// enrollments commit all the time and must leave it (and the kept profile) alone, while every change to a profile or CA
/// — through the admin services or straight in the database — must advance it. <see cref="Integration.EstCacheFreshnessTests"/>
/// shows the other half: such a change applies to the very next request.
/// </summary>
public sealed class ConfigurationVersionTests
{
    [Fact]
    public async Task Enrollments_LeaveTheVersionAndTheKeptProfile_ProfileAndCaChangesAdvanceIt()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var version = host.Services.GetRequiredService<ConfigurationVersion>();
        var profiles = host.Services.GetRequiredService<EnrollmentProfiles>();
        var device = await host.AddDeviceAsync("steady-device");
        var token = await host.IssueTokenAsync();
        using var client = host.CreateEstClient();
        using (var warm = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=steady-device").Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var before = version.Current();
        Assert.NotNull(before);
        var kept = await profiles.ResolveAsync(null);

        // Issued certificates, audit rows and a token redemption: commits, none of them to a profile or CA.
        for (var i = 0; i < 3; i++)
        {
            using var enrolled = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=steady-device").Base64, Basic(device.Name, device.Secret));
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        }
        using (var redeemed = await PostAsync(client, "/.well-known/est/simpleenroll", TestCsr.Create("CN=token-device").Base64, Basic("installer", token.Token)))
            Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        Assert.Equal(before, version.Current());
        Assert.Same(kept, await profiles.ResolveAsync(null));

        var profileAdmin = host.Services.GetRequiredService<ProfileAdmin>();
        var current = (await profileAdmin.FindAsync("default"))!;
        var updated = await profileAdmin.UpdateAsync("default", current.Policy, requiresApproval: true, current.WrapBase64Lines, "test");
        Assert.True(updated.Succeeded, updated.Error);
        var afterProfileEdit = version.Current();
        Assert.NotEqual(before, afterProfileEdit);
        Assert.True((await profiles.ResolveAsync(null))!.RequiresApproval);

        var caAdmin = host.Services.GetRequiredService<CertificateAuthorityAdmin>();
        await caAdmin.CreateRootAsync("second", "CN=Second Root", CaKeyAlgorithm.EcP256, TimeSpan.FromDays(365), makeDefault: false, "test");
        var afterCaAdded = version.Current();
        Assert.NotEqual(afterProfileEdit, afterCaAdded);

        var rolledOver = await caAdmin.RolloverAsync("second", "test");
        Assert.True(rolledOver.Succeeded, rolledOver.Error);
        Assert.NotEqual(afterCaAdded, version.Current());
    }

    [Fact]
    public async Task ChangesMadeStraightInTheDatabase_AdvanceTheVersion_OnlyForProfilesAndCas()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        var version = host.Services.GetRequiredService<ConfigurationVersion>();
        await host.AddDeviceAsync("bystander");
        var last = version.Current();
        Assert.NotNull(last);

        // Each insert, update and delete on either table, as someone with database access (or a restored backup) does it.
        await host.AddProfileAsync("doomed", "doomed");
        AssertAdvanced();
        await host.Services.GetRequiredService<CertificateAuthorityAdmin>().CreateRootAsync(
            "doomed", "CN=Doomed Root", CaKeyAlgorithm.EcP256, TimeSpan.FromDays(365), makeDefault: false, "test");
        AssertAdvanced();
        Assert.Equal(1, await host.ExecuteOutsideAppAsync("""UPDATE "EnrollmentProfiles" SET "RequiresApproval" = 1 WHERE "Name" = 'doomed'"""));
        AssertAdvanced();
        Assert.Equal(1, await host.ExecuteOutsideAppAsync("""UPDATE "CertificateAuthorities" SET "Name" = 'renamed' WHERE "Name" = 'doomed'"""));
        AssertAdvanced();
        Assert.Equal(1, await host.ExecuteOutsideAppAsync("""DELETE FROM "EnrollmentProfiles" WHERE "Name" = 'doomed'"""));
        AssertAdvanced();
        // A scheduled refresh may have published a CRL for it meanwhile; that row would hold the CA in place.
        await host.ExecuteOutsideAppAsync(
            """DELETE FROM "CertificateRevocationLists" WHERE "CertificateAuthorityId" IN (SELECT "Id" FROM "CertificateAuthorities" WHERE "Name" = 'renamed')""");
        Assert.Equal(1, await host.ExecuteOutsideAppAsync("""DELETE FROM "CertificateAuthorities" WHERE "Name" = 'renamed'"""));
        AssertAdvanced();

        Assert.Equal(1, await host.ExecuteOutsideAppAsync("""UPDATE "Devices" SET "Description" = 'moved' WHERE "Name" = 'bystander'"""));
        Assert.Equal(last, version.Current());

        void AssertAdvanced()
        {
            var now = version.Current();
            Assert.NotNull(now);
            Assert.NotEqual(last, now);
            last = now;
        }
    }
}
