using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Issues the TLS server certificate for the EST and portal endpoints from one of our CAs, so devices that trust
/// the CA (from /cacerts) can also authenticate the server (RFC 7030 §3.6.1).
/// </summary>
public sealed class TlsServerCertificateFactory
{
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(365);

    // Always present so local tools and health checks can reach the server whatever the configured names are.
    private static readonly string[] AlwaysIncluded = ["localhost", "127.0.0.1", "::1"];

    // UseStd3AsciiRules: letters, digits and hyphens only, no leading or trailing hyphen (RFC 1123 §2.1).
    private static readonly IdnMapping DnsNames = new() { UseStd3AsciiRules = true };

    private readonly CertificateIssuer _issuer;

    public TlsServerCertificateFactory(CertificateIssuer issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        _issuer = issuer;
    }

    /// <param name="hostNames">DNS names and IP literals clients use to reach the server; the first becomes the CN.</param>
    /// <returns>A certificate with its private key, usable by Kestrel.</returns>
    /// <exception cref="ArgumentException">A host name is not a valid DNS name.</exception>
    /// <exception cref="IssuanceRefusedException">The CA cannot issue (e.g. it has expired).</exception>
    public X509Certificate2 Create(ICaSigner ca, IEnumerable<string> hostNames)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(hostNames);

        var names = Normalize(hostNames);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(names[0]);

        var subjectAltNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (TryParseIpLiteral(name, out var address))
            {
                subjectAltNames.AddIpAddress(address);
            }
            else
            {
                AddDnsName(subjectAltNames, name);
            }
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var issued = _issuer.Issue(ca, new IssuanceRequest(
            csr,
            csr.SubjectName,
            [subjectAltNames.Build()],
            DefaultValidity,
            CertificatePurpose.ServerAuth));

        using var publicOnly = issued.Certificate;
        using var withKey = publicOnly.CopyWithPrivateKey(key);

        // A PKCS#12 round trip gives a key that is not tied to the ephemeral ECDsa object above; SslStream on Linux
        // needs that. Exportable so the caller can persist it.
        return X509CertificateLoader.LoadPkcs12(
            withKey.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);
    }

    private static List<string> Normalize(IEnumerable<string> hostNames)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in hostNames.Concat(AlwaysIncluded))
        {
            var name = raw?.Trim() ?? string.Empty;

            // "[::1]" as written in URLs.
            if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
            {
                name = name[1..^1];
            }

            // Kestrel's "listen on everything" forms are bind addresses, not names a client connects to.
            if (name.Length == 0 || name is "*" or "+" or "0.0.0.0" or "::")
            {
                continue;
            }

            if (TryParseIpLiteral(name, out var address))
            {
                name = address.ToString();
            }

            if (seen.Add(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    // IPAddress.TryParse also accepts shorthand such as "10.1" or "42", which are better read as host names.
    private static bool TryParseIpLiteral(string name, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var looksLikeIp = name.Contains(':', StringComparison.Ordinal) || name.Count(c => c == '.') == 3;
        return looksLikeIp && IPAddress.TryParse(name, out address);
    }

    // SubjectAlternativeNameBuilder accepts any string; a name a TLS client can never match is a configuration
    // mistake worth reporting at start-up. RFC 5280 §4.2.1.6: dNSName in preferred name syntax (RFC 1034 §3.5),
    // internationalised names as A-labels; a leading "*." wildcard label is allowed (RFC 6125 §6.4.3).
    private static void AddDnsName(SubjectAlternativeNameBuilder builder, string name)
    {
        var withoutWildcard = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
        string ascii;
        try
        {
            ascii = DnsNames.GetAscii(withoutWildcard.TrimEnd('.'));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"'{name}' is not a valid DNS name", nameof(name), ex);
        }

        if (ascii.Length > 253 || ascii.Split('.').Any(label => label.Length is 0 or > 63))
        {
            throw new ArgumentException($"'{name}' is not a valid DNS name", nameof(name));
        }

        builder.AddDnsName(name);
    }
}
