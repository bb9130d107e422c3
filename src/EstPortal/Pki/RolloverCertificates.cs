using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// The two link certificates of a root CA key update (RFC 4210 §4.4). With the two self-signed roots (OldWithOld and
/// NewWithNew) they let a relying party that trusts either root validate certificates issued under the other key.
/// RFC 7030 §4.1.3: /cacerts carries all of them while the rollover lasts.
/// </summary>
/// <param name="OldWithNew">The old root's public key, signed with the new key: lets clients that already trust the new root validate certificates issued under the old key.</param>
/// <param name="NewWithOld">The new root's public key, signed with the old key: lets clients that still trust only the old root validate certificates issued under the new key.</param>
public sealed record RolloverCertificates(X509Certificate2 OldWithNew, X509Certificate2 NewWithOld);
