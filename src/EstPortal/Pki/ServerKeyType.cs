using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>Whether a server-generated key is an EC or an RSA key.</summary>
public enum ServerKeyFamily
{
    Ec = 0,
    Rsa,
}

/// <summary>
/// A key type the server generates for /serverkeygen (RFC 7030 §4.4). Written as "EC-P256", "EC-P384", "RSA-2048",
/// "RSA-3072" or "RSA-4096" in configuration and policies; <see cref="ToString"/> gives back that same text.
/// </summary>
public sealed record ServerKeyType
{
    public static readonly ServerKeyType EcP256 = new("EC-P256", ServerKeyFamily.Ec, 256);
    public static readonly ServerKeyType EcP384 = new("EC-P384", ServerKeyFamily.Ec, 384);
    public static readonly ServerKeyType Rsa2048 = new("RSA-2048", ServerKeyFamily.Rsa, 2048);
    public static readonly ServerKeyType Rsa3072 = new("RSA-3072", ServerKeyFamily.Rsa, 3072);
    public static readonly ServerKeyType Rsa4096 = new("RSA-4096", ServerKeyFamily.Rsa, 4096);

    private ServerKeyType(string name, ServerKeyFamily family, int size)
    {
        Name = name;
        Family = family;
        Size = size;
    }

    public static IReadOnlyList<ServerKeyType> All { get; } = [EcP256, EcP384, Rsa2048, Rsa3072, Rsa4096];

    /// <summary>Canonical text form, e.g. "EC-P256".</summary>
    public string Name { get; }

    public ServerKeyFamily Family { get; }

    /// <summary>Curve size in bits for EC, modulus length in bits for RSA.</summary>
    public int Size { get; }

    /// <summary>Case-insensitive; surrounding whitespace is ignored.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ServerKeyType? type)
    {
        var trimmed = text?.Trim();
        type = All.FirstOrDefault(t => string.Equals(t.Name, trimmed, StringComparison.OrdinalIgnoreCase));
        return type is not null;
    }

    /// <exception cref="FormatException">The text names no supported key type.</exception>
    public static ServerKeyType Parse(string text) =>
        TryParse(text, out var type)
            ? type
            : throw new FormatException(
                $"'{text}' is not a server key type (expected one of {string.Join(", ", All.Select(t => t.Name))})");

    /// <summary>
    /// The type matching a public key, e.g. the key in the client's serverkeygen CSR, which a server may take as a
    /// hint for the key to generate (RFC 7030 §4.4.1 lets the server ignore that key otherwise).
    /// </summary>
    public static bool TryFromPublicKey(PublicKey key, [NotNullWhen(true)] out ServerKeyType? type)
    {
        ArgumentNullException.ThrowIfNull(key);
        type = null;
        try
        {
            switch (key.Oid.Value)
            {
                case PublicKeyAlgorithms.Rsa:
                    using (var rsa = key.GetRSAPublicKey())
                    {
                        type = All.FirstOrDefault(t => t.Family == ServerKeyFamily.Rsa && t.Size == rsa?.KeySize);
                    }

                    break;
                case PublicKeyAlgorithms.EcPublicKey:
                    var curve = AsnDecoder.ReadObjectIdentifier(
                        key.EncodedParameters?.RawData ?? [], AsnEncodingRules.DER, out _);
                    type = curve switch
                    {
                        PublicKeyAlgorithms.CurveP256 => EcP256,
                        PublicKeyAlgorithms.CurveP384 => EcP384,
                        _ => null,
                    };
                    break;
            }
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException)
        {
            type = null;
        }

        return type is not null;
    }

    public override string ToString() => Name;
}
