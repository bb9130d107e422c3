using System.Collections.Concurrent;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.DeviceAuth;

/// <summary>
/// A device name and its credential secret (HTTP Basic user name and password). A device's active credential hashes are
/// kept in memory only while <see cref="CredentialVersion"/> shows no change to any device or credential since they were
/// read, so a disabled device or credential is refused on the very next request, by any instance or process that made
/// the change; without such a version (PostgreSQL) they are read on every request. The query is compiled once per app.
/// </summary>
public sealed class DeviceCredentialValidator(IDbContextFactory<EstPortalDbContext> contexts, CredentialVersion versions)
{
    // Devices that exist only (a client trying made-up names cannot grow this); a fleet beyond this starts over.
    private const int MaxKept = 250_000;

    private sealed record ActiveCredential(Guid Id, byte[] SecretHash);

    private sealed record DeviceWithCredentials(Guid Id, string Name, bool Disabled, string? SubjectAltNamePatterns, List<ActiveCredential> Credentials);

    // Per instance, not static: a compiled query is bound to the model (provider) it first ran on.
    private readonly Func<EstPortalDbContext, string, Task<DeviceWithCredentials?>> DeviceByName =
        EF.CompileAsyncQuery((EstPortalDbContext db, string name) => db.Devices.AsNoTracking()
            .Where(d => d.Name == name)
            .Select(d => new DeviceWithCredentials(d.Id, d.Name, d.Disabled, d.SubjectAltNamePatterns,
                d.Credentials.Where(c => c.DisabledAt == null).Select(c => new ActiveCredential(c.Id, c.SecretHash)).ToList()))
            .FirstOrDefault());

    private readonly ConcurrentDictionary<string, (long Version, DeviceWithCredentials Device)> _kept = new(StringComparer.Ordinal);

    public async Task<DeviceAuthResult> ValidateAsync(BasicCredentials credentials, CancellationToken cancellationToken)
    {
        var device = await FindAsync(credentials.UserName, cancellationToken);
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

        return DeviceAuthResult.Success(new EstCaller(EstCallerKind.DeviceCredential, $"credential:{device.Name}", device.Id, device.Name,
            DeviceSubjectAltNamePatterns: device.SubjectAltNamePatterns));
    }

    private async Task<DeviceWithCredentials?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var version = versions.Current();
        if (version is not null && _kept.TryGetValue(name, out var kept) && kept.Version == version)
            return kept.Device;

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var device = await DeviceByName(db, name);
        if (device is not null && version is { } read)
        {
            if (_kept.Count >= MaxKept)
                _kept.Clear();
            _kept[name] = (read, device);
        }
        return device;
    }
}
