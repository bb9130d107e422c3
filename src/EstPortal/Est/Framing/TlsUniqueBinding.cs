using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Pki;

namespace EstPortal.Est.Framing;

/// <summary>
/// RFC 7030 §3.5 proof-of-possession linking: the client puts the base64 (RFC 4648 §4) of the TLS session's
/// tls-unique channel binding (RFC 5929 §3) in the CSR's challengePassword, so a CSR captured elsewhere cannot be
/// replayed in another authenticated session. tls-unique exists only up to TLS 1.2 (RFC 9266 §1), so the caller
/// decides what to do without one and must not call this with an empty value.
/// </summary>
public static class TlsUniqueBinding
{
    /// <param name="challengePassword">The CSR's challengePassword, as <see cref="CsrLoader.ReadChallengePassword"/> returns it.</param>
    /// <param name="tlsUnique">This connection's tls-unique value (12 bytes on TLS 1.2).</param>
    /// <exception cref="ArgumentException"><paramref name="tlsUnique"/> is empty (no channel binding available).</exception>
    public static LinkingResult Check(string? challengePassword, ReadOnlySpan<byte> tlsUnique)
    {
        if (tlsUnique.IsEmpty)
        {
            throw new ArgumentException(
                "no tls-unique value is available for this connection (TLS 1.3 has none); linking cannot be checked",
                nameof(tlsUnique));
        }

        if (string.IsNullOrEmpty(challengePassword))
        {
            return LinkingResult.Missing;
        }

        // RFC 4648 §4 base64 with its padding. Anything that does not decode cannot be the value we expect; that is a
        // mismatch, not a malformed request.
        var decoded = new byte[(challengePassword.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(challengePassword, decoded, out var written))
        {
            return LinkingResult.Mismatch;
        }

        // Constant time, so response timing does not reveal how much of a guessed value was right.
        return CryptographicOperations.FixedTimeEquals(decoded.AsSpan(0, written), tlsUnique)
            ? LinkingResult.Match
            : LinkingResult.Mismatch;
    }

    /// <summary>Reads the challengePassword from the CSR and checks it.</summary>
    /// <exception cref="CsrRejectedException">The challengePassword attribute is repeated or malformed.</exception>
    public static LinkingResult Check(CertificateRequest csr, ReadOnlySpan<byte> tlsUnique)
    {
        ArgumentNullException.ThrowIfNull(csr);
        return Check(new CsrLoader().ReadChallengePassword(csr), tlsUnique);
    }
}
