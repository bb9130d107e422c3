using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.DeviceAuth;

/// <summary>
/// A device name and its credential secret (HTTP Basic user name and password). Read from the database on every
/// request, so a disabled device or credential is refused at once; the query is compiled once per app.
/// </summary>
public sealed class DeviceCredentialValidator(IDbContextFactory<EstPortalDbContext> contexts)
{
    private sealed record ActiveCredential(Guid Id, byte[] SecretHash);

    private sealed record DeviceWithCredentials(Guid Id, string Name, bool Disabled, List<ActiveCredential> Credentials);

    // Per instance, not static: a compiled query is bound to the model (provider) it first ran on.
    private readonly Func<EstPortalDbContext, string, Task<DeviceWithCredentials?>> DeviceByName =
        EF.CompileAsyncQuery((EstPortalDbContext db, string name) => db.Devices.AsNoTracking()
            .Where(d => d.Name == name)
            .Select(d => new DeviceWithCredentials(d.Id, d.Name, d.Disabled,
                d.Credentials.Where(c => c.DisabledAt == null).Select(c => new ActiveCredential(c.Id, c.SecretHash)).ToList()))
            .FirstOrDefault());

    public async Task<DeviceAuthResult> ValidateAsync(BasicCredentials credentials, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await DeviceByName(db, credentials.UserName);
        if (device is null)
            return DeviceAuthResult.NotRecognised;

        // Compare against every active credential in constant time, without stopping early on a match.
        Guid? matched = null;
        foreach (var credential in device.Credentials)
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
