using System.Security.Cryptography.X509Certificates;
using EstPortal.Tests.Support;

namespace EstPortal.Tests.Pki;

/// <summary>A temporary directory to hand files to openssl, removed on dispose.</summary>
internal sealed class OpenSslScratch : IDisposable
{
    public OpenSslScratch() => Directory = System.IO.Directory.CreateTempSubdirectory("estportal-openssl-").FullName;

    public string Directory { get; }

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public string WriteBytes(string name, byte[] content)
    {
        File.WriteAllBytes(Path(name), content);
        return Path(name);
    }

    public string WritePem(string name, X509Certificate2 certificate)
    {
        File.WriteAllText(Path(name), certificate.ExportCertificatePem());
        return Path(name);
    }

    /// <summary>Runs openssl in this directory; relative file names in <paramref name="arguments"/> resolve here.</summary>
    public Task<ToolResult> RunAsync(params string[] arguments) =>
        ExternalTool.RunAsync("openssl", arguments, new Dictionary<string, string?>(), Directory, null, ExternalTool.DefaultTimeout);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
