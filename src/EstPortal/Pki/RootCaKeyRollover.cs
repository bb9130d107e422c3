using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// Creates the link certificates for replacing a root CA's key (RFC 4210 §4.4.1; RFC 7030 §4.1.3 distributes them
/// through /cacerts). The new root has the same subject as the old one and a new key (make it with
/// <see cref="RootCaFactory"/>). Both CAs are used only through <see cref="ICaSigner"/>, so neither private key leaves
/// its signer.
/// </summary>
public sealed class RootCaKeyRollover
{
    private readonly TimeProvider _time;
    private readonly SerialNumberGenerator _serials;

    public RootCaKeyRollover(TimeProvider time, SerialNumberGenerator serials)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(serials);
        _time = time;
        _serials = serials;
    }

    /// <exception cref="ArgumentException">The two CAs are not the old and new key of one root (different subject, same key, not self-signed).</exception>
    /// <exception cref="IssuanceRefusedException">Either CA cannot sign right now (expired, not yet valid, not a CA).</exception>
    public RolloverCertificates CreateLinks(ICaSigner oldCa, ICaSigner newCa)
    {
        ArgumentNullException.ThrowIfNull(oldCa);
        ArgumentNullException.ThrowIfNull(newCa);
        var oldRoot = oldCa.Certificate;
        var newRoot = newCa.Certificate;
        EnsureSameRootNewKey(oldRoot, newRoot);

        var now = CertificateTimes.TruncateToSeconds(_time.GetUtcNow());
        IssuingCaRules.EnsureCanIssue(oldRoot, now);
        IssuingCaRules.EnsureCanIssue(newRoot, now);

        var oldKeyId = SubjectKeyIdentifier(oldRoot);
        var newKeyId = SubjectKeyIdentifier(newRoot);

        // RFC 4210 §4.4.1: OldWithNew has the same validity period as OldWithOld.
        var oldWithNew = Link(
            oldRoot, subjectKeyId: oldKeyId, signer: newCa, issuerKeyId: newKeyId,
            CertificateTimes.NotBefore(oldRoot), CertificateTimes.NotAfter(oldRoot));

        // RFC 4210 §4.4.1: NewWithOld starts with NewWithNew and ends when every relying party can be expected to hold
        // the new root, at the latest when the old root expires (the old key cannot vouch for anything beyond that).
        var newWithOld = Link(
            newRoot, subjectKeyId: newKeyId, signer: oldCa, issuerKeyId: oldKeyId,
            CertificateTimes.NotBefore(newRoot), Min(CertificateTimes.NotAfter(oldRoot), CertificateTimes.NotAfter(newRoot)));

        return new RolloverCertificates(oldWithNew, newWithOld);
    }

    private X509Certificate2 Link(
        X509Certificate2 subjectRoot,
        X509SubjectKeyIdentifierExtension subjectKeyId,
        ICaSigner signer,
        X509SubjectKeyIdentifierExtension issuerKeyId,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        var tbs = new CertificateRequest(subjectRoot.SubjectName, subjectRoot.PublicKey, signer.HashAlgorithm);

        // A link certificate certifies a CA key, so it carries the same CA constraints as the roots (RFC 5280
        // §4.2.1.9: critical basicConstraints with cA; §4.2.1.3: keyCertSign and cRLSign). It is self-issued, so it
        // does not count against any pathLenConstraint (RFC 5280 §4.2.1.9) and none is set.
        tbs.CertificateExtensions.Add(new X509BasicConstraintsExtension(
            certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        tbs.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));

        // Subject and issuer names are identical, so only the key identifiers (RFC 5280 §4.2.1.1/§4.2.1.2) tell a
        // path builder which key certifies which: SKI names the certified key, AKI the signing key.
        tbs.CertificateExtensions.Add(subjectKeyId);
        tbs.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(issuerKeyId));

        using var signed = tbs.Create(
            signer.Certificate.SubjectName, signer.SignatureGenerator, notBefore, notAfter, _serials.Next());
        return X509CertificateLoader.LoadCertificate(signed.RawData);
    }

    private static void EnsureSameRootNewKey(X509Certificate2 oldRoot, X509Certificate2 newRoot)
    {
        if (!oldRoot.SubjectName.RawData.AsSpan().SequenceEqual(newRoot.SubjectName.RawData))
        {
            throw new ArgumentException(
                $"the new root's subject '{newRoot.Subject}' differs from the old root's '{oldRoot.Subject}'; a key " +
                "update keeps the name (RFC 4210 §4.4)", nameof(newRoot));
        }

        if (oldRoot.PublicKey.ExportSubjectPublicKeyInfo().AsSpan()
            .SequenceEqual(newRoot.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new ArgumentException("the new root has the same key as the old root", nameof(newRoot));
        }

        EnsureSelfIssued(oldRoot, nameof(oldRoot));
        EnsureSelfIssued(newRoot, nameof(newRoot));
    }

    private static void EnsureSelfIssued(X509Certificate2 root, string parameterName)
    {
        if (!root.SubjectName.RawData.AsSpan().SequenceEqual(root.IssuerName.RawData))
        {
            throw new ArgumentException($"'{root.Subject}' is not a root (it is issued by '{root.Issuer}')", parameterName);
        }
    }

    // A root made elsewhere may lack an SKI; derive one the same way RootCaFactory does (RFC 5280 §4.2.1.2 method 1).
    private static X509SubjectKeyIdentifierExtension SubjectKeyIdentifier(X509Certificate2 root) =>
        root.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault() is { } existing
            ? new X509SubjectKeyIdentifierExtension(existing.SubjectKeyIdentifierBytes.Span, critical: false)
            : new X509SubjectKeyIdentifierExtension(root.PublicKey, critical: false);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
