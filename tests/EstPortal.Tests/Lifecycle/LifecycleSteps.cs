using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Admin;
using EstPortal.Tests.Support;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using X509Extension = System.Security.Cryptography.X509Certificates.X509Extension;

namespace EstPortal.Tests.Lifecycle;

/// <summary>A device that enrolled over EST, with the key it holds.</summary>
public sealed record EnrolledDevice(NewDevice Device, TestCsr Csr, X509Certificate2 Certificate)
{
    public string Serial => Certificate.SerialNumber;
}

/// <summary>What the lifecycle tests do again and again: enroll over EST, re-enroll, run a tool, fetch over plain HTTP.</summary>
internal static class LifecycleSteps
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    public static async Task<EnrolledDevice> EnrollAsync(EstPortalHost host, string namePrefix)
    {
        var device = await host.AddDeviceAsync(namePrefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        var csr = TestCsr.Create("CN=" + device.Name);
        using var client = host.CreateEstClient();
        using var response = await EstCalls.PostAsync(client, "/.well-known/est/simpleenroll", csr.Base64, EstCalls.Basic(device.Name, device.Secret));
        return new EnrolledDevice(device, csr, await EstResponses.ReadIssuedCertificateAsync(response));
    }

    /// <summary>RFC 7030 §4.2.2: simplereenroll authenticated by the current certificate as TLS client certificate.</summary>
    public static async Task<HttpResponseMessage> ReenrollAsync(EstPortalHost host, EnrolledDevice enrolled)
    {
        using var client = host.CreateEstClient(enrolled.Csr.WithPrivateKey(enrolled.Certificate));
        return await EstCalls.PostAsync(client, "/.well-known/est/simplereenroll", TestCsr.Create("CN=" + enrolled.Device.Name).Base64, auth: null);
    }

    public static HttpClient PlainHttpClient(string baseUrl) => new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };

    public static Task<ToolResult> RunAsync(ToolWorkspace dir, string tool, params string[] arguments) =>
        ExternalTool.RunAsync(tool, arguments, new Dictionary<string, string?>(), dir.Root, null, ToolTimeout);

    public static string Output(ToolResult result) => $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}";

    /// <summary>The URIs of the CRL Distribution Points extension (RFC 5280 §4.2.1.13).</summary>
    public static IReadOnlyList<string> CrlDistributionPoints(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509Extension>().Where(e => e.Oid?.Value == "2.5.29.31")
            .SelectMany(e => CrlDistPoint.GetInstance(Asn1Object.FromByteArray(e.RawData)).GetDistributionPoints())
            .SelectMany(p => GeneralNames.GetInstance(p.DistributionPointName.Name).GetNames())
            .Where(n => n.TagNo == GeneralName.UniformResourceIdentifier)
            .Select(n => DerIA5String.GetInstance(n.Name).GetString()).ToList();

    public static X509AuthorityInformationAccessExtension AuthorityInformationAccess(X509Certificate2 certificate) =>
        Assert.Single(certificate.Extensions.OfType<X509AuthorityInformationAccessExtension>());

    /// <summary>`openssl crl -inform DER -in X.der -noout -crlnumber` prints "crlNumber=0x1A".</summary>
    public static async Task<long> CrlNumberAsync(ToolWorkspace dir, FetchedFile crl)
    {
        Assert.Equal(200, crl.Status);
        var printed = await RunAsync(dir, "openssl", "crl", "-inform", "DER", "-in", crl.Path, "-noout", "-crlnumber");
        Assert.True(printed.ExitCode == 0, Output(printed));
        return Convert.ToInt64(printed.Stdout.Trim().Split('=')[1].Replace("0x", "", StringComparison.OrdinalIgnoreCase), 16);
    }

    /// <summary>`curl -sS -D NAME.headers -o NAME.der URL`, as a relying party's fetch script would.</summary>
    public static async Task<FetchedFile> CurlAsync(ToolWorkspace dir, string name, string url)
    {
        var result = await RunAsync(dir, "curl", "-sS", "--http1.1", "-D", dir.PathOf(name + ".headers"), "-o", dir.PathOf(name + ".der"), url);
        Assert.True(result.ExitCode == 0, Output(result));
        var headerLines = File.ReadAllLines(dir.PathOf(name + ".headers")).Where(l => l.Length > 0).ToList();
        var status = int.Parse(headerLines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = headerLines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToLookup(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new FetchedFile(status, headers, dir.PathOf(name + ".der"));
    }
}

internal sealed record FetchedFile(int Status, ILookup<string, string> Headers, string Path)
{
    public string? Header(string name) => Headers[name].FirstOrDefault();
    public byte[] Bytes => File.ReadAllBytes(Path);
    public MediaTypeHeaderValue? MediaType => Header("Content-Type") is { } value ? MediaTypeHeaderValue.Parse(value) : null;
}
