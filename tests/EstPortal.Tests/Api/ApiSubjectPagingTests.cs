using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Tests.Lifecycle;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Api;

/// <summary>
/// GET /api/v1/certificates?subject=… pages by subject, then serial (ADR 0026): walked a few rows at a time while
/// certificates are added on both sides of the cursor, it returns every row once and in order, and its cursors are
/// refused (400 problem) by another subject search and by the newest-first list, and the reverse.
/// </summary>
public sealed class ApiSubjectPagingTests
{
    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task SubjectSearch_WalkedWhileCertificatesArrive_ReturnsEachOnceInSubjectOrder(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        using var api = ApiCalls.Client(host, await ApiCalls.CreateKeyAsync(host, "pager", OperatorRoles.Auditor));
        await LifecycleSteps.EnrollAsync(host, "template");
        await AddCertificatesAsync(host, ("CN=page-03", "A1"), ("CN=page-01", "A2"), ("CN=page-01", "A1"), ("CN=page-02", "A1"),
            ("CN=page-02", "B1"), ("CN=other-1", "A3"), ("CN=page-04", "A1"));

        var first = await ApiCalls.ReadJsonAsync(await api.GetAsync("/api/v1/certificates?subject=CN%3Dpage-&limit=3"));
        var seen = Rows(first);
        Assert.Equal(["CN=page-01/A1", "CN=page-01/A2", "CN=page-02/A1"], seen);
        // Before the position (a smaller subject, a smaller serial of the last subject): not in later pages. After it: once.
        await AddCertificatesAsync(host, ("CN=page-00", "C1"), ("CN=page-02", "A0"), ("CN=page-02", "A5"), ("CN=page-05", "C1"));
        var cursor = first.GetProperty("next").GetString();
        while (cursor is not null)
        {
            var page = await ApiCalls.ReadJsonAsync(await api.GetAsync("/api/v1/certificates?subject=CN%3Dpage-&limit=3&cursor=" + cursor));
            seen.AddRange(Rows(page));
            cursor = page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        }

        Assert.Equal(["CN=page-01/A1", "CN=page-01/A2", "CN=page-02/A1", "CN=page-02/A5", "CN=page-02/B1", "CN=page-03/A1", "CN=page-04/A1",
            "CN=page-05/C1"], seen);
    }

    [Theory, InlineData(DatabaseProvider.Sqlite), PostgresData]
    public async Task ACursor_OfAnotherOrderOrSubject_IsRefusedWithAProblem(DatabaseProvider provider)
    {
        await using var host = await EstPortalHost.StartAsync(provider);
        using var api = ApiCalls.Client(host, await ApiCalls.CreateKeyAsync(host, "pager", OperatorRoles.Auditor));
        await LifecycleSteps.EnrollAsync(host, "template");
        await AddCertificatesAsync(host, ("CN=page-01", "A1"), ("CN=page-02", "A1"), ("CN=other-1", "A1"), ("CN=other-2", "A1"));
        var bySubject = (await ApiCalls.ReadJsonAsync(await api.GetAsync("/api/v1/certificates?subject=CN%3Dpage-&limit=1"))).GetProperty("next").GetString()
            ?? throw new InvalidOperationException("no second page");
        var newestFirst = (await ApiCalls.ReadJsonAsync(await api.GetAsync("/api/v1/certificates?limit=1"))).GetProperty("next").GetString();

        var otherSubject = await ApiCalls.AssertProblemAsync(await api.GetAsync("/api/v1/certificates?subject=CN%3Dother-&limit=1&cursor=" + bySubject), 400);
        Assert.Contains("CN=page-", otherSubject, StringComparison.Ordinal);
        await ApiCalls.AssertProblemAsync(await api.GetAsync("/api/v1/certificates?limit=1&cursor=" + bySubject), 400);
        await ApiCalls.AssertProblemAsync(await api.GetAsync("/api/v1/certificates?subject=CN%3Dpage-&limit=1&cursor=" + newestFirst), 400);
        await ApiCalls.AssertProblemAsync(await api.GetAsync("/api/v1/certificates?subject=CN%3Dpage-&limit=1&cursor=" + bySubject[..^2]), 400);
        Assert.Equal(["CN=page-02/A1"], Rows(await ApiCalls.ReadJsonAsync(await api.GetAsync("/api/v1/certificates?subject=CN%3Dpage-&limit=1&cursor=" + bySubject))));
    }

    private static List<string> Rows(System.Text.Json.JsonElement page) =>
        page.GetProperty("items").EnumerateArray()
            .Select(i => $"{i.GetProperty("subject").GetString()}/{i.GetProperty("serial").GetString()?[2..4]}").ToList();

    /// <summary>Copies of the first issued certificate's row under other subjects; each serial starts 7E and the given two digits.</summary>
    private static async Task AddCertificatesAsync(EstPortalHost host, params (string Subject, string SerialEnd)[] rows)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        var template = await db.IssuedCertificates.AsNoTracking().OrderBy(c => c.IssuedAt).FirstAsync();
        foreach (var (subject, serialEnd) in rows)
        {
            var unique = Guid.NewGuid().ToString("N").ToUpperInvariant();
            db.IssuedCertificates.Add(new IssuedCertificate
            {
                Id = Guid.NewGuid(), SerialNumber = "7E" + serialEnd + unique[..14], CertificateAuthorityId = template.CertificateAuthorityId,
                Subject = subject, Sha256Thumbprint = unique + unique, PublicKeySha256 = template.PublicKeySha256,
                CertificateDer = template.CertificateDer, NotBefore = template.NotBefore, NotAfter = template.NotAfter,
                IssuedAt = template.IssuedAt, IssuedVia = template.IssuedVia,
            });
        }
        await db.SaveChangesAsync();
    }
}
