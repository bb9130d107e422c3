using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Transport;

/// <summary>
/// Reads the device certificate a TLS-terminating proxy forwards in a header. Three shapes are seen in practice:
/// URL-encoded PEM (nginx <c>$ssl_client_escaped_cert</c>, HAProxy and AWS ALB do the same), Envoy's
/// <c>x-forwarded-client-cert</c> whose <c>Cert="…"</c> element is URL-encoded PEM, and URL-encoded base64 DER without
/// PEM armour (Traefik). The proxy verified the device's possession of the key in its own handshake; whether the
/// certificate authenticates anybody is decided afterwards exactly as for a direct TLS client certificate.
/// </summary>
public static class ForwardedClientCertificate
{
    /// <summary>Longest header value read: a certificate chain a device could present is far below this.</summary>
    public const int MaxLength = 32 * 1024;

    /// <returns>The certificate, or null when the header is empty (nginx sends an empty value when the device presented none).</returns>
    /// <exception cref="FormatException">The value is not a certificate in any of the shapes above.</exception>
    public static X509Certificate2? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (value.Length > MaxLength)
            throw new FormatException($"the value is longer than {MaxLength} characters");

        var encoded = XfccCertElement(value) ?? value.Trim();
        if (encoded.Length == 0)
            return null;
        string decoded;
        try
        {
            // Uri.UnescapeDataString keeps '+' (a base64 character), unlike form decoding, which would turn it into a space.
            decoded = Uri.UnescapeDataString(encoded).Trim();
        }
        catch (UriFormatException ex)
        {
            throw new FormatException("the value is not URL-encoded", ex);
        }

        try
        {
            if (decoded.StartsWith("-----BEGIN", StringComparison.Ordinal))
                return X509Certificate2.CreateFromPem(decoded);
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(decoded));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            throw new FormatException("the value is not a PEM or base64 DER X.509 certificate", ex);
        }
    }

    /// <summary>
    /// Envoy's XFCC: elements separated by ',' (one per proxy hop), each a ';'-separated list of key=value pairs whose
    /// values may be quoted. Only one element is accepted: with several, which one the device sent is a matter of
    /// each hop's configuration (an edge proxy set to APPEND_FORWARD passes on whatever the client wrote), so the
    /// edge must replace the header (SANITIZE_SET). Null when the value is not in XFCC form.
    /// </summary>
    private static string? XfccCertElement(string value)
    {
        if (!value.Contains("Cert=", StringComparison.OrdinalIgnoreCase))
            return null;
        var elements = SplitOutsideQuotes(value, ',');
        if (elements.Count != 1)
            throw new FormatException($"x-forwarded-client-cert has {elements.Count} elements; the proxy facing devices must replace the header (Envoy: forward_client_cert_details SANITIZE_SET), not append to it");
        foreach (var pair in SplitOutsideQuotes(elements[0], ';'))
        {
            var equals = pair.IndexOf('=');
            if (equals < 0 || !pair[..equals].Trim().Equals("Cert", StringComparison.OrdinalIgnoreCase))
                continue;
            return pair[(equals + 1)..].Trim().Trim('"');
        }
        return null;
    }

    private static List<string> SplitOutsideQuotes(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
                quoted = !quoted;
            else if (value[i] == separator && !quoted)
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }
        parts.Add(value[start..]);
        return parts;
    }
}
