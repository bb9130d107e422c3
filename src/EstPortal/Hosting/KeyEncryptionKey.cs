using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Hosting;

/// <summary>
/// The key that encrypts the Data Protection key ring stored in the database. Without it, a copy of the database
/// alone reveals no CA key. Generated on first start when missing; kept as a PKCS#12 file readable only by the owner.
/// </summary>
internal static class KeyEncryptionKey
{
    public static X509Certificate2 LoadOrCreate(string path, TimeProvider time)
    {
        if (File.Exists(path))
            return X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.EphemeralKeySet);

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=EstPortal key-encryption key", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(100));
        var pfx = certificate.Export(X509ContentType.Pkcs12);
        // Written aside and moved into place: two processes starting on a fresh data directory (the server and an
        // admin command) must end up with one complete key, never a half-written or a replaced one.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        WriteOwnerOnly(temporary, pfx);
        CryptographicOperations.ZeroMemory(pfx);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.EphemeralKeySet);
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
