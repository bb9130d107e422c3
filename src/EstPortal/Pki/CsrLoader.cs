using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Turns DER bytes into a verified PKCS#10 request (RFC 2986). Every failure becomes a
/// <see cref="CsrRejectedException"/> with a reason the client can act on; nothing else escapes for any input.
/// </summary>
public sealed class CsrLoader
{
    public const string NotPkcs10 = "the request body is not a PKCS#10 certification request";
    public const string SignatureDoesNotVerify = "the CSR signature does not verify";

    /// <summary>PKCS#9 challengePassword (RFC 2985 §5.4.1); RFC 7030 §3.5 carries the tls-unique value in it.</summary>
    public const string ChallengePasswordOid = "1.2.840.113549.1.9.7";

    // The default options leave CertificateExtensions empty, silently dropping every requested extension (SAN
    // included). Load them so policy can decide which to honour and say why it refuses others; the CA never copies
    // them blindly (see CertificateIssuer).
    private const CertificateRequestLoadOptions Options = CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions;

    /// <exception cref="CsrRejectedException">The bytes are not a PKCS#10 request, or its proof of possession fails.</exception>
    public CertificateRequest Load(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);

        CertificateRequest csr;
        try
        {
            csr = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, Options);
        }
        catch (Exception ex) when (IsMalformedInput(ex))
        {
            // Only failures pay for this: the same request with its ECDSA signature's padded INTEGERs re-encoded, and
            // verified again from the start (ADR 0031). Null when there is nothing to repair; a repaired request has
            // none left, so this recurses at most once.
            if (PaddedEcdsaSignature.Canonical(der) is { } repaired)
                return Load(repaired);
            throw Explain(der, ex);
        }
        EnsureSubjectReadable(csr.SubjectName);
        return csr;
    }

    /// <summary>
    /// The platform parses the subject lazily: a value that is not a valid string of its ASN.1 type (e.g. a
    /// UTF8String holding invalid UTF-8) would only fail later, deep in policy. Refuse it here, as part of loading.
    /// </summary>
    private static void EnsureSubjectReadable(X500DistinguishedName subject)
    {
        try
        {
            foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
            {
                if (!rdn.HasMultipleElements)
                    _ = rdn.GetSingleElementValue();
            }
            _ = subject.Name;
        }
        catch (Exception ex) when (IsMalformedInput(ex) || ex is System.Text.DecoderFallbackException)
        {
            throw new CsrRejectedException("the CSR subject holds a value that is not a valid string of its type (e.g. invalid UTF-8)");
        }
    }

    /// <summary>
    /// The CSR's challengePassword, or null when it has none. RFC 2985 §5.4.1 defines it as a single-valued
    /// DirectoryString.
    /// </summary>
    /// <exception cref="CsrRejectedException">It is present more than once or is not a readable DirectoryString.</exception>
    public string? ReadChallengePassword(CertificateRequest csr)
    {
        ArgumentNullException.ThrowIfNull(csr);

        var values = csr.OtherRequestAttributes.Where(a => a.Oid?.Value == ChallengePasswordOid).ToList();
        if (values.Count == 0)
        {
            return null;
        }

        // Two values would make "which one was checked" ambiguous: refuse rather than pick one.
        if (values.Count > 1)
        {
            throw new CsrRejectedException("the CSR has more than one challengePassword");
        }

        try
        {
            var reader = new AsnReader(values[0].RawData, AsnEncodingRules.BER);
            var tag = reader.PeekTag();
            if (tag.TagClass != TagClass.Universal || !IsDirectoryStringType((UniversalTagNumber)tag.TagValue))
            {
                throw new CsrRejectedException("the CSR challengePassword is not a DirectoryString");
            }

            var value = reader.ReadCharacterString((UniversalTagNumber)tag.TagValue);
            reader.ThrowIfNotEmpty();
            return value;
        }
        catch (Exception ex) when (IsMalformedInput(ex))
        {
            throw new CsrRejectedException("the CSR challengePassword is not a DirectoryString", ex);
        }
    }

    /// <summary>
    /// Re-parses without the signature check, so a client learns whether it sent the wrong thing or a request whose
    /// proof of possession (RFC 2986 §3, the self-signature) is broken. Only failures pay for the second parse.
    /// </summary>
    private static CsrRejectedException Explain(byte[] der, Exception verifiedLoadFailure)
    {
        CertificateRequest unverified;
        try
        {
            unverified = CertificateRequest.LoadSigningRequest(
                der, HashAlgorithmName.SHA256, Options | CertificateRequestLoadOptions.SkipSignatureValidation);
        }
        catch (Exception ex) when (IsMalformedInput(ex))
        {
            return new CsrRejectedException(NotPkcs10, ex);
        }

        var keyAlgorithm = unverified.PublicKey.Oid.Value;
        if (keyAlgorithm is not (PublicKeyAlgorithms.Rsa or PublicKeyAlgorithms.EcPublicKey))
        {
            // The platform cannot verify signatures made with e.g. Ed25519 keys; "does not verify" would mislead.
            return new CsrRejectedException(
                $"the CSR key algorithm {PublicKeyAlgorithms.Describe(keyAlgorithm)} is not supported", verifiedLoadFailure);
        }

        return new CsrRejectedException(SignatureDoesNotVerify, verifiedLoadFailure);
    }

    // DirectoryString (RFC 5280 §4.1.2.4) minus universalString, which the platform's ASN.1 reader cannot decode.
    private static bool IsDirectoryStringType(UniversalTagNumber tag) => tag is
        UniversalTagNumber.PrintableString or UniversalTagNumber.UTF8String or UniversalTagNumber.BMPString or
        UniversalTagNumber.T61String;

    private static bool IsMalformedInput(Exception ex) => ex is
        CryptographicException or AsnContentException or ArgumentException or FormatException or
        OverflowException or InvalidOperationException or NotSupportedException or IndexOutOfRangeException;
}
