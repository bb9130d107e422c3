using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Components.Account;

/// <summary>
/// Start-up step: encrypts every TOTP authenticator key and recovery-code list still stored in clear (written before
/// <see cref="OperatorUserStore"/> protected them), so an upgraded database keeps no clear two-factor secret and its
/// operators keep signing in with the authenticator they already have.
/// </summary>
public sealed class TwoFactorSecretsAtRest(
    IDbContextFactory<EstPortalDbContext> contexts,
    TwoFactorSecretProtector protector,
    ILogger<TwoFactorSecretsAtRest> logger)
{
    /// <summary>Protects clear values; returns how many it protected (0 on every start after the first).</summary>
    public async Task<int> ProtectClearValuesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var tokens = await db.UserTokens
            .Where(t => t.LoginProvider == TwoFactorSecretProtector.IdentityLoginProvider
                && (t.Name == TwoFactorSecretProtector.AuthenticatorKeyName || t.Name == TwoFactorSecretProtector.RecoveryCodesName))
            .ToListAsync(cancellationToken);
        var clear = tokens.Where(t => t.Value is not null && !TwoFactorSecretProtector.IsProtected(t.Value)).ToList();
        if (clear.Count == 0)
            return 0;

        foreach (var token in clear)
            token.Value = protector.Protect(token.Value!);
        var sqlite = db.Database.IsSqlite();
        if (sqlite)
        {
            // Zero the clear bytes the update frees instead of leaving them in the page's free space. The setting
            // belongs to the (pooled) connection, so it is switched off again for whoever uses it next.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = ON;", cancellationToken);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            if (sqlite)
            {
                // The clear values may also sit in the write-ahead log: copy it into the database and empty it.
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
            }
        }
        finally
        {
            if (sqlite)
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = OFF;", CancellationToken.None);
        }
        logger.LogInformation("Encrypted {Count} two-factor secrets that an earlier version stored in clear", clear.Count);
        return clear.Count;
    }
}
