using System.Net;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>RFC 7030 §4.2.3: 202 + Retry-After while an operator decides; the retry gets the certificate or the reason.</summary>
public sealed class PendingApprovalTests(EstPortalHost host) : IClassFixture<EstPortalHost>
{
    private const string Path = "/.well-known/est/approval/simpleenroll";

    [Fact]
    public async Task RequestIsHeldOnce_ThenIssuedAfterApproval()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("approval-device");
        var csr = TestCsr.Create("CN=approval-device");
        using var client = host.CreateEstClient();

        using var first = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), first.Headers.RetryAfter?.Delta);
        using var retry = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);

        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == "credential:approval-device");
        Assert.Null(await approvals.DecideAsync(pending.Id, approve: true, null, "operator:test"));

        using var afterApproval = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(afterApproval);
        Assert.Equal("CN=approval-device", certificate.Subject);

        await using var db = await Db();
        var row = await db.PendingEnrollments.SingleAsync(p => p.Id == pending.Id);
        Assert.Equal(PendingStatus.Issued, row.Status);
        Assert.Equal(certificate.SerialNumber, row.IssuedSerial);
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.Outcome == AuditOutcomes.Pending && e.Actor == "credential:approval-device"));
    }

    [Fact]
    public async Task RejectedRequest_Gets403WithTheOperatorsReason()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("rejected-device");
        var csr = TestCsr.Create("CN=rejected-device");
        using var client = host.CreateEstClient();
        using var first = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == "credential:rejected-device");
        Assert.NotNull(await approvals.DecideAsync(pending.Id, approve: false, reason: null, "operator:test"));
        Assert.Null(await approvals.DecideAsync(pending.Id, approve: false, "unknown serial number", "operator:test"));
        Assert.NotNull(await approvals.DecideAsync(pending.Id, approve: true, null, "operator:test"));

        using var retry = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        Assert.Contains("unknown serial number", await retry.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TokenIsSpentOnlyWhenTheApprovedCertificateIsIssued()
    {
        await EnsureProfileAsync();
        var token = await host.IssueTokenAsync();
        var csr = TestCsr.Create("CN=approval-token-device");
        using var client = host.CreateEstClient();

        using var first = await PostAsync(client, Path, csr.Base64, Basic("installer", token.Token));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == $"token:{token.Id}");
        Assert.Null(await approvals.DecideAsync(pending.Id, approve: true, null, "operator:test"));

        using var issued = await PostAsync(client, Path, csr.Base64, Basic("installer", token.Token));
        await EstResponses.ReadIssuedCertificateAsync(issued);
        using var again = await PostAsync(client, Path, csr.Base64, Basic("installer", token.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    private async Task EnsureProfileAsync()
    {
        await using var db = await Db();
        if (!await db.EnrollmentProfiles.AnyAsync(p => p.Label == "approval"))
            await host.AddProfileAsync("needs-approval", "approval", requiresApproval: true);
    }

    private async Task<EstPortalDbContext> Db() =>
        await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
}
