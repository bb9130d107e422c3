using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.DeviceAuth;

/// <summary>A device name and its credential secret (HTTP Basic user name and password).</summary>
public sealed class DeviceCredentialValidator(IDbContextFactory<EstPortalDbContext> contexts)
{
    public async Task<DeviceAuthResult> ValidateAsync(BasicCredentials credentials, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await db.Devices.AsNoTracking()
            .Where(d => d.Name == credentials.UserName)
            .Select(d => new { d.Id, d.Name, d.Disabled, Hashes = d.Credentials.Where(c => c.DisabledAt == null).Select(c => new { c.Id, c.SecretHash }).ToList() })
            .FirstOrDefaultAsync(cancellationToken);
        if (device is null)
            return DeviceAuthResult.NotRecognised;

        // Compare against every active credential in constant time, without stopping early on a match.
        Guid? matched = null;
        foreach (var credential in device.Hashes)
        {
            if (DeviceSecrets.Matches(credentials.Password, credential.SecretHash))
                matched = credential.Id;
        }
        if (matched is null)
            return DeviceAuthResult.NotRecognised;
        if (device.Disabled)
            return DeviceAuthResult.Refused($"device '{device.Name}' is disabled", $"credential:{device.Name}");

        return DeviceAuthResult.Success(new EstCaller(EstCallerKind.DeviceCredential, $"credential:{device.Name}", device.Id, device.Name));
    }
}
