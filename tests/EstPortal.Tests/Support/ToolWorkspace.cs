using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace EstPortal.Tests.Support;

/// <summary>
/// A scratch directory for one test that drives command-line tools: keys, requests, certificates and HTTP
/// transcripts live here as files, the way an installer's script would keep them. Deleted on dispose.
/// </summary>
public sealed partial class ToolWorkspace : IDisposable
{
    public ToolWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "estportal-tools-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string fileName) => Path.Combine(Root, fileName);

    public string Write(string fileName, string text)
    {
        var path = PathOf(fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public string Write(string fileName, byte[] bytes)
    {
        var path = PathOf(fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string ReadText(string fileName) => File.ReadAllText(PathOf(fileName));

    /// <summary>The CA certificate as the PEM file a device would be given (or fetch from /cacerts).</summary>
    public string WriteCaPem(X509Certificate2 ca, string fileName = "ca.pem") => Write(fileName, ca.ExportCertificatePem() + "\n");

    /// <summary>Every PEM certificate in a tool's output, in order.</summary>
    public static IReadOnlyList<X509Certificate2> ReadPemCertificates(string text) =>
        PemCertificate().Matches(text).Select(m => X509Certificate2.CreateFromPem(m.Value)).ToList();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A tool still finishing; the OS temp cleaner will take it.
        }
    }

    [GeneratedRegex("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+?-----END CERTIFICATE-----")]
    private static partial Regex PemCertificate();
}
