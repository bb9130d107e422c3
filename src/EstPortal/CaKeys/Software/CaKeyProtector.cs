using Microsoft.AspNetCore.DataProtection;

namespace EstPortal.CaKeys.Software;

/// <summary>
/// Encrypts CA private keys (PKCS#8) at rest with ASP.NET Core Data Protection. The purpose string isolates these
/// payloads from every other protector in the app; bump its version only together with a migration of stored keys.
/// </summary>
public sealed class CaKeyProtector
{
    public const string Purpose = "EstPortal.Pki.CaPrivateKey.v1";

    private readonly IDataProtector _protector;

    public CaKeyProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    /// <summary>Encrypts a PKCS#8 private key. The caller still owns (and should zero) <paramref name="pkcs8"/>.</summary>
    public byte[] Protect(byte[] pkcs8)
    {
        ArgumentNullException.ThrowIfNull(pkcs8);
        return _protector.Protect(pkcs8);
    }

    /// <summary>
    /// Decrypts to the clear PKCS#8 key. The caller owns the returned buffer and must zero it
    /// (<c>CryptographicOperations.ZeroMemory</c>) once the key is imported.
    /// </summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The payload is damaged or its key is not in the key ring.</exception>
    public byte[] Unprotect(byte[] protectedBytes)
    {
        ArgumentNullException.ThrowIfNull(protectedBytes);
        return _protector.Unprotect(protectedBytes);
    }
}
