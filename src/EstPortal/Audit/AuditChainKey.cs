using System.Security.Cryptography;
using EstPortal.Data.Entities;
using Microsoft.AspNetCore.DataProtection;

namespace EstPortal.Audit;

/// <summary>The chain's HMAC key, kept in the head row encrypted with Data Protection; decrypted once per process.</summary>
public sealed class AuditChainKey(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("EstPortal.Audit.ChainKey.v1");
    private readonly Lock _gate = new();
    private byte[]? _protectedCache;
    private byte[]? _keyCache;

    /// <summary>
    /// A new protected key. Call it outside any database transaction: the first Protect may create the Data
    /// Protection key ring, which is written to the same database.
    /// </summary>
    public byte[] CreateProtectedKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            return _protector.Protect(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The key of <paramref name="head"/>; start-up (<see cref="AuditChainSealer"/>) gives every head one.</summary>
    public byte[] For(AuditChainHead head)
    {
        if (head.ProtectedKey is null)
            throw new InvalidOperationException("The audit chain has no key yet; start-up initializes it before anything is audited.");

        lock (_gate)
        {
            if (_protectedCache is not null && _protectedCache.AsSpan().SequenceEqual(head.ProtectedKey))
                return _keyCache!;
            _keyCache = _protector.Unprotect(head.ProtectedKey);
            _protectedCache = head.ProtectedKey;
            return _keyCache;
        }
    }
}
