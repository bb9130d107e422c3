using System.Xml.Linq;
using EstPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace EstPortal.Hosting;

/// <summary>
/// Checks, before Data Protection is first used, that this instance's key-encryption key is the one the database's
/// key ring was encrypted to. Data Protection itself would treat every key it cannot decrypt as ineligible and
/// quietly add a new key to the shared ring, encrypted to the wrong certificate: the other instances would then meet
/// a default key they cannot read. With several instances on PostgreSQL that is the classic mistake (a new instance
/// started without the shared key file), so it stops the instance with a message instead.
/// </summary>
public sealed class KeyRingCompatibility(IDbContextFactory<EstPortalDbContext> contexts, KeyEncryptionKeyLocation kek)
{
    private static readonly XNamespace XmlDsig = "http://www.w3.org/2000/09/xmldsig#";

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(cancellationToken);
        if (!CanRead(keys, kek.Certificate))
            throw new KeyEncryptionKeyMismatchException(kek.Path, keys.Count);
    }

    /// <summary>
    /// True when the key ring is empty (a fresh database) or at least one of its keys is encrypted to this
    /// key-encryption key's certificate. Also asked of a backup before it replaces a database (ADR 0019).
    /// </summary>
    public static bool CanRead(IReadOnlyCollection<string?> keyRingXml, byte[] keyEncryptionKeyCertificate)
    {
        var ours = Convert.ToBase64String(keyEncryptionKeyCertificate);
        return keyRingXml.Count == 0 || keyRingXml.Any(xml => xml is not null && EncryptedTo(xml).Contains(ours));
    }

    /// <summary>The certificates a key's secret is encrypted to (EncryptedXml's X509Data); none for unparsable XML.</summary>
    private static IReadOnlyList<string> EncryptedTo(string xml)
    {
        try
        {
            return XElement.Parse(xml).Descendants(XmlDsig + "X509Certificate").Select(e => string.Concat(e.Value.Where(c => !char.IsWhiteSpace(c)))).ToList();
        }
        catch (System.Xml.XmlException)
        {
            return [];
        }
    }
}

/// <summary>The key ring in the database was encrypted with another key-encryption key than this instance holds.</summary>
public sealed class KeyEncryptionKeyMismatchException(string path, int keys) : Exception(
    $"The key-encryption key {path} cannot decrypt any of the {keys} Data Protection keys in the database, so CA keys and " +
    "sign-ins would be unusable here. Every instance on one database needs the same key-encryption key file: copy it " +
    "from the instance that created the database (or mount the shared secret) and set EstPortal:KeyEncryptionKeyPath.");
