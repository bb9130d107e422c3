using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Pki;

/// <summary>
/// A freshly generated CA: its certificate (public only) and its private key as clear PKCS#8. The caller protects
/// the key with <see cref="CaKeyProtector"/>, stores it and zeroes <see cref="Pkcs8PrivateKey"/>.
/// </summary>
public sealed record CreatedCa(X509Certificate2 Certificate, byte[] Pkcs8PrivateKey);
