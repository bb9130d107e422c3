using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Policy;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>A device just created, with its credential secret: the only time the secret exists in clear.</summary>
public sealed record NewDevice(Guid Id, string Name, string Secret);

public sealed record DeviceSummary(Guid Id, string Name, string? Description, bool Disabled, DateTimeOffset CreatedAt, int CertificateCount);

public sealed record CertificateSummary(Guid Id, string SerialNumber, string Subject, string? SubjectAlternativeNames,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset IssuedAt, string IssuedVia, bool Revoked);

public enum DeviceSort { Name, CreatedAt }

/// <summary>A page of the device list: search in name and description, sort by an indexed column.</summary>
public sealed record DeviceQuery(string? Search = null, DeviceSort Sort = DeviceSort.Name, bool Descending = false, int Skip = 0, int Take = 25);

public sealed record CredentialSummary(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, DateTimeOffset? LastUsedAt);

public sealed record DeviceAuditEntry(long Sequence, DateTimeOffset Timestamp, string EventType, string Outcome, string? Actor,
    string? ClientIp, string? Reason, string? SerialNumber, string? Details);

/// <summary>Devices and their credentials, for the portal and the admin commands.</summary>
public sealed class DeviceAdmin(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, CertificateRevocation revocation, TimeProvider time)
{
    public const int MaxNameLength = 128;

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "A device name is required.";
        if (name.Length > MaxNameLength)
            return $"A device name has at most {MaxNameLength} characters.";
        // The name is the HTTP Basic user-id, which cannot contain a colon (RFC 7617 §2).
        if (name.Contains(':') || name.Any(char.IsControl) || name != name.Trim())
            return "A device name cannot contain ':' or control characters, or start or end with a space.";
        return null;
    }

    public Task<AdminResult<NewDevice>> AddAsync(string name, string? description, string actor, CancellationToken cancellationToken = default) =>
        AddAsync(name, description, [], actor, cancellationToken);

    /// <summary>
    /// Registers a device with the subjectAltName patterns it may ask for when it authenticates as itself (see
    /// <see cref="DeviceSubjectAltNamePatterns"/>; none: no subjectAltName at all).
    /// </summary>
    public Task<AdminResult<NewDevice>> AddAsync(string name, string? description, IEnumerable<string> subjectAltNamePatterns, string actor,
        CancellationToken cancellationToken = default) =>
        AddAsync(name, description, subjectAltNamePatterns, idevid: null, actor, cancellationToken);

    /// <summary>As the other overloads, with the value the device's IDevID names it by (null: its name).</summary>
    public async Task<AdminResult<NewDevice>> AddAsync(string name, string? description, IEnumerable<string> subjectAltNamePatterns, string? idevid,
        string actor, CancellationToken cancellationToken = default)
    {
        if (DeviceRegistration.Validate(name, description, subjectAltNamePatterns, out var patterns) is { } error)
            return AdminResult<NewDevice>.Fail(error);
        if (idevid is not null && ValidateIdevid(idevid) is { } idevidError)
            return AdminResult<NewDevice>.Fail(idevidError);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Devices.AnyAsync(d => d.Name == name, cancellationToken))
            return AdminResult<NewDevice>.Conflict($"A device named '{name}' already exists.");
        if (idevid is not null && await db.Devices.AnyAsync(d => d.Idevid == idevid, cancellationToken))
            return AdminResult<NewDevice>.Conflict($"Another device already has idevid '{idevid}'.");

        var added = DeviceRegistration.Stage(db, audit, name, description, patterns, actor, time.GetUtcNow(), "added", idevid);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two operators adding the same name at once: the unique index decides.
            return AdminResult<NewDevice>.Conflict($"A device named '{name}' already exists.");
        }
        return AdminResult<NewDevice>.Ok(added);
    }

    /// <summary>
    /// Replaces the subjectAltName patterns a device may ask for (an empty list: none). Applies to the device's next
    /// request: the change advances the credential version, so no instance keeps the old patterns.
    /// </summary>
    public async Task<AdminResult<IReadOnlyList<DeviceSubjectAltNamePattern>>> SetSubjectAltNamePatternsAsync(
        Guid deviceId, IEnumerable<string> subjectAltNamePatterns, string actor, CancellationToken cancellationToken = default)
    {
        var (patterns, errors) = DeviceSubjectAltNamePatterns.Validate(subjectAltNamePatterns);
        if (errors.Count > 0)
            return AdminResult<IReadOnlyList<DeviceSubjectAltNamePattern>>.Fail(string.Join(" ", errors));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (device is null)
            return AdminResult<IReadOnlyList<DeviceSubjectAltNamePattern>>.NotFound("No such device.");
        var before = DeviceSubjectAltNamePatterns.Parse(device.SubjectAltNamePatterns);
        device.SubjectAltNamePatterns = DeviceSubjectAltNamePatterns.Store(patterns);
        audit.Stage(db, new AuditRecord(AuditEventTypes.DeviceUpdated, true, actor, DeviceId: deviceId,
            Details: $"device '{device.Name}' subjectAltName patterns: {Join(before)} → {Join(patterns)}"));
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult<IReadOnlyList<DeviceSubjectAltNamePattern>>.Ok(patterns);
    }

    /// <summary>An idevid value: what the device's IDevID carries in the place its profile reads (serialNumber, CN or a SAN URI).</summary>
    public static string? ValidateIdevid(string idevid) =>
        string.IsNullOrWhiteSpace(idevid) || idevid.Length > 256 || idevid != idevid.Trim() || idevid.Any(char.IsControl)
            ? "An idevid value has 1 to 256 characters, no control characters and no leading or trailing spaces."
            : null;

    /// <summary>
    /// Sets (or with null clears) the value the device's IDevID names it by; the next IDevID request is matched against it.
    /// The IDevID the device first arrived with stays on record.
    /// </summary>
    public async Task<AdminResult<string?>> SetIdevidAsync(Guid deviceId, string? idevid, string actor, CancellationToken cancellationToken = default)
    {
        if (idevid is not null && ValidateIdevid(idevid) is { } error)
            return AdminResult<string?>.Fail(error);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (device is null)
            return AdminResult<string?>.NotFound("No such device.");
        if (idevid is not null && await db.Devices.AnyAsync(d => d.Idevid == idevid && d.Id != deviceId, cancellationToken))
            return AdminResult<string?>.Conflict($"Another device already has idevid '{idevid}'.");
        var before = device.Idevid;
        device.Idevid = idevid;
        audit.Stage(db, new AuditRecord(AuditEventTypes.DeviceUpdated, true, actor, DeviceId: deviceId,
            Details: $"device '{device.Name}' idevid: {before ?? "(its name)"} → {idevid ?? "(its name)"}"));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return AdminResult<string?>.Conflict($"Another device already has idevid '{idevid}'.");
        }
        return AdminResult<string?>.Ok(idevid);
    }

    private static string Join(IReadOnlyList<DeviceSubjectAltNamePattern> patterns) =>
        patterns.Count == 0 ? "(none)" : string.Join(", ", patterns);

    /// <summary>
    /// Disables (or re-enables) a device: its credentials, tokens and certificates stop working for EST at once (every
    /// validator checks the flag); optionally its certificates are also revoked (cessationOfOperation), so relying
    /// parties see it in the CRL and OCSP. Returns how many certificates were revoked.
    /// </summary>
    public async Task<AdminResult<int>> SetDisabledAsync(Guid deviceId, bool disabled, bool revokeCertificates, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.FirstOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (device is null)
            return AdminResult<int>.NotFound("No such device.");
        device.Disabled = disabled;
        audit.Stage(db, new AuditRecord(disabled ? AuditEventTypes.DeviceDisabled : AuditEventTypes.DeviceEnabled, true, actor, DeviceId: deviceId,
            Details: $"device '{device.Name}'" + (disabled && revokeCertificates ? ", certificates revoked" : "")));
        await db.SaveChangesAsync(cancellationToken);
        var revoked = disabled && revokeCertificates
            ? await revocation.RevokeAllOfDeviceAsync(deviceId, Pki.RevocationReason.CessationOfOperation, actor, cancellationToken)
            : 0;
        return AdminResult<int>.Ok(revoked);
    }

    /// <summary>A new credential secret for a device (shown once); the device's other credentials are disabled.</summary>
    public async Task<AdminResult<NewDevice>> RotateCredentialAsync(Guid deviceId, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.Include(d => d.Credentials).FirstOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (device is null)
            return AdminResult<NewDevice>.NotFound("No such device.");
        var now = time.GetUtcNow();
        foreach (var old in device.Credentials.Where(c => c.DisabledAt is null))
            old.DisabledAt = now;
        var secret = DeviceSecrets.Generate();
        // Added through the DbSet: a new entity with a preset key reached only through a tracked parent's collection
        // would be taken for an existing row (an UPDATE of nothing).
        db.DeviceCredentials.Add(new DeviceCredential { Id = Guid.NewGuid(), DeviceId = device.Id, SecretHash = DeviceSecrets.Hash(secret), CreatedAt = now });
        audit.Stage(db, new AuditRecord(AuditEventTypes.DeviceCredentialIssued, true, actor, DeviceId: deviceId,
            Details: $"device '{device.Name}': new credential, previous ones disabled"));
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult<NewDevice>.Ok(new NewDevice(device.Id, device.Name, secret));
    }

    public async Task<Device?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Name == name, cancellationToken);
    }

    public async Task<Device?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
    }

    public Task<(IReadOnlyList<DeviceSummary> Items, int Total)> ListAsync(
        string? search, int skip, int take, CancellationToken cancellationToken = default) =>
        ListPageAsync(new DeviceQuery(search, Skip: skip, Take: take), cancellationToken);

    /// <summary>
    /// One page of devices. The page is read from the Devices table alone (ordered by an indexed column), and only then
    /// are certificates counted, for that page's ids, through the IssuedCertificates.DeviceId index: no correlated
    /// COUNT over the certificates table per device row, which at 100,000 devices and 1,000,000 certificates is what
    /// made the list slow.
    /// </summary>
    public async Task<(IReadOnlyList<DeviceSummary> Items, int Total)> ListPageAsync(DeviceQuery request, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = await DeviceSearch.MatchingAsync(db, request.Search, cancellationToken);
        var total = await query.CountAsync(cancellationToken);
        query = (request.Sort, request.Descending) switch
        {
            (DeviceSort.CreatedAt, false) => query.OrderBy(d => d.CreatedAt).ThenBy(d => d.Name),
            (DeviceSort.CreatedAt, true) => query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Name),
            (_, true) => query.OrderByDescending(d => d.Name),
            _ => query.OrderBy(d => d.Name),
        };
        var rows = await query.Skip(request.Skip).Take(request.Take)
            .Select(d => new { d.Id, d.Name, d.Description, d.Disabled, d.CreatedAt })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => (Guid?)r.Id).ToList();
        var counts = ids.Count == 0
            ? []
            : await db.IssuedCertificates.AsNoTracking().Where(c => ids.Contains(c.DeviceId))
                .GroupBy(c => c.DeviceId).Select(g => new { Id = g.Key!.Value, Count = g.Count() })
                .ToDictionaryAsync(g => g.Id, g => g.Count, cancellationToken);
        var items = rows.Select(r => new DeviceSummary(r.Id, r.Name, r.Description, r.Disabled, r.CreatedAt, counts.GetValueOrDefault(r.Id))).ToList();
        return (items, total);
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Devices.CountAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<CredentialSummary>> CredentialsOfAsync(Guid deviceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.DeviceCredentials.AsNoTracking().Where(c => c.DeviceId == deviceId)
            .Select(c => new CredentialSummary(c.Id, c.CreatedAt, c.DisabledAt, c.LastUsedAt))
            .ToListAsync(cancellationToken);
        return rows.OrderBy(c => c.DisabledAt is not null).ThenByDescending(c => c.CreatedAt).ToList();
    }

    /// <summary>Disables one credential (e.g. a leaked secret) without touching the device's other credentials.</summary>
    public async Task<AdminResult<Guid>> DisableCredentialAsync(Guid deviceId, Guid credentialId, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var credential = await db.DeviceCredentials.Include(c => c.Device)
            .FirstOrDefaultAsync(c => c.Id == credentialId && c.DeviceId == deviceId, cancellationToken);
        if (credential is null)
            return AdminResult<Guid>.NotFound("No such credential on this device.");
        if (credential.DisabledAt is not null)
            return AdminResult<Guid>.Conflict("The credential is already disabled.");
        credential.DisabledAt = time.GetUtcNow();
        audit.Stage(db, new AuditRecord(AuditEventTypes.DeviceCredentialDisabled, true, actor, DeviceId: deviceId,
            Details: $"device '{credential.Device?.Name}': credential {credentialId} disabled"));
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult<Guid>.Ok(credentialId);
    }

    /// <summary>The device's latest audit events, newest first (the DeviceId index narrows to its few rows).</summary>
    public async Task<IReadOnlyList<DeviceAuditEntry>> AuditTrailAsync(Guid deviceId, int take = 50, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AuditEvents.AsNoTracking().Where(e => e.DeviceId == deviceId)
            .OrderByDescending(e => e.Sequence).Take(take)
            .Select(e => new DeviceAuditEntry(e.Sequence, e.Timestamp, e.EventType, e.Outcome, e.Actor, e.ClientIp, e.Reason, e.SerialNumber, e.Details))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The newest EST event (simpleenroll, simplereenroll, serverkeygen) for the device, accepted or not.</summary>
    public async Task<DeviceAuditEntry?> LastEnrollmentAsync(Guid deviceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var types = AuditEventTypes.Enrollments.ToList();
        return await db.AuditEvents.AsNoTracking().Where(e => e.DeviceId == deviceId && types.Contains(e.EventType))
            .OrderByDescending(e => e.Sequence)
            .Select(e => new DeviceAuditEntry(e.Sequence, e.Timestamp, e.EventType, e.Outcome, e.Actor, e.ClientIp, e.Reason, e.SerialNumber, e.Details))
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<CertificateSummary>> CertificatesOfAsync(Guid deviceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.IssuedCertificates.AsNoTracking()
            .Where(c => c.DeviceId == deviceId)
            .OrderByDescending(c => c.IssuedAt)
            .Select(c => new CertificateSummary(c.Id, c.SerialNumber, c.Subject, c.SubjectAlternativeNames, c.NotBefore, c.NotAfter,
                c.IssuedAt, c.IssuedVia, c.RevokedAt != null))
            .ToListAsync(cancellationToken);
    }

    /// <summary>All certificates the server has issued, with or without a device (bootstrap-token enrollments).</summary>
    public async Task<int> CountIssuedCertificatesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.IssuedCertificates.CountAsync(cancellationToken);
    }

    public async Task<byte[]?> CertificateDerAsync(Guid certificateId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.IssuedCertificates.AsNoTracking().Where(c => c.Id == certificateId)
            .Select(c => c.CertificateDer).FirstOrDefaultAsync(cancellationToken);
    }
}
