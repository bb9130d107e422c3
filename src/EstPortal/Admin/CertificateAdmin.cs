using System.Linq.Expressions;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data;
using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

public enum CertificateState { Any, Valid, Revoked, Expired, Expiring }

public enum CertificateSort { IssuedAt, NotAfter, Subject, SerialNumber }

/// <summary>
/// A search over issued certificates. Subject and serial match by prefix (a range on their indexes), device by exact
/// name (resolved to its id first), CA by id; SAN is a substring match and the one filter that has no index.
/// </summary>
public sealed record CertificateQuery(
    string? SubjectPrefix = null,
    string? San = null,
    string? Serial = null,
    string? DeviceName = null,
    Guid? CaId = null,
    CertificateState State = CertificateState.Any,
    int ExpiringWithinDays = 30,
    /// <summary>IssuedAt, newest first, unless the state is Expiring: then soonest expiry first.</summary>
    CertificateSort Sort = CertificateSort.IssuedAt,
    bool Descending = true,
    int Skip = 0,
    int Take = 50);

public sealed record CertificateListItem(Guid Id, string SerialNumber, string Subject, string? SubjectAlternativeNames,
    Guid? DeviceId, string? DeviceName, string CaName, DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset IssuedAt,
    DateTimeOffset? RevokedAt);

/// <summary>A page and how many match, counted only up to <see cref="CertificateAdmin.CountCap"/> (then <c>Capped</c>).</summary>
public sealed record CertificatePage(IReadOnlyList<CertificateListItem> Items, int Count, bool Capped);

public sealed record CertificateDetails(
    Guid Id, string SerialNumber, string Subject, string Issuer, IReadOnlyList<string> SubjectAlternativeNames,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset IssuedAt, string KeyAlgorithm, int KeySize,
    IReadOnlyList<string> KeyUsages, IReadOnlyList<string> ExtendedKeyUsages, string Sha256Fingerprint,
    string? ProfileName, Guid? DeviceId, string? DeviceName, string CaName, string IssuedVia,
    Guid? ReplacesId, string? ReplacesSerial, DateTimeOffset? RevokedAt, string? RevokedBy, Pki.RevocationReason? RevocationReason);

