using System.Net;
using System.Security.Cryptography;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static EstPortal.Tests.Support.EstCalls;

namespace EstPortal.Tests.Integration;

/// <summary>
/// RFC 7030 §4.2.3: 202 + Retry-After while an operator decides; the retry gets the certificate or the reason. An
/// approval binds the CSR the operator saw (ADR 0013): only that CSR is issued from it.
/// </summary>
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
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

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
        Assert.NotNull(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: false, reason: null, "operator:test"));
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: false, "unknown serial number", "operator:test"));
        Assert.NotNull(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

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
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

        using var issued = await PostAsync(client, Path, csr.Base64, Basic("installer", token.Token));
        await EstResponses.ReadIssuedCertificateAsync(issued);
        using var again = await PostAsync(client, Path, csr.Base64, Basic("installer", token.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task AfterApproval_ASecondCsrWithTheSameKey_IsANewPendingRequest_NotTheApprovedCertificate()
    {
        await EnsureProfileAsync();
        // ap1 may ask for any name under plant.example, so the second CSR passes the identity rules: only the approval
        // stands between it and a certificate.
        var device = await host.AddDeviceAsync("ap1", @"dns:.*\.plant\.example");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var approvedCsr = TestCsr.Create("CN=ap1", key: key);
        var otherCsr = TestCsr.Create("CN=ap1", ["bank.plant.example"], key: key);
        using var client = host.CreateEstClient();
        using (var first = await PostAsync(client, Path, approvedCsr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == "credential:ap1");
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

        using (var swapped = await PostAsync(client, Path, otherCsr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, swapped.StatusCode);
        var held = await approvals.ListAsync(null);
        var second = Assert.Single(held, p => p.RequesterKey == "credential:ap1" && p.Status == PendingStatus.Pending);
        Assert.Equal(Sha256(otherCsr.Der), second.CsrSha256);
        Assert.Equal(PendingStatus.Approved, held.Single(p => p.Id == pending.Id).Status);

        using var retry = await PostAsync(client, Path, approvedCsr.Base64, Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(retry);
        Assert.Equal("CN=ap1", certificate.Subject);
        Assert.Null(certificate.Extensions["2.5.29.17"]);
        await using var db = await Db();
        Assert.False(await db.IssuedCertificates.AnyAsync(c => c.SubjectAlternativeNames != null && c.SubjectAlternativeNames.Contains("bank.plant.example")));
        Assert.Equal(PendingStatus.Pending, (await db.PendingEnrollments.SingleAsync(p => p.Id == second.Id)).Status);
    }

    [Fact]
    public async Task RetriesInAnotherFraming_FindTheSameRequest_BecauseTheHashIsOfTheDer()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("framing-device");
        var csr = TestCsr.Create("CN=framing-device");
        using var client = host.CreateEstClient();

        foreach (var body in new[] { csr.Base64, csr.Base64Wrapped, csr.Pem })
        {
            using var response = await PostAsync(client, Path, body, Basic(device.Name, device.Secret));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(null), p => p.RequesterKey == "credential:framing-device");
        Assert.Equal(Sha256(csr.Der), pending.CsrSha256);
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

        using var retry = await PostAsync(client, Path, csr.Base64Wrapped, Basic(device.Name, device.Secret));
        Assert.Equal("CN=framing-device", (await EstResponses.ReadIssuedCertificateAsync(retry)).Subject);
    }

    [Fact]
    public async Task TwoRetriesOfAnApprovedRequestAtOnce_GetExactlyOneCertificate()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("racing-device");
        var csr = TestCsr.Create("CN=racing-device");
        using var client = host.CreateEstClient();
        using (var first = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == "credential:racing-device");
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret))));
        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.True((int)r.StatusCode is >= 400 and < 500, $"{r.StatusCode}"));
        }
        finally
        {
            foreach (var response in responses)
                response.Dispose();
        }
        await using var db = await Db();
        Assert.Equal(1, await db.IssuedCertificates.CountAsync(c => c.Subject == "CN=racing-device"));
    }

    [Fact]
    public async Task ADecisionNamingAnotherCsrHash_ChangesNothing()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("stale-view-device");
        var csr = TestCsr.Create("CN=stale-view-device");
        using var client = host.CreateEstClient();
        using (var first = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == "credential:stale-view-device");

        var error = await approvals.DecideAsync(pending.Id, Sha256(TestCsr.Create("CN=stale-view-device").Der), approve: true, null, "operator:test");

        Assert.Contains("nothing was decided", error, StringComparison.Ordinal);
        Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.Id == pending.Id);
        using var retry = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    [Fact]
    public async Task ApprovalAndIssuance_AreAuditedWithTheCsrHash()
    {
        await EnsureProfileAsync();
        var device = await host.AddDeviceAsync("audited-approval-device");
        var csr = TestCsr.Create("CN=audited-approval-device");
        using var client = host.CreateEstClient();
        using (var first = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var approvals = host.Services.GetRequiredService<PendingApprovals>();
        var pending = Assert.Single(await approvals.ListAsync(PendingStatus.Pending), p => p.RequesterKey == "credential:audited-approval-device");
        Assert.Null(await approvals.DecideAsync(pending.Id, pending.CsrSha256, approve: true, null, "operator:test"));
        using var retry = await PostAsync(client, Path, csr.Base64, Basic(device.Name, device.Secret));
        var certificate = await EstResponses.ReadIssuedCertificateAsync(retry);

        await using var db = await Db();
        var hash = Sha256(csr.Der);
        Assert.Equal(hash, (await db.AuditEvents.SingleAsync(e => e.EventType == EstPortal.Audit.AuditEventTypes.PendingApproved && e.DeviceId == device.Id)).CsrSha256);
        Assert.Equal(hash, (await db.AuditEvents.SingleAsync(e => e.SerialNumber == certificate.SerialNumber && e.Outcome == AuditOutcomes.Success)).CsrSha256);
    }

    private static string Sha256(byte[] der) => Convert.ToHexStringLower(SHA256.HashData(der));

    private async Task EnsureProfileAsync()
    {
        await using var db = await Db();
        if (!await db.EnrollmentProfiles.AnyAsync(p => p.Label == "approval"))
            await host.AddProfileAsync("needs-approval", "approval", requiresApproval: true);
    }

    private async Task<EstPortalDbContext> Db() =>
        await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
}
