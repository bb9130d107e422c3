using EstPortal.Audit;
using EstPortal.Data;
using EstPortal.Data.Entities;
using EstPortal.DeviceAuth;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Admin;

/// <summary>A token just issued: the only time it exists in clear.</summary>
public sealed record NewBootstrapToken(Guid Id, string Token, DateTimeOffset ExpiresAt, string? DeviceName);

public sealed record BootstrapTokenSummary(Guid Id, string? DeviceName, string? Note, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? UsedAt, string? UsedForSerial, DateTimeOffset? RevokedAt);

public enum TokenStateFilter { All, Unused, Used, Expired, Revoked }

/// <summary>A token as the list shows it: its limits and, once used, by which request (serial), when and from where.</summary>
public sealed record BootstrapTokenRow(Guid Id, string? DeviceName, string? Note, string? ProfileName, string? SubjectPattern,
    string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt, string? UsedForSerial,
    string? UsedFromIp, DateTimeOffset? RevokedAt)
{
    public TokenStateFilter StateAt(DateTimeOffset now) => TokenStates.Of(RevokedAt, UsedAt, ExpiresAt, now);
}

/// <summary>Where a token stands, for the portal's list and the API alike.</summary>
public static class TokenStates
{
    /// <summary>Revoked beats used beats expired: what stopped the token first is what an operator is told.</summary>
    public static TokenStateFilter Of(DateTimeOffset? revokedAt, DateTimeOffset? usedAt, DateTimeOffset expiresAt, DateTimeOffset now) =>
        revokedAt is not null ? TokenStateFilter.Revoked
        : usedAt is not null ? TokenStateFilter.Used
        : expiresAt <= now ? TokenStateFilter.Expired
        : TokenStateFilter.Unused;
}

/// <summary>What to issue: lifetime, and optionally a device, a profile and a CN pattern the token is limited to.</summary>
public sealed record BootstrapTokenRequest(TimeSpan Lifetime, string? DeviceName = null, string? Note = null, string? ProfileName = null, string? SubjectPattern = null);

/// <summary>Issues and lists one-time bootstrap tokens.</summary>
public sealed class BootstrapTokenAdmin(IDbContextFactory<EstPortalDbContext> contexts, AuditLog audit, TimeProvider time)
{
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    public Task<AdminResult<NewBootstrapToken>> IssueAsync(
        TimeSpan lifetime, string? deviceName, string? note, string actor, CancellationToken cancellationToken = default) =>
        IssueAsync(new BootstrapTokenRequest(lifetime, deviceName, note), actor, cancellationToken);

    public async Task<AdminResult<NewBootstrapToken>> IssueAsync(BootstrapTokenRequest request, string actor, CancellationToken cancellationToken = default)
    {
        var issued = await IssueManyAsync(request, 1, actor, cancellationToken);
        return issued.Succeeded ? AdminResult<NewBootstrapToken>.Ok(issued.Value![0]) : AdminResult<NewBootstrapToken>.Fail(issued.Error!);
    }

    /// <summary>At most this many tokens in one request (an installer crew's sheet, not a fleet's worth of secrets).</summary>
    public const int MaxCount = 10_000;