/// <summary>Searches and describes issued certificates for the portal; revocation goes through <see cref="CertificateRevocation"/>.</summary>
public sealed class CertificateAdmin(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
{
    /// <summary>Counting stops here: at a million rows an exact COUNT(*) per page costs more than the page itself.</summary>
    public const int CountCap = 10_000;

    public async Task<CertificatePage> SearchAsync(CertificateQuery request, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (await FilterAsync(db, request, now, cancellationToken, orderedBySubject: request.Sort == CertificateSort.Subject) is not { } query)
            return new CertificatePage([], 0, false);

        var count = await query.Take(CountCap + 1).CountAsync(cancellationToken);
        // Expiring certificates sit in a narrow NotAfter range: soonest first walks that index with no sort.
        var (sortBy, descending) = request.State == CertificateState.Expiring && request.Sort == CertificateSort.IssuedAt
            ? (CertificateSort.NotAfter, false)
            : (request.Sort, request.Descending);
        query = (sortBy, descending) switch
        {
            (CertificateSort.NotAfter, false) => query.OrderBy(c => c.NotAfter),
            (CertificateSort.NotAfter, true) => query.OrderByDescending(c => c.NotAfter),
            (CertificateSort.Subject, false) => query.OrderBy(c => c.Subject),
            (CertificateSort.Subject, true) => query.OrderByDescending(c => c.Subject),
            (CertificateSort.SerialNumber, false) => query.OrderBy(c => c.SerialNumber),
            (CertificateSort.SerialNumber, true) => query.OrderByDescending(c => c.SerialNumber),
            (_, false) => query.OrderBy(c => c.IssuedAt),
            _ => query.OrderByDescending(c => c.IssuedAt),
        };
        var items = await query.Skip(request.Skip).Take(request.Take)
            .Select(AsListItem)
            .ToListAsync(cancellationToken);
        return new CertificatePage(items, Math.Min(count, CountCap), count > CountCap);
    }

    /// <summary>A row of a certificate list, read with its device's and CA's names.</summary>
    internal static readonly Expression<Func<IssuedCertificate, CertificateListItem>> AsListItem = c => new CertificateListItem(c.Id, c.SerialNumber,
        c.Subject, c.SubjectAlternativeNames, c.DeviceId, c.Device != null ? c.Device.Name : null,
        c.CertificateAuthority != null ? c.CertificateAuthority.Name : "?", c.NotBefore, c.NotAfter, c.IssuedAt, c.RevokedAt);

    /// <summary>Matches beyond which a subject prefix is read through the list's order instead of the Subject index.</summary>
    internal const int BroadSubjectPrefix = 2_000;

    /// <summary>
    /// The request's filters (not its order or page), or null when it names a device that does not exist.
    /// <paramref name="orderedBySubject"/>: the caller reads the rows in subject order, which the (Subject, SerialNumber)
    /// index serves with the prefix's range however broad it is, so no probe is needed.
    /// </summary>
    internal static async Task<IQueryable<IssuedCertificate>?> FilterAsync(
        EstPortalDbContext db, CertificateQuery request, DateTimeOffset now, CancellationToken cancellationToken, bool orderedBySubject = false)
    {
        var query = db.IssuedCertificates.AsNoTracking();

        if (!string.IsNullOrWhiteSpace(request.SubjectPrefix))
        {
            var prefix = NormalizeSubjectPrefix(request.SubjectPrefix);
            var (low, high) = PrefixRange(prefix);
            var inRange = query.Where(c => c.Subject.CompareTo(low) >= 0 && c.Subject.CompareTo(high) < 0);
            // A narrow prefix is a short range on the Subject index. A broad one ("CN=dev-0" of a million) would make
            // the planner read its whole range and sort it, where walking the list's ordering index and testing each
            // row stops after a page. SQLite has no statistics to tell them apart (no ANALYZE), so one bounded probe
            // of the range decides, and the broad case tests the prefix in a form no index serves.
            var broad = !orderedBySubject
                && await inRange.Select(c => c.Id).Take(BroadSubjectPrefix).CountAsync(cancellationToken) == BroadSubjectPrefix;
            query = broad ? query.Where(c => c.Subject.Substring(0, prefix.Length) == prefix) : inRange;
        }
        if (!string.IsNullOrWhiteSpace(request.Serial))
        {
            var (low, high) = PrefixRange(NormalizeSerial(request.Serial));
            query = query.Where(c => c.SerialNumber.CompareTo(low) >= 0 && c.SerialNumber.CompareTo(high) < 0);
        }
        if (!string.IsNullOrWhiteSpace(request.San))
        {
            var san = request.San.Trim();
            query = query.Where(c => c.SubjectAlternativeNames != null && c.SubjectAlternativeNames.Contains(san));
        }
        if (!string.IsNullOrWhiteSpace(request.DeviceName))
        {
            var name = request.DeviceName.Trim();
            var deviceId = await db.Devices.Where(d => d.Name == name).Select(d => (Guid?)d.Id).FirstOrDefaultAsync(cancellationToken);
            if (deviceId is null)
                return null;
            query = query.Where(c => c.DeviceId == deviceId);
        }
        if (request.CaId is { } caId)
            query = query.Where(c => c.CertificateAuthorityId == caId);

        var soon = now.AddDays(Math.Clamp(request.ExpiringWithinDays, 1, 3650));
        query = request.State switch
        {
            CertificateState.Valid => query.Where(c => c.RevokedAt == null && c.NotAfter > now),
            CertificateState.Revoked => query.Where(c => c.RevokedAt != null),
            CertificateState.Expired => query.Where(c => c.RevokedAt == null && c.NotAfter <= now),
            CertificateState.Expiring => query.Where(c => c.RevokedAt == null && c.NotAfter > now && c.NotAfter <= soon),
            _ => query,
        };
        return query;
    }

    /// <summary>A certificate by its serial, written as openssl or a browser shows it (colons, spaces, any case).</summary>
    public async Task<CertificateDetails?> FindBySerialAsync(string serial, CancellationToken cancellationToken = default)
    {
        var normalized = NormalizeSerial(serial);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var id = await db.IssuedCertificates.AsNoTracking().Where(c => c.SerialNumber == normalized).Select(c => (Guid?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return id is { } found ? await FindAsync(found, cancellationToken) : null;
    }

    public async Task<CertificateDetails?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.IssuedCertificates.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new
            {
                Certificate = c,
                DeviceName = c.Device != null ? c.Device.Name : null,
                CaName = c.CertificateAuthority != null ? c.CertificateAuthority.Name : "?",
                ProfileName = db.EnrollmentProfiles.Where(p => p.Id == c.ProfileId).Select(p => p.Name).FirstOrDefault(),
                ReplacesSerial = db.IssuedCertificates.Where(r => r.Id == c.ReplacesCertificateId).Select(r => r.SerialNumber).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
            return null;

        var c = row.Certificate;
        using var x509 = X509CertificateLoader.LoadCertificate(c.CertificateDer);
        var (algorithm, size) = DescribeKey(x509);
        var keyUsages = x509.Extensions.OfType<X509KeyUsageExtension>().SelectMany(k => DescribeKeyUsages(k.KeyUsages)).ToList();
        var extendedKeyUsages = x509.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>().Select(o => o.FriendlyName is { Length: > 0 } name ? $"{name} ({o.Value})" : o.Value ?? "?"))
            .ToList();
        var sans = x509.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(s => s.EnumerateDnsNames().Select(n => "DNS:" + n).Concat(s.EnumerateIPAddresses().Select(a => "IP:" + a)))
            .ToList();
        if (sans.Count == 0 && !string.IsNullOrEmpty(c.SubjectAlternativeNames))
            sans = [c.SubjectAlternativeNames];

        return new CertificateDetails(c.Id, c.SerialNumber, c.Subject, x509.Issuer, sans, c.NotBefore, c.NotAfter, c.IssuedAt,
            algorithm, size, keyUsages, extendedKeyUsages, Convert.ToHexString(SHA256.HashData(c.CertificateDer)),
            row.ProfileName, c.DeviceId, row.DeviceName, row.CaName, c.IssuedVia, c.ReplacesCertificateId, row.ReplacesSerial,
            c.RevokedAt, c.RevokedBy, c.RevocationReason is { } reason ? (Pki.RevocationReason)reason : null);
    }

    /// <summary>"CN=" is implied when the operator types a bare name ("pump-" finds "CN=pump-…").</summary>
    public static string NormalizeSubjectPrefix(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Contains('=', StringComparison.Ordinal) ? trimmed : "CN=" + trimmed;
    }

    /// <summary>Serials are stored as upper-case hex without separators; accept them as openssl or a browser shows them.</summary>
    public static string NormalizeSerial(string text) =>
        text.Trim().Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>[prefix, prefix + U+FFFF): a range both SQLite and PostgreSQL answer from a plain B-tree index, unlike LIKE with a parameter.</summary>
    private static (string Low, string High) PrefixRange(string prefix) => (prefix, prefix + '\uffff');

    private static (string Algorithm, int Size) DescribeKey(X509Certificate2 certificate)
    {
        using (var rsa = certificate.GetRSAPublicKey())
        {
            if (rsa is not null)
                return ("RSA", rsa.KeySize);
        }
        using (var ec = certificate.GetECDsaPublicKey())
        {
            if (ec is not null)
            {
                var curve = ec.ExportParameters(false).Curve.Oid;
                return ($"EC {Pki.PublicKeyAlgorithms.DescribeAcceptedCurve(curve.Value) ?? curve.FriendlyName ?? curve.Value}", ec.KeySize);
            }
        }
        return (Pki.PublicKeyAlgorithms.Describe(certificate.PublicKey.Oid.Value), 0);
    }

    private static IEnumerable<string> DescribeKeyUsages(X509KeyUsageFlags flags) =>
        Enum.GetValues<X509KeyUsageFlags>().Where(f => f != X509KeyUsageFlags.None && flags.HasFlag(f)).Select(f => f.ToString());
}
