using System.Security.Cryptography;
using EstPortal.CaKeys.Software;
using EstPortal.Pki;
using Microsoft.AspNetCore.DataProtection;

namespace EstPortal.Tests.CaKeys;

public class CaKeyProtectorTests
{
    [Fact]
    public void Protect_ThenUnprotect_ReturnsTheSameKeyAndHidesIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pkcs8 = key.ExportPkcs8PrivateKey();
        var protector = new CaKeyProtector(new EphemeralDataProtectionProvider());

        var protectedBytes = protector.Protect(pkcs8);

        Assert.Equal(-1, protectedBytes.AsSpan().IndexOf(pkcs8));
        // Not even the private scalar alone may appear in the stored form.
        var d = key.ExportParameters(includePrivateParameters: true).D!;
        Assert.Equal(-1, protectedBytes.AsSpan().IndexOf(d));
        Assert.Equal(pkcs8, protector.Unprotect(protectedBytes));
    }

    [Fact]
    public void Unprotect_PayloadFromAnotherKeyRing_Throws()
    {
        var pkcs8 = new byte[] { 1, 2, 3 };
        var protectedBytes = new CaKeyProtector(new EphemeralDataProtectionProvider()).Protect(pkcs8);
        var other = new CaKeyProtector(new EphemeralDataProtectionProvider());

        Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(protectedBytes));
    }
}
