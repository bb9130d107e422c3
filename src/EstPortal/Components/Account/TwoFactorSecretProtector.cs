using Microsoft.AspNetCore.DataProtection;

namespace EstPortal.Components.Account;

/// <summary>
/// Encrypts an operator's TOTP authenticator key and recovery codes at rest with ASP.NET Core Data Protection, as
/// CA keys are (<see cref="EstPortal.Pki.CaKeyProtector"/>): a copy of the database alone no longer lets anyone
/// compute an operator's codes. Identity keeps both in its user-token table under its own login provider; a stored
/// value carries <see cref="Prefix"/> so a value written in clear by an older version is recognised and protected at
/// start-up (<see cref="TwoFactorSecretsAtRest"/>). The purpose string isolates these payloads from every other
/// protector; bump its version only together with a migration of stored values.
/// </summary>
public sealed class TwoFactorSecretProtector
{
    public const string Purpose = "EstPortal.Identity.TwoFactorSecret.v1";

    /// <summary>Marks a protected value. A base32 key or recovery codes never contain a colon, so clear values cannot carry it.</summary>
    public const string Prefix = "dp1:";

    /// <summary>Identity's own login provider and token names for these secrets (constants of Identity's UserStoreBase).</summary>
    public const string IdentityLoginProvider = "[AspNetUserStore]";
    public const string AuthenticatorKeyName = "AuthenticatorKey";
    public const string RecoveryCodesName = "RecoveryCodes";

    private readonly IDataProtector _protector;

    public TwoFactorSecretProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    /// <summary>Whether a user token is one of the two-factor secrets this class protects.</summary>
    public static bool IsTwoFactorSecret(string loginProvider, string name) =>
        loginProvider == IdentityLoginProvider && name is AuthenticatorKeyName or RecoveryCodesName;

    public static bool IsProtected(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(string value) => Prefix + _protector.Protect(value);

    /// <summary>The clear value; a value still in clear (written before this protection existed) is returned as it is.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The payload is damaged or its key is not in the key ring.</exception>
    public string Unprotect(string stored) => IsProtected(stored) ? _protector.Unprotect(stored[Prefix.Length..]) : stored;
}