    /// <summary>
    /// <paramref name="count"/> tokens with the same limits, in one transaction: all or none. Each is its own one-time
    /// secret with its own audit event.
    /// </summary>
    public async Task<AdminResult<IReadOnlyList<NewBootstrapToken>>> IssueManyAsync(BootstrapTokenRequest request, int count, string actor,
        CancellationToken cancellationToken = default)
    {
        if (count < 1 || count > MaxCount)
            return AdminResult<IReadOnlyList<NewBootstrapToken>>.Fail($"Between 1 and {MaxCount:N0} tokens can be issued at once.");
        var (lifetime, deviceName, note) = (request.Lifetime, request.DeviceName, request.Note);
        if (request.SubjectPattern is { } pattern && Enrollment.CallerRules.TokenSubjectRule.Validate(pattern) is { } patternError)
            return AdminResult<IReadOnlyList<NewBootstrapToken>>.Fail(patternError);
        if (lifetime < MinLifetime || lifetime > MaxLifetime)
            return AdminResult<IReadOnlyList<NewBootstrapToken>>.Fail("A token lives between 1 minute and 90 days.");
        if (note?.Length > 1024)
            return AdminResult<IReadOnlyList<NewBootstrapToken>>.Fail("A note has at most 1024 characters.");

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        Device? device = null;
        if (!string.IsNullOrWhiteSpace(deviceName))
        {
            device = await db.Devices.FirstOrDefaultAsync(d => d.Name == deviceName, cancellationToken);
            if (device is null)
                return AdminResult<IReadOnlyList<NewBootstrapToken>>.NotFound($"No device is named '{deviceName}'.");
        }

        Guid? profileId = null;
        if (!string.IsNullOrWhiteSpace(request.ProfileName))
        {
            profileId = await db.EnrollmentProfiles.Where(p => p.Name == request.ProfileName).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
            if (profileId is null)
                return AdminResult<IReadOnlyList<NewBootstrapToken>>.NotFound($"No profile is named '{request.ProfileName}'.");
        }

        var now = time.GetUtcNow();
        var issued = new List<NewBootstrapToken>(count);
        for (var i = 0; i < count; i++)
        {
            var token = DeviceSecrets.Generate();
            var entity = new BootstrapToken
            {
                Id = Guid.NewGuid(),
                TokenHash = DeviceSecrets.Hash(token),
                DeviceId = device?.Id,
                ProfileId = profileId,
                SubjectPattern = string.IsNullOrWhiteSpace(request.SubjectPattern) ? null : request.SubjectPattern,
                Note = note,
                CreatedBy = actor,
                CreatedAt = now,
                ExpiresAt = now + lifetime,
            };
            db.BootstrapTokens.Add(entity);
            audit.Stage(db, new AuditRecord(AuditEventTypes.TokenIssued, true, actor, DeviceId: device?.Id,
                Details: $"token {entity.Id} expires {entity.ExpiresAt:u}" + (device is null ? "" : $" for device '{device.Name}'")));
            issued.Add(new NewBootstrapToken(entity.Id, token, entity.ExpiresAt, device?.Name));
        }
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult<IReadOnlyList<NewBootstrapToken>>.Ok(issued);
    }

    /// <summary>Revokes an unused token; a used or already revoked one cannot be.</summary>
    public async Task<AdminResult<Guid>> RevokeAsync(Guid tokenId, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var changed = await db.BootstrapTokens.Where(t => t.Id == tokenId && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        if (changed != 1)
            return AdminResult<Guid>.Conflict("The token is unknown, already used or already revoked.");
        await audit.RecordAsync(new AuditRecord(AuditEventTypes.TokenRevoked, true, actor, Details: $"token {tokenId}"), cancellationToken);
        return AdminResult<Guid>.Ok(tokenId);
    }

    public async Task<IReadOnlyList<BootstrapTokenSummary>> ListAsync(int take = 200, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.BootstrapTokens.AsNoTracking()
            .OrderByDescending(t => t.CreatedAt).Take(take)
            .Select(t => new BootstrapTokenSummary(t.Id, t.Device != null ? t.Device.Name : null, t.Note, t.CreatedAt, t.ExpiresAt,
                t.UsedAt, t.UsedForSerial, t.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>One page of tokens in one state, newest first (the CreatedAt index orders them).</summary>
    public async Task<(IReadOnlyList<BootstrapTokenRow> Items, int Total)> ListPageAsync(
        TokenStateFilter state, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var query = InState(db.BootstrapTokens.AsNoTracking(), state, now);
        var total = await query.CountAsync(cancellationToken);
        var items = await ToRows(db, query.OrderByDescending(t => t.CreatedAt).Skip(skip).Take(take)).ToListAsync(cancellationToken);
        return (items, total);
    }

    internal static IQueryable<BootstrapToken> InState(IQueryable<BootstrapToken> query, TokenStateFilter state, DateTimeOffset now) => state switch
    {
        TokenStateFilter.Unused => query.Where(t => t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now),
        TokenStateFilter.Used => query.Where(t => t.UsedAt != null),
        TokenStateFilter.Expired => query.Where(t => t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt <= now),
        TokenStateFilter.Revoked => query.Where(t => t.RevokedAt != null),
        _ => query,
    };

    internal static IQueryable<BootstrapTokenRow> ToRows(EstPortalDbContext db, IQueryable<BootstrapToken> query) =>
        query.Select(t => new BootstrapTokenRow(t.Id, t.Device != null ? t.Device.Name : null, t.Note,
            db.EnrollmentProfiles.Where(p => p.Id == t.ProfileId).Select(p => p.Name).FirstOrDefault(), t.SubjectPattern,
            t.CreatedBy, t.CreatedAt, t.ExpiresAt, t.UsedAt, t.UsedForSerial, t.UsedFromIp, t.RevokedAt));

    /// <summary>Parses "90s", "15m", "1h", "7d" (the CLI's --ttl and the portal's field).</summary>
    public static bool TryParseLifetime(string? text, out TimeSpan lifetime)
    {
        lifetime = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
            return false;
        if (!int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
            return false;
        lifetime = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return lifetime > TimeSpan.Zero;
    }
}
