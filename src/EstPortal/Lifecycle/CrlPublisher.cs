using EstPortal.Admin;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.Enrollment;
using EstPortal.Hosting;
using EstPortal.Pki;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EstPortal.Lifecycle;

/// <summary>
/// Publishes each CA's complete CRL (RFC 5280 §5) into the database, from where every instance serves it: at once
/// after a revocation (as an <see cref="IRevocationListener"/>), before the current one's nextUpdate (scheduled by
/// <see cref="CrlRefreshService"/>), and on a fetch that finds none current.
/// </summary>
public sealed class CrlPublisher(
    IDbContextFactory<EstPortalDbContext> contexts,
    CertificateAuthorities cas,
    CrlBuilder builder,
    IOptions<RevocationPublishingOptions> options,
    TimeProvider time,
    ILogger<CrlPublisher> logger) : IRevocationListener
{
    /// <summary>Instances racing for the same CRL number: each loser takes the next one.</summary>
    private const int MaxAttempts = 10;

    // Within one process, fetches that all find the CRL stale publish one new CRL, not one each.
    private readonly SemaphoreSlim _gate = new(1, 1);

    private CrlOptions Crl => options.Value.Crl;

    public async Task CertificatesRevokedAsync(Guid certificateAuthorityId, CancellationToken cancellationToken)
    {
        try
        {
            if (await cas.FindAsync(certificateAuthorityId, cancellationToken) is { } ca)
                await PublishAsync(ca, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The revocation itself is committed (and OCSP already answers "revoked"); a failed CRL must not turn it
            // into an error. The next fetch or scheduled refresh sees a revocation newer than the CRL and republishes.
            logger.LogError(ex, "The CRL of CA {CaId} was not republished after a revocation", certificateAuthorityId);
        }
    }

    /// <summary>The CRL to serve for a CA: the latest one, or a new one when none is current.</summary>
    public async Task<PublishedCrl> CurrentAsync(CertificateAuthority ca, CancellationToken cancellationToken)
    {
        var latest = await LatestAsync(ca.Id, cancellationToken);
        if (latest is not null && !await NeedsRefreshAsync(latest, cancellationToken))
            return latest;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            latest = await LatestAsync(ca.Id, cancellationToken);
            return latest is not null && !await NeedsRefreshAsync(latest, cancellationToken)
                ? latest
                : await PublishAsync(ca, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Signs and stores a new CRL with the next CRL number of this CA.</summary>
    public async Task<PublishedCrl> PublishAsync(CertificateAuthority ca, CancellationToken cancellationToken)
    {
        var signer = cas.GetSigner(ca);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            using var writer = builder.Begin(signer, now, now + Crl.Validity);
            await WriteRevokedEntriesAsync(db, writer, ca.Id, now, cancellationToken);
            // RFC 5280 §5.2.3: cRLNumber increases monotonically per CA. max+1 under the unique (CA, number) index is
            // correct with several instances on one database: of two racing inserts one fails and retries.
            var number = 1 + (await db.CertificateRevocationLists.Where(c => c.CertificateAuthorityId == ca.Id)
                .MaxAsync(c => (long?)c.CrlNumber, cancellationToken) ?? 0);
            var signed = writer.Finish(number);
            // The row goes in with an empty Der and gets its content streamed in, in one transaction (ADR 0030).
            var crl = new CertificateRevocationList
            {
                Id = Guid.NewGuid(),
                CertificateAuthorityId = ca.Id,
                CrlNumber = number,
                ThisUpdate = now,
                NextUpdate = now + Crl.Validity,
                Der = [],
            };
            db.CertificateRevocationLists.Add(crl);
            try
            {
                await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
                {
                    await db.SaveChangesAsync(cancellationToken);
                    await CrlContents.WriteAsync(db, crl.Id, signed, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
                logger.LogInformation("Published CRL {CrlNumber} of CA {CaName} with {Count} revoked certificates ({Length} octets)",
                    number, ca.Name, writer.Count, signed.Length);
                return new PublishedCrl(crl.Id, ca.Id, number, now, now + Crl.Validity, signed.Length);
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // Provider-neutral test for the unique-index violation: is the number now taken? Anything else is real.
                if (!await NumberTakenAsync(ca.Id, number, cancellationToken))
                    throw;
                logger.LogDebug("CRL number {CrlNumber} of CA {CaName} was taken by another instance; retrying", number, ca.Name);
            }
        }
    }

    /// <summary>Due when missing, within RefreshBefore of nextUpdate, or older than a revocation it does not list.</summary>
    public async Task<bool> NeedsRefreshAsync(PublishedCrl latest, CancellationToken cancellationToken)
    {
        if (latest.NextUpdate - time.GetUtcNow() <= Crl.RefreshBefore)
            return true;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var since = latest.ThisUpdate;
        return await db.IssuedCertificates.AnyAsync(
            c => c.CertificateAuthorityId == latest.CertificateAuthorityId && c.RevokedAt != null && c.RevokedAt > since, cancellationToken);
    }

    /// <summary>The CA's newest CRL, without its content (<see cref="CrlContents.OpenRead"/> streams that).</summary>
    public async Task<PublishedCrl?> LatestAsync(Guid caId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CertificateRevocationLists.Where(c => c.CertificateAuthorityId == caId)
            .OrderByDescending(c => c.CrlNumber)
            .Select(c => new PublishedCrl(c.Id, c.CertificateAuthorityId, c.CrlNumber, c.ThisUpdate, c.NextUpdate, c.Der.Length))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Streams the CA's revoked certificates into the CRL as the database returns them: one query read row by row
    /// (no tracking, three columns), each row encoded at once, so memory does not grow with objects per entry
    /// (bench/est-load-profile.md, round 3). One read also means one snapshot: the CRL lists exactly the revocations
    /// committed when it began, whatever commits meanwhile; those are newer than its thisUpdate, so the next fetch
    /// publishes again (<see cref="NeedsRefreshAsync"/>).
    /// </summary>
    private async Task WriteRevokedEntriesAsync(EstPortalDbContext db, CrlWriter writer, Guid caId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // RFC 5280 §5.1.2.6: an entry may leave the CRL once the certificate has expired, but only after it appeared on
        // one regularly scheduled CRL issued beyond its expiry. Keeping it for one CRL validity after notAfter
        // guarantees that, since a scheduled CRL is published at least every (ValidityHours − RefreshBeforeHours).
        var keepUntil = now - Crl.Validity;
        var revoked = db.IssuedCertificates.AsNoTracking()
            .Where(c => c.CertificateAuthorityId == caId && c.RevokedAt != null && c.NotAfter > keepUntil)
            .Select(c => new { c.SerialNumber, c.RevokedAt, c.RevocationReason })
            .AsAsyncEnumerable();
        var serial = new byte[32];
        await foreach (var c in revoked.WithCancellation(cancellationToken))
        {
            // The hex the database stores (SerialNumberGenerator.ToHex): at most 20 octets (RFC 5280 §4.1.2.2).
            if (Convert.FromHexString(c.SerialNumber, serial, out _, out var written) != System.Buffers.OperationStatus.Done)
                throw new FormatException($"stored serial '{c.SerialNumber}' is not hex of at most {serial.Length} octets");
            writer.Add(serial.AsSpan(0, written), c.RevokedAt!.Value, ReasonOf(c.RevocationReason));
        }
    }

    /// <summary>A stored code outside RFC 5280's complete-CRL reasons is written as unspecified rather than failing the CRL.</summary>
    internal static RevocationReason ReasonOf(int? stored) =>
        stored is { } code && RevocationReasons.IsDefined((RevocationReason)code) && (RevocationReason)code != RevocationReason.RemoveFromCrl
            ? (RevocationReason)code
            : RevocationReason.Unspecified;

    private async Task<bool> NumberTakenAsync(Guid caId, long number, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.CertificateRevocationLists.AnyAsync(c => c.CertificateAuthorityId == caId && c.CrlNumber == number, cancellationToken);
    }
}
