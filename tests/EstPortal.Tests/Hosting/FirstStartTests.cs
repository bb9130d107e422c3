using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Data;
using EstPortal.Hosting;
using EstPortal.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EstPortal.Tests.Hosting;

/// <summary>What a fresh machine gets on first start, and what a restart keeps (issue: "Later starts reuse all of it").</summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task FirstStart_CreatesCaTlsCertificateAndSetupCode_AndRestartReusesThem()
    {
        string dataDirectory;
        string caThumbprint;
        string tlsThumbprint;
        using (var first = EstPortalHost.Create())
        {
            await first.InitializeAsync();
            first.KeepDataDirectory = true;
            dataDirectory = first.DataDirectory;
            caThumbprint = first.CaCertificate.Thumbprint;
            Assert.Equal("CN=EstPortal Root CA", first.CaCertificate.Subject);
            Assert.True(first.Services.GetRequiredService<FirstAdminSetup>().IsOpen);
            tlsThumbprint = (await ServerCertificateAsync(first.EstPort)).Thumbprint;
            Assert.Equal(tlsThumbprint, (await ServerCertificateAsync(first.PortalPort)).Thumbprint);
            Assert.True(File.Exists(first.DatabasePath));
            await first.AddOperatorAsync("admin@example.com", "Admin");
        }

        using var second = EstPortalHost.Create(dataDirectory);
        await second.InitializeAsync();
        Assert.Equal(caThumbprint, second.CaCertificate.Thumbprint);
        var tls = await ServerCertificateAsync(second.EstPort);
        Assert.Equal(tlsThumbprint, tls.Thumbprint);
        Assert.True(second.ChainsToCa(tls));
        var san = tls.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.Contains("127.0.0.1", san.EnumerateIPAddresses().Select(ip => ip.ToString()));
        // An Admin exists now, so no setup code is offered on this start.
        Assert.False(second.Services.GetRequiredService<FirstAdminSetup>().IsOpen);
        await using var db = await second.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.CertificateAuthorities.CountAsync());
    }

    [Fact]
    public async Task CaKeyAndKeyRing_AreEncryptedAtRest()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<EstPortalDbContext>>().CreateDbContextAsync();

        var ca = await db.CertificateAuthorities.SingleAsync();
        // The stored key is a Data Protection payload, not a PKCS#8 structure anyone could import.
        using var probe = System.Security.Cryptography.ECDsa.Create();
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => probe.ImportPkcs8PrivateKey(ca.ProtectedPrivateKey, out _));
        // The key ring that protects it is itself encrypted to the key-encryption key (no clear <masterKey>).
        var ring = await db.DataProtectionKeys.ToListAsync();
        Assert.NotEmpty(ring);
        Assert.All(ring, key =>
        {
            Assert.Contains("EncryptedData", key.Xml);
            Assert.DoesNotContain("<value>", key.Xml);
        });
        // The TLS private key on disk is protected too.
        var tlsFile = Directory.GetFiles(host.DataDirectory, "*.protected", SearchOption.AllDirectories).Single();
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => X509CertificateLoader.LoadPkcs12(File.ReadAllBytes(tlsFile), null));
    }

    [Fact]
    public async Task KeyEncryptionKeyInsideTheDataDirectory_IsCreatedOwnerOnly()
    {
        using var host = EstPortalHost.Create();
        await host.InitializeAsync();

        var kek = Path.Combine(host.DataDirectory, "keys", "key-encryption-key.pfx");
        Assert.True(File.Exists(kek));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kek));
    }

    [Fact]
    public async Task KeyEncryptionKeyPath_CanLiveOutsideTheDataDirectory()
    {
        var secretDirectory = Path.Combine(Path.GetTempPath(), "estportal-kek-" + Guid.NewGuid().ToString("N")[..8]);
        var kek = Path.Combine(secretDirectory, "kek.pfx");
        try
        {
            using var host = EstPortalHost.Create(extraSettings: new() { ["EstPortal:KeyEncryptionKeyPath"] = kek });
            await host.InitializeAsync();

            Assert.True(File.Exists(kek));
            Assert.Empty(Directory.GetFiles(host.DataDirectory, "*.pfx", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(secretDirectory, recursive: true);
        }
    }

    private static async Task<X509Certificate2> ServerCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        // Trust is asserted by the caller (ChainsToCa); here we only want to see which certificate is served.
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) => certificate is not null);
        await tls.AuthenticateAsClientAsync("localhost");
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
