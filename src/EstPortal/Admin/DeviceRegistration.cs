using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Policy;

namespace EstPortal.Admin;

/// <summary>
/// A new device with its first credential and its audit event, staged in the caller's unit of work: what adding one
/// device (<see cref="DeviceAdmin"/>) and importing thousands (<see cref="DeviceImport"/>) both do.
/// </summary>
internal static class DeviceRegistration
{
    /// <summary>Checks what an operator typed for one device; null when it is fine.</summary>
    public static string? Validate(string name, string? description, IEnumerable<string> subjectAltNamePatterns,
        out IReadOnlyList<DeviceSubjectAltNamePattern> patterns)
    {
        patterns = [];
        if (DeviceAdmin.ValidateName(name) is { } error)
            return error;
        if (description?.Length > 1024)
            return "A description has at most 1024 characters.";
        var (valid, patternErrors) = DeviceSubjectAltNamePatterns.Validate(subjectAltNamePatterns);
        patterns = valid;
        return patternErrors.Count > 0 ? string.Join(" ", patternErrors) : null;
    }

    public static NewDevice Stage(EstPortalDbContext db, AuditLog audit, string name, string? description,
        IReadOnlyList<DeviceSubjectAltNamePattern> patterns, string actor, DateTimeOffset now, string how, string? idevid = null)
    {
        var secret = DeviceSecrets.Generate();
        var device = new Device
        {
            Id = Guid.NewGuid(), Name = name, Description = description, CreatedAt = now,
            SubjectAltNamePatterns = DeviceSubjectAltNamePatterns.Store(patterns), Idevid = idevid,
        };
        device.Credentials.Add(new DeviceCredential { Id = Guid.NewGuid(), SecretHash = DeviceSecrets.Hash(secret), CreatedAt = now });
        db.Devices.Add(device);
        var described = patterns.Count == 0 ? "" : $", subjectAltName patterns {string.Join(", ", patterns)}";
        audit.Stage(db, new AuditRecord(AuditEventTypes.DeviceAdded, true, actor, DeviceId: device.Id,
            Details: $"device '{name}' {how} with a new credential{described}" + (idevid is null ? "" : $", idevid '{idevid}'")));
        return new NewDevice(device.Id, name, secret);
    }
}
