using EstPortal.Pki;

namespace EstPortal.Tests.Pki;

public sealed class RevocationReasonsTests
{
    [Theory]
    [InlineData("unspecified", RevocationReason.Unspecified)]
    [InlineData("keyCompromise", RevocationReason.KeyCompromise)]
    [InlineData("key-compromise", RevocationReason.KeyCompromise)]
    [InlineData("KEY_COMPROMISE", RevocationReason.KeyCompromise)]
    [InlineData("Key Compromise", RevocationReason.KeyCompromise)]
    [InlineData("cACompromise", RevocationReason.CACompromise)]
    [InlineData("ca-compromise", RevocationReason.CACompromise)]
    [InlineData("affiliationChanged", RevocationReason.AffiliationChanged)]
    [InlineData("superseded", RevocationReason.Superseded)]
    [InlineData("cessation-of-operation", RevocationReason.CessationOfOperation)]
    [InlineData("certificateHold", RevocationReason.CertificateHold)]
    [InlineData("removeFromCRL", RevocationReason.RemoveFromCrl)]
    [InlineData("privilege-withdrawn", RevocationReason.PrivilegeWithdrawn)]
    [InlineData("aACompromise", RevocationReason.AACompromise)]
    public void TryParse_RfcAndDashedNames_AreRecognised(string text, RevocationReason expected)
    {
        Assert.True(RevocationReasons.TryParse(text, out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(expected, RevocationReasons.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("7")]
    [InlineData("1")]
    [InlineData("compromised")]
    public void TryParse_UnknownText_IsRejected(string? text)
    {
        Assert.False(RevocationReasons.TryParse(text, out _));
    }

    [Fact]
    public void Parse_UnknownText_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => RevocationReasons.Parse("lost"));
    }

    [Fact]
    public void Values_AreTheRfc5280Codes_AndNamesRoundTrip()
    {
        int[] rfcCodes = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10];
        Assert.Equal(rfcCodes, Enum.GetValues<RevocationReason>().Select(r => (int)r));
        foreach (var reason in Enum.GetValues<RevocationReason>())
        {
            Assert.Equal(reason, RevocationReasons.Parse(reason.ToRfcName()));
        }

        Assert.False(RevocationReasons.IsDefined((RevocationReason)7));
    }
}
