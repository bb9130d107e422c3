using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>An API key just created: the only time the key exists in clear.</summary>
public sealed record NewApiKey(string Name, string Role, DateTimeOffset? ExpiresAt, string Key);

public sealed record ApiKeySummary(string Name, string Role, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>Who a valid key is: its name (the audit actor is "apikey:NAME") and the operator role it acts with.</summary>
public sealed record ApiKeyCaller(Guid Id, string Name, string Role)
{
    public string Actor => ApiKeyAdmin.ActorPrefix + Name;
}

/// <summary>
/// API keys for the automation API (ADR 0020): created by an Admin in the portal or with `apikey add`, shown once,
/// stored as SHA-256, revoked by name. Every request looks its key up in the database, so a revocation or an expiry
/// holds on the very next request on every instance; "last used" is written at most once a minute per key.
/// </summary>
public sealed class ApiKeyAdmin(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    /// <summary>Makes a leaked key recognisable to secret scanners and to a reader of a log line.</summary>
    public const string KeyPrefix = "estp_";
    public const string ActorPrefix = "apikey:";
    public const int MaxNameLength = 64;
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastUsedWritten = new();

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "An API key needs a name.";
        if (name.Length > MaxNameLength)
            return $"An API key name has at most {MaxNameLength} characters.";
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            return "An API key name may contain only letters, digits, '-', '_' and '.' (it names the key in the audit log).";
        return null;
    }

    public async Task<AdminResult<NewApiKey>> CreateAsync(string name, string role, TimeSpan? lifetime, string actor, CancellationToken cancellationToken = default)
    {
        if (ValidateName(name) is { } error)
            return AdminResult<NewApiKey>.Fail(error);
        if (!OperatorRoles.All.Contains(role))
            return AdminResult<NewApiKey>.Fail($"'{role}' is not a role: use {string.Join(", ", OperatorRoles.All)}.");
        if (lifetime is { } l && (l < TimeSpan.FromMinutes(1) || l > TimeSpan.FromDays(3650)))
            return AdminResult<NewApiKey>.Fail("A key expires between 1 minute and 10 years after it is created (or never).");

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.ApiKeys.AnyAsync(k => k.Name == name, cancellationToken))
            return AdminResult<NewApiKey>.Conflict($"An API key named '{name}' already exists.");
        var now = time.GetUtcNow();
        var key = KeyPrefix + DeviceSecrets.Generate();
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(), Name = name, Role = role, KeyHash = Hash(key), CreatedBy = actor, CreatedAt = now,
            ExpiresAt = lifetime is { } ttl ? now + ttl : null,
        };
        db.ApiKeys.Add(entity);
        audit.Stage(db, new AuditRecord(AuditEventTypes.ApiKeyCreated, true, actor,
            Details: $"API key '{name}' with role {role}" + (entity.ExpiresAt is { } e ? $", expires {e:u}" : ", no expiry")));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return AdminResult<NewApiKey>.Conflict($"An API key named '{name}' already exists.");
        }
        return AdminResult<NewApiKey>.Ok(new NewApiKey(name, role, entity.ExpiresAt, key));
    }

    public async Task<AdminResult<string>> RevokeAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var changed = await db.ApiKeys.Where(k => k.Name == name && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        if (changed != 1)
            return await db.ApiKeys.AnyAsync(k => k.Name == name, cancellationToken)
                ? AdminResult<string>.Conflict($"API key '{name}' is already revoked.")
                : AdminResult<string>.NotFound($"No API key is named '{name}'.");
        await audit.RecordAsync(new AuditRecord(AuditEventTypes.ApiKeyRevoked, true, actor, Details: $"API key '{name}'"), cancellationToken);
        return AdminResult<string>.Ok(name);
    }

    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApiKeys.AsNoTracking()
            .Select(k => new ApiKeySummary(k.Name, k.Role, k.CreatedBy, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt))
            .ToListAsync(cancellationToken);
        return rows.OrderBy(k => k.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The key's caller, or null for an unknown, revoked or expired key (the caller is told only "invalid"; which one
    /// it was is for the operator's list). One indexed read per request: nothing is cached that could outlive a revoke.
    /// </summary>
    public async Task<ApiKeyCaller?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 128)
            return null;
        var hash = Hash(presented);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash)
            .Select(k => new { k.Id, k.Name, k.Role, k.RevokedAt, k.ExpiresAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now)
            return null;
        await NoteUseAsync(db, key.Id, now, cancellationToken);
        return new ApiKeyCaller(key.Id, key.Name, key.Role);
    }

    /// <summary>"Last used" to the minute: a write per key and minute, not one per request.</summary>
    private async Task NoteUseAsync(EstPortalDbContext db, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_lastUsedWritten.TryGetValue(id, out var written) && now - written < LastUsedResolution)
            return;
        _lastUsedWritten[id] = now;
        await db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }

    /// <summary>
    /// SHA-256, not a password hash: the key is 256 random bits made by the server, so there is nothing to guess and a
    /// slow hash would only cost every request (as for device secrets, ADR 0002).
    /// </summary>
    public static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
