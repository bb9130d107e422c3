using EstPortal.Est;

namespace EstPortal.Tests.Est;

public sealed class EstLabelTests
{
    [Theory]
    [InlineData("arbitraryLabel1")]
    [InlineData("plant-7_line.2~a")]
    [InlineData("a:b@c")]
    public void Validate_PathSegments_AreAccepted(string label) => Assert.Null(EstLabel.Validate(label));

    [Theory]
    [InlineData("simpleenroll")]
    [InlineData("cacerts")]
    [InlineData("csrattrs")]
    [InlineData("serverkeygen")]
    [InlineData("fullcmc")]
    [InlineData("simplereenroll")]
    public void Validate_OperationNames_AreRefused(string label) => Assert.Contains("operation name", EstLabel.Validate(label));

    [Theory]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("a%20b")]
    [InlineData("a?b")]
    [InlineData("")]
    [InlineData("..")]
    public void Validate_NonSegments_AreRefused(string label) => Assert.NotNull(EstLabel.Validate(label));
}
