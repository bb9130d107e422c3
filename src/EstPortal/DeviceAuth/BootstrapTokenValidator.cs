using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.DeviceAuth;

/// <summary>
/// Checks a presented bootstrap token. This only looks: the token is spent by <see cref="TryRedeemAsync"/>, in the
/// same transaction that records the certificate, so a request that fails before issuance does not burn it.
/// </summary>
public sealed class BootstrapTokenValidator(IDbContextFactory<EstPortalDbContext> contexts, TimeProvider time)
{
    public async Task<DeviceAuthResult> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        var hash = DeviceSecrets.Hash(presented);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Tokens carry 256 random bits, so looking one up by its hash reveals nothing an attacker can use.
        var token = await db.BootstrapTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Select(t => new { t.Id, t.TokenHash, t.UsedAt, t.RevokedAt, t.ExpiresAt, t.DeviceId, t.ProfileId, t.SubjectPattern, DeviceName = t.Device != null ? t.Device.Name : null, DevicePatterns = t.Device != null ? t.Device.SubjectAltNamePatterns : null, DeviceDisabled = t.Device != null && t.Device.Disabled,
                t.AttestedKeySha256, t.TpmEkIssuer, t.TpmEkSerialNumber, t.TpmEkSha256 })
            .FirstOrDefaultAsync(cancellationToken);
        if (token is null || !DeviceSecrets.Matches(presented, token.TokenHash))
            return DeviceAuthResult.NotRecognised;

        var actor = $"token:{token.Id}";
        if (token.UsedAt is not null)
            return DeviceAuthResult.Refused("the bootstrap token has already been used", actor, forbidden: false);
        if (token.RevokedAt is not null)
            return DeviceAuthResult.Refused("the bootstrap token has been revoked", actor, forbidden: false);
        if (token.ExpiresAt <= time.GetUtcNow())
            return DeviceAuthResult.Refused("the bootstrap token has expired", actor, forbidden: false);
        if (token.DeviceDisabled)
            return DeviceAuthResult.Refused($"device '{token.DeviceName}' is disabled", actor);

        return DeviceAuthResult.Success(new EstCaller(EstCallerKind.BootstrapToken, actor, token.DeviceId, token.DeviceName, TokenId: token.Id,
            TokenProfileId: token.ProfileId, TokenSubjectPattern: token.SubjectPattern, DeviceSubjectAltNamePatterns: token.DevicePatterns,
            AttestedKey: token.AttestedKeySha256 is null ? null
                : new TpmAttestedKey(token.AttestedKeySha256, token.TpmEkIssuer ?? "", token.TpmEkSerialNumber ?? "", token.TpmEkSha256 ?? "")));
    }

    /// <summary>
    /// Spends the token: one conditional update (unused, unrevoked, unexpired) that must touch exactly one row.
    /// With many requests at once, or several instances on one database, exactly one wins.
    /// </summary>
    public async Task<bool> TryRedeemAsync(EstPortalDbContext db, Guid tokenId, string serial, string? clientIp, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await db.BootstrapTokens
            .Where(t => t.Id == tokenId && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.UsedAt, now)
                .SetProperty(t => t.UsedForSerial, serial)
                .SetProperty(t => t.UsedFromIp, clientIp), cancellationToken);
        return rows == 1;
    }
}
