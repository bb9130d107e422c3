using System.Net;
using System.Security.Cryptography;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Integration;

/// <summary>Every enrollment audit row whose body decoded names the CSR by its SHA-256, as `sha256sum` prints it.</summary>
public sealed class CsrAuditHashTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    [Fact]
    public async Task SimpleEnroll_IssuedAndRefused_AuditRowsCarryTheCsrSha256()
    {
        var token = await host.IssueTokenAsync();
        using var client = host.CreateEstClient();
        var accepted = TestCsr.Create("CN=hash-device");
        var refused = TestCsr.Create("CN=hash-device");

        using var ok = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", accepted.Base64, EstCalls.Basic("installer", token.Token));
        // The token again: a credential of ours, refused, audited with a row of its own (a stranger's guess is only counted).
        using var denied = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", refused.Pem, EstCalls.Basic("installer", token.Token));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        var issued = await EstResponses.ReadIssuedCertificateAsync(ok);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var success = await db.AuditEvents.SingleAsync(e => e.SerialNumber == issued.SerialNumber);
        Assert.Equal(Sha256Hex(accepted.Der), success.CsrSha256);
        // The PEM body is hashed as the DER it carries, so the device's DER file gives the same value.
        var failure = await db.AuditEvents.SingleAsync(e => e.Outcome == AuditOutcomes.Failure && e.CsrSha256 == Sha256Hex(refused.Der));
        Assert.Equal("est.simpleenroll", failure.EventType);
    }

    [Fact]
    public async Task SimpleEnroll_UndecodableBody_IsAuditedWithoutAHash()
    {
        var device = await host.AddDeviceAsync("hash-device-garbage");
        using var client = host.CreateEstClient();

        using var response = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", "this is not a CSR", EstCalls.Basic(device.Name, device.Secret));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var row = await db.AuditEvents.OrderBy(e => e.Sequence).LastAsync(e => e.Actor == $"credential:{device.Name}");
        Assert.Equal(AuditOutcomes.Failure, row.Outcome);
        Assert.Null(row.CsrSha256);
    }

    private static string Sha256Hex(byte[] der) => Convert.ToHexStringLower(SHA256.HashData(der));
}
