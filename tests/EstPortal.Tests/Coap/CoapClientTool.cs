using EstPortal.Tests.Support;

namespace EstPortal.Tests.Coap;

/// <summary>
/// libcoap's command-line client (coap-client-openssl / coap-client-gnutls). It exits 0 even when the server answers
/// 4.xx, so tests read what it wrote: the payload file (-o) and its stdout/stderr, where it prints a non-2.xx code and
/// diagnostic payload.
/// </summary>
public static class CoapClientTool
{
    public const string OpenSsl = "coap-client-openssl";
    public const string GnuTls = "coap-client-gnutls";

    public sealed record Answer(byte[]? Payload, string Output)
    {
        /// <summary>True when the client printed this response code (e.g. "4.15").</summary>
        public bool Says(string code) => Output.Contains(code, StringComparison.Ordinal);
    }

    /// <summary>Runs one request; <paramref name="extra"/> holds -m, -t, -A, -b, -f ... as the test wants.</summary>
    public static async Task<Answer> RunAsync(string tool, ToolWorkspace dir, string url, DeviceFiles? device, string caPem, params string[] extra)
    {
        var output = dir.PathOf($"out-{Guid.NewGuid():N}.bin");
        var arguments = new List<string>();
        if (device is not null)
            arguments.AddRange(["-c", device.CertificatePath, "-j", device.KeyPath]);
        arguments.AddRange(["-C", caPem, "-B", "20", "-o", output]);
        arguments.AddRange(extra);
        arguments.Add(url);
        var result = await ExternalTool.RunAsync(tool, arguments, stdin: null, TimeSpan.FromSeconds(60));
        var payload = File.Exists(output) ? await File.ReadAllBytesAsync(output) : null;
        return new Answer(payload is { Length: > 0 } ? payload : null, result.Stdout + result.Stderr);
    }
}
