using Org.BouncyCastle.Ocsp;
using BcX509Extension = Org.BouncyCastle.Asn1.X509.X509Extension;

namespace EstPortal.Pki;

/// <summary>The parts of an OCSPRequest the responder acts on, fully decoded.</summary>
/// <param name="CertIds">One per Request in requestList, in order (RFC 6960 §4.1.1).</param>
/// <param name="Nonce">The id-pkix-ocsp-nonce request extension to echo, if any (RFC 6960 §4.4.1).</param>
internal sealed record ParsedOcspRequest(IReadOnlyList<CertificateID> CertIds, BcX509Extension? Nonce);
