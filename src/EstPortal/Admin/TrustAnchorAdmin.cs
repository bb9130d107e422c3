using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

public sealed record TrustAnchorSummary(Guid Id, string Name, TrustAnchorPurpose Purpose, string Subject, string Sha256Fingerprint,
    DateTimeOffset NotAfter, DateTimeOffset CreatedAt);

/// <summary>
/// Client-authentication trust anchors: a manufacturer's IDevID CA (IEEE 802.1AR) or a TPM vendor's EK root. Only the
/// certificate is kept; no key, and it never issues (RFC 7030 §3.3.2: a third-party certificate authenticates the client,
/// the EST CA still decides and signs). Removal takes effect on the next request: nothing caches the anchors.
/// </summary>
public sealed class TrustAnchorAdmin(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    public const int MaxNameLength = 64;

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "A trust anchor name is required.";
        if (name.Length > MaxNameLength || name != name.Trim() || name.Any(char.IsControl))
            return $"A trust anchor name has at most {MaxNameLength} characters, no control characters and no leading or trailing spaces.";
        return null;
    }

    /// <summary>Reads the first certificate of a PEM text and checks that it can be an anchor (a CA certificate).</summary>
    public static (X509Certificate2? Certificate, string? Error) ReadAnchor(string pem)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return (null, "The text holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }
        // RFC 5280 §4.2.1.9: only a CA certificate vouches for the certificates under it.
        var basic = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (basic is not { CertificateAuthority: true })
        {
            certificate.Dispose();
            return (null, "The certificate is not a CA certificate (basicConstraints cA=TRUE): it cannot vouch for devices.");
        }
        return (certificate, null);
    }

    public async Task<AdminResult<TrustAnchorSummary>> AddAsync(string name, string certificatePem, TrustAnchorPurpose purpose, string actor,
        CancellationToken cancellationToken = default)
    {
        if (ValidateName(name) is { } nameError)
            return AdminResult<TrustAnchorSummary>.Fail(nameError);
        if (!Enum.IsDefined(purpose))
            return AdminResult<TrustAnchorSummary>.Fail("Unknown trust anchor purpose.");
        var (certificate, readError) = ReadAnchor(certificatePem);
        if (certificate is null)
            return AdminResult<TrustAnchorSummary>.Fail(readError!);
        using var _ = certificate;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.TrustAnchors.AnyAsync(a => a.Name == name, cancellationToken))
            return AdminResult<TrustAnchorSummary>.Conflict($"A trust anchor named '{name}' already exists.");
        var anchor = new TrustAnchor
        {
            Id = Guid.NewGuid(),
            Name = name,
            Purpose = purpose,
            CertificateDer = certificate.RawData,
            Subject = certificate.Subject,
            Sha256Fingerprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)),
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            CreatedAt = time.GetUtcNow(),
        };
        db.TrustAnchors.Add(anchor);
        audit.Stage(db, new AuditRecord(AuditEventTypes.TrustAnchorAdded, true, actor,
            Details: $"trust anchor '{name}' ({Describe(purpose)}): {anchor.Subject}, SHA-256 {anchor.Sha256Fingerprint}"));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return AdminResult<TrustAnchorSummary>.Conflict($"A trust anchor named '{name}' already exists.");
        }
        return AdminResult<TrustAnchorSummary>.Ok(Summarize(anchor));
    }

    /// <summary>Removes an anchor; profiles that still name it accept nothing through it from the next request on.</summary>
    public async Task<AdminResult<TrustAnchorSummary>> RemoveAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var anchor = await db.TrustAnchors.FirstOrDefaultAsync(a => a.Name == name, cancellationToken);
        if (anchor is null)
            return AdminResult<TrustAnchorSummary>.NotFound($"No trust anchor is named '{name}'.");
        db.TrustAnchors.Remove(anchor);
        audit.Stage(db, new AuditRecord(AuditEventTypes.TrustAnchorRemoved, true, actor,
            Details: $"trust anchor '{name}' ({Describe(anchor.Purpose)}): {anchor.Subject}, SHA-256 {anchor.Sha256Fingerprint}"));
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult<TrustAnchorSummary>.Ok(Summarize(anchor));
    }

    public async Task<IReadOnlyList<TrustAnchorSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.TrustAnchors.AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken);
        return rows.Select(Summarize).ToList();
    }

    /// <summary>The anchors of one purpose among <paramref name="names"/>, read fresh on every call (no cache to outlive a removal).</summary>
    public async Task<IReadOnlyList<TrustAnchor>> FindAsync(IReadOnlyCollection<string> names, TrustAnchorPurpose purpose,
        CancellationToken cancellationToken = default)
    {
        if (names.Count == 0)
            return [];
        var wanted = names.ToList();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.TrustAnchors.AsNoTracking().Where(a => wanted.Contains(a.Name) && a.Purpose == purpose).ToListAsync(cancellationToken);
    }

    /// <summary>Names among <paramref name="names"/> that are not anchors of <paramref name="purpose"/> (a profile's typo).</summary>
    public static async Task<IReadOnlyList<string>> UnknownAsync(EstPortalDbContext db, IReadOnlyCollection<string> names, TrustAnchorPurpose purpose,
        CancellationToken cancellationToken)
    {
        var wanted = names.ToList();
        var known = await db.TrustAnchors.Where(a => wanted.Contains(a.Name) && a.Purpose == purpose).Select(a => a.Name).ToListAsync(cancellationToken);
        return wanted.Except(known, StringComparer.Ordinal).ToList();
    }

    public static string Describe(TrustAnchorPurpose purpose) => purpose switch
    {
        TrustAnchorPurpose.ManufacturerIdentity => "idevid",
        TrustAnchorPurpose.TpmEndorsement => "tpm-ek",
        _ => purpose.ToString(),
    };

    public static TrustAnchorPurpose? ParsePurpose(string? text) => text?.ToLowerInvariant() switch
    {
        "idevid" => TrustAnchorPurpose.ManufacturerIdentity,
        "tpm-ek" => TrustAnchorPurpose.TpmEndorsement,
        _ => null,
    };

    private static TrustAnchorSummary Summarize(TrustAnchor a) =>
        new(a.Id, a.Name, a.Purpose, a.Subject, a.Sha256Fingerprint, a.NotAfter, a.CreatedAt);
}
