using EstPortal.Tpm;

namespace EstPortal.Tests.Tpm;

/// <summary>Hostile or truncated TPM2B_PUBLIC bytes fail with a reason (the device's 400), never an exception of another kind.</summary>
public sealed class TpmPublicAreaTests
{
    // An ECC P-256 signing key's TPM2B_PUBLIC as tpm2_readpublic -f tss wrote it from swtpm (fixedTPM|fixedParent|
    // sensitiveDataOrigin|userWithAuth|sign, ECDSA-SHA256).
    private const string SwtpmEccKey =
        "00580023000b00040072000000100018000b0003001000207bcf507190207f2c692bbff9062cd8ed74123bbec629eb247ae93358819960"
        + "1300207f1ad1710742b8b00d8166f9a5add2ee04ed597036b82bd34974ec815442035f";

    [Fact]
    public void SwtpmKey_ParsesWithItsAttributesAndASha256Name()
    {
        var area = TpmPublicArea.Parse(Convert.FromHexString(SwtpmEccKey));

        Assert.Equal(TpmPublicArea.EccType, area.Type);
        Assert.True(area.Has(TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin | TpmObjectAttributes.Sign));
        Assert.False(area.Has(TpmObjectAttributes.Restricted));
        Assert.Null(TpmAttestationService.CheckKeyAttributes(area));
        Assert.Equal(34, area.Name().Length);
        Assert.Equal([0x00, 0x0b], area.Name()[..2]);
    }

    [Theory]
    [InlineData("", "ends early")]
    [InlineData("0004000100", "ends early")]
    [InlineData("000cffff000b0000000000000010", "neither RSA nor ECC")]
    [InlineData("0002000b00", "has bytes after its declared size")]
    public void Garbage_IsATpmFormatExceptionWithAReason(string hex, string reason)
    {
        var error = Assert.Throws<TpmFormatException>(() => TpmPublicArea.Parse(Convert.FromHexString(hex)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
