using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>A device just created, with its credential secret: the only time the secret exists in clear.</summary>
public sealed record NewDevice(Guid Id, string Name, string Secret);

public sealed record DeviceSummary(Guid Id, string Name, string? Description, bool Disabled, DateTimeOffset CreatedAt, int CertificateCount);

public sealed record CertificateSummary(Guid Id, string SerialNumber, string Subject, string? SubjectAlternativeNames,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset IssuedAt, string IssuedVia, bool Revoked);

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

    public async Task<AdminResult<NewDevice>> AddAsync(string name, string? description, string actor, CancellationToken cancellationToken = default)
    {
        if (ValidateName(name) is { } error)
            return AdminResult<NewDevice>.Fail(error);
        if (description?.Length > 1024)
            return AdminResult<NewDevice>.Fail("A description has at most 1024 characters.");

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Devices.AnyAsync(d => d.Name == name, cancellationToken))
            return AdminResult<NewDevice>.Fail($"A device named '{name}' already exists.");

        var now = time.GetUtcNow();
        var secret = DeviceSecrets.Generate();
        var device = new Device { Id = Guid.NewGuid(), Name = name, Description = description, CreatedAt = now };
        device.Credentials.Add(new DeviceCredential { Id = Guid.NewGuid(), SecretHash = DeviceSecrets.Hash(secret), CreatedAt = now });
        db.Devices.Add(device);
        audit.Stage(db, new AuditRecord(AuditEventTypes.DeviceAdded, true, actor, DeviceId: device.Id, Details: $"device '{name}' with a new credential"));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two operators adding the same name at once: the unique index decides.
            return AdminResult<NewDevice>.Fail($"A device named '{name}' already exists.");
        }
        return AdminResult<NewDevice>.Ok(new NewDevice(device.Id, name, secret));
    }

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
            return AdminResult<int>.Fail("No such device.");
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
            return AdminResult<NewDevice>.Fail("No such device.");
        var now = time.GetUtcNow();
        foreach (var old in device.Credentials.Where(c => c.DisabledAt is null))
            old.DisabledAt = now;
        var secret = DeviceSecrets.Generate();
        device.Credentials.Add(new DeviceCredential { Id = Guid.NewGuid(), SecretHash = DeviceSecrets.Hash(secret), CreatedAt = now });
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

    public async Task<(IReadOnlyList<DeviceSummary> Items, int Total)> ListAsync(
        string? search, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Devices.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
            query = query.Where(d => d.Name.Contains(search) || (d.Description != null && d.Description.Contains(search)));
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(d => d.Name).Skip(skip).Take(take)
            .Select(d => new DeviceSummary(d.Id, d.Name, d.Description, d.Disabled, d.CreatedAt, d.Certificates.Count))
            .ToListAsync(cancellationToken);
        return (items, total);
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
