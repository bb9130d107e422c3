using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using EstPortal.Policy;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Enrollment;

/// <summary>
/// The device side of an IDevID enrollment that passed every rule (and, for approval registration, an operator): a board
/// the fleet did not know is registered now — named after its identity, which is also kept as its idevid value — and
/// every device keeps the IDevID it first arrived with (issuer, serial, SHA-256, when) for its page.
/// </summary>
public sealed class IdevidDevices(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    /// <summary>The caller bound to its device, or a reason the device could not be registered.</summary>
    public async Task<(EstCaller? Caller, string? Refusal)> BindAsync(EstCaller caller, ResolvedProfile profile, CancellationToken cancellationToken)
    {
        if (caller.Idevid is not { } idevid)
            return (caller, null);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        Device? device;
        if (caller.DeviceId is { } id)
        {
            device = await db.Devices.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
            if (device is null)
                return (null, $"device '{caller.DeviceName}' was removed during the request");
        }
        else
        {
            // The idevid-device rule refused this before; never register a board on a profile that does not register.
            if (profile.Policy.Idevid.Registration == IdevidRegistration.None)
                return (null, $"profile '{profile.Name}' registers no device on first contact");
            var name = caller.DeviceName ?? IdevidCaller.DeviceNameFor(idevid.IdentityValue);
            if (await db.Devices.AnyAsync(d => d.Name == name || d.Idevid == idevid.IdentityValue, cancellationToken))
                return (null, $"a device named '{name}' or with idevid '{idevid.IdentityValue}' already exists; it was not the one this IDevID names");
            device = new Device { Id = Guid.NewGuid(), Name = name, Idevid = idevid.IdentityValue, CreatedAt = now };
            db.Devices.Add(device);
            var how = profile.Policy.Idevid.Registration == IdevidRegistration.Approval ? "after an operator's approval" : "on first contact";
            audit.Stage(db, new AuditRecord(AuditEventTypes.DeviceAdded, true, caller.Actor, DeviceId: device.Id,
                Details: $"device '{name}' registered {how} under profile '{profile.Name}' by its {idevid}"));
        }
        if (device.IdevidSha256 is null)
        {
            device.IdevidIssuer = idevid.Presented.Issuer;
            device.IdevidSerialNumber = idevid.Presented.SerialNumber;
            device.IdevidSha256 = idevid.Presented.Sha256;
            device.IdevidFirstSeenAt = now;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same board on two connections at once: the unique indexes on name and idevid let one register it.
            return (null, $"device '{device.Name}' was registered by another request at the same moment; retry");
        }
        return (caller with { DeviceId = device.Id, DeviceName = device.Name, Idevid = idevid with { Known = true } }, null);
    }
}
