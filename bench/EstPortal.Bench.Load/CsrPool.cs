using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Bench.Load;

/// <summary>Base64 CSRs with distinct EC P-256 keys, made before the clock starts.</summary>
internal static class CsrPool
{
    public static string[] Generate(int count)
    {
        var csrs = new string[count];
        Parallel.For(0, count, i =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            csrs[i] = Convert.ToBase64String(new CertificateRequest($"CN=bench-{i}", key, HashAlgorithmName.SHA256).CreateSigningRequest());
        });
        return csrs;
    }
}
