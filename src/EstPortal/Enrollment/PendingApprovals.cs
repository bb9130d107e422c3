using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

public sealed record PendingSummary(Guid Id, string ProfileName, string Operation, string RequesterKey, string Subject,
    string PublicKeySha256, string CsrSha256, string? ClientIp, DateTimeOffset RequestedAt, string Status, string? DecidedBy,
    string? DecisionReason, string? IssuedSerial);

/// <summary>One held request with its CSR decoded: what the operator reads before deciding.</summary>
public sealed record PendingDetails(PendingSummary Summary, PendingCsrView? Csr);

/// <summary>
/// Requests a profile holds for an operator (RFC 7030 §4.2.3). The first request creates the row; a retry — the same
/// requester sending the same CSR (by the SHA-256 of its DER) — finds it. Operators approve or reject exactly that CSR;
/// the client's next retry gets the certificate (200) or the reason (403). Another CSR, even with the same key, is
/// another request (ADR 0013).
/// </summary>
public sealed class PendingApprovals(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    public async Task<PendingEnrollment?> FindAsync(Guid profileId, string requesterKey, string csrSha256, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.PendingEnrollments.AsNoTracking()
            .FirstOrDefaultAsync(p => p.ProfileId == profileId && p.RequesterKey == requesterKey && p.CsrSha256 == csrSha256, cancellationToken);
    }

    /// <summary>Stores the request once; a concurrent duplicate loses on the unique index and reads the winner's row.</summary>
    public async Task<PendingEnrollment> CreateAsync(PendingEnrollment pending, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.PendingEnrollments.Add(pending);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return pending;
        }
        catch (DbUpdateException)
        {
            return await FindAsync(pending.ProfileId, pending.RequesterKey, pending.CsrSha256, cancellationToken)
                ?? throw new InvalidOperationException("A pending request could neither be stored nor found.");
        }
    }

    public async Task<IReadOnlyList<PendingSummary>> ListAsync(string? status, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.PendingEnrollments.AsNoTracking();
        if (status is not null)
            query = query.Where(p => p.Status == status);
        return await query.OrderBy(p => p.RequestedAt)
            .Select(p => new PendingSummary(p.Id, p.Profile!.Name, p.Operation, p.RequesterKey, p.Subject, p.PublicKeySha256, p.CsrSha256,
                p.ClientIp, p.RequestedAt, p.Status, p.DecidedBy, p.DecisionReason, p.IssuedSerial))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One request with its CSR decoded, or null when no request has this id.</summary>
    public async Task<PendingDetails?> FindDetailsAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.PendingEnrollments.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new
            {
                Summary = new PendingSummary(p.Id, p.Profile!.Name, p.Operation, p.RequesterKey, p.Subject, p.PublicKeySha256, p.CsrSha256,
                    p.ClientIp, p.RequestedAt, p.Status, p.DecidedBy, p.DecisionReason, p.IssuedSerial),
                p.CsrDer,
            })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new PendingDetails(row.Summary, PendingCsrView.Decode(row.CsrDer));
    }

    /// <summary>
    /// Approve or reject a request that is still pending; null on success, else why not. <paramref name="csrSha256"/> is
    /// the hash of the CSR the operator was shown: the decision applies only if the request still holds that CSR, so a
    /// stale or forged view cannot approve anything else.
    /// </summary>
    public async Task<string?> DecideAsync(Guid id, string csrSha256, bool approve, string? reason, string actor, CancellationToken cancellationToken = default)
    {
        if (!approve && string.IsNullOrWhiteSpace(reason))
            return "A rejection needs a reason; the device is told it.";
        if (reason?.Length > 1024)
            return "A reason has at most 1024 characters.";
        var expected = csrSha256.Trim().ToLowerInvariant();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var status = approve ? PendingStatus.Approved : PendingStatus.Rejected;
        var changed = await db.PendingEnrollments
            .Where(p => p.Id == id && p.CsrSha256 == expected && p.Status == PendingStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, status).SetProperty(p => p.DecidedBy, actor)
                .SetProperty(p => p.DecidedAt, now).SetProperty(p => p.DecisionReason, reason), cancellationToken);
        if (changed != 1)
        {
            var current = await db.PendingEnrollments.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Status, p.CsrSha256 }).FirstOrDefaultAsync(cancellationToken);
            if (current is null)
                return $"No pending request has id {id}.";
            return current.CsrSha256 != expected
                ? $"Request {id} holds the CSR with SHA-256 {current.CsrSha256}, not {expected}; nothing was decided."
                : $"The request is {current.Status.ToLowerInvariant()}, not pending.";
        }
        var row = await db.PendingEnrollments.AsNoTracking().FirstAsync(p => p.Id == id, cancellationToken);
        await audit.RecordAsync(new AuditRecord(approve ? AuditEventTypes.PendingApproved : AuditEventTypes.PendingRejected, true, actor,
            Reason: reason, DeviceId: row.DeviceId, Details: $"{row.Operation} by {row.RequesterKey} for '{row.Subject}' (request {id})",
            CsrSha256: row.CsrSha256), cancellationToken);
        return null;
    }
}
