using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Bench.Load;

/// <summary>
/// Base64 CSRs with distinct EC P-256 keys, made before the clock starts. A device enrolls under its own name, so CSR
/// <c>i</c> is for device <c>i % devices</c> (its CN is that device's name) and is sent with that device's credential.
/// </summary>
internal static class CsrPool
{
    public static string[] Generate(int count, IReadOnlyList<string> deviceNames)
    {
        var csrs = new string[count];
        Parallel.For(0, count, i =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            csrs[i] = Convert.ToBase64String(new CertificateRequest($"CN={deviceNames[i % deviceNames.Count]}", key, HashAlgorithmName.SHA256).CreateSigningRequest());
        });
        return csrs;
    }
}
