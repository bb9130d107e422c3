using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EstPortal.Policy;

namespace EstPortal.Tests.Policy;

public sealed class CsrPolicyEvaluatorTests
{
    private static CertificateRequest Csr(string subject, Action<SubjectAlternativeNameBuilder>? san = null, AsymmetricAlgorithm? key = null)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            _ => throw new NotSupportedException(),
        };
        if (san is not null)
        {
            var builder = new SubjectAlternativeNameBuilder();
            san(builder);
            request.CertificateExtensions.Add(builder.Build());
        }
        return request;
    }

    private static PolicyViolation? Violation(CsrPolicy policy, CertificateRequest csr, string? device = "dev-1") =>
        CsrPolicyEvaluator.Evaluate(policy, csr, device).Violation;

    [Fact]
    public void Evaluate_DefaultPolicy_AcceptsEcP256AndKeepsTheRequestedSubject()
    {
        var csr = Csr("CN=dev-1, O=Acme", b => b.AddDnsName("dev-1.example"));

        var (decision, violation) = CsrPolicyEvaluator.Evaluate(CsrPolicy.Default, csr, "dev-1");

        Assert.Null(violation);
        Assert.Equal(csr.SubjectName.RawData, decision!.Subject.RawData);
        Assert.NotNull(decision.SubjectAltName);
        Assert.Equal(TimeSpan.FromDays(365), decision.Validity);
    }

    [Fact]
    public void Evaluate_Rsa1024_IsRefusedNamingTheMinimum()
    {
        var violation = Violation(CsrPolicy.Default, Csr("CN=x", key: RSA.Create(1024)));

        Assert.Equal("key", violation!.Rule);
        Assert.Equal("key RSA-1024 is below the minimum RSA-2048", violation.Reason);
    }

    [Fact]
    public void Evaluate_RsaWhenOnlyEcAllowed_IsRefused()
    {
        var policy = CsrPolicy.Default with { Keys = new KeyPolicy { AllowRsa = false, AllowedCurves = ["P-384"] } };

        Assert.Contains("RSA-2048 is not allowed", Violation(policy, Csr("CN=x", key: RSA.Create(2048)))!.Reason);
        Assert.Contains("EC P-256 is not allowed", Violation(policy, Csr("CN=x"))!.Reason);
        Assert.Null(Violation(policy, Csr("CN=x", key: ECDsa.Create(ECCurve.NamedCurves.nistP384))));
    }

    [Fact]
    public void Evaluate_CommonNamePatternWithDevice_MatchesOnlyThatDevice()
    {
        var policy = CsrPolicy.Default with { Subject = new SubjectPolicy { RequiredAttributes = ["CN"], CommonNamePattern = "{device}(\\.plant\\.example)?" } };

        Assert.Null(Violation(policy, Csr("CN=dev-1.plant.example")));
        Assert.Contains("does not match", Violation(policy, Csr("CN=dev-2"))!.Reason);
        Assert.Contains("not tied to a device", Violation(policy, Csr("CN=dev-1"), device: null)!.Reason);
    }

    [Fact]
    public void Evaluate_DeviceNameWithRegexCharacters_IsMatchedLiterally()
    {
        var policy = CsrPolicy.Default with { Subject = new SubjectPolicy { CommonNamePattern = "{device}" } };

        Assert.Null(Violation(policy, Csr("CN=a.b"), device: "a.b"));
        Assert.NotNull(Violation(policy, Csr("CN=axb"), device: "a.b"));
    }

    [Fact]
    public void Evaluate_RequiredAndDisallowedAttributes()
    {
        var policy = CsrPolicy.Default with { Subject = new SubjectPolicy { RequiredAttributes = ["CN", "O"], AllowedAttributes = ["CN", "O"] } };

        Assert.Equal("the subject must contain O", Violation(policy, Csr("CN=x"))!.Reason);
        Assert.Contains("subject attribute OU is not allowed", Violation(policy, Csr("CN=x, O=y, OU=z"))!.Reason);
    }

    [Fact]
    public void Evaluate_FixedAttributes_AreAddedByTheCaAndConflictsRefused()
    {
        var policy = CsrPolicy.Default with
        {
            Subject = new SubjectPolicy { Fixed = new Dictionary<string, string> { ["O"] = "Acme", ["C"] = "DE" } },
        };

        var (decision, _) = CsrPolicyEvaluator.Evaluate(policy, Csr("CN=dev-1"), "dev-1");
        // Encoded most significant first: C, then O, then the CSR's CN.
        Assert.Equal(["DE", "Acme", "dev-1"], decision!.Subject.EnumerateRelativeDistinguishedNames(reversed: false).Select(r => r.GetSingleElementValue()));
        Assert.Equal("O must be 'Acme' (the CSR asks for 'Evil')", Violation(policy, Csr("CN=dev-1, O=Evil"))!.Reason);
    }

    [Fact]
    public void Evaluate_SanTypesCountAndPatterns()
    {
        var policy = CsrPolicy.Default with
        {
            SubjectAltNames = new SubjectAltNamePolicy
            {
                AllowedTypes = [SubjectAltNameType.Dns],
                MaxCount = 2,
                Patterns = new Dictionary<SubjectAltNameType, string> { [SubjectAltNameType.Dns] = "{device}\\.example" },
            },
        };

        Assert.Null(Violation(policy, Csr("CN=x", b => b.AddDnsName("dev-1.example"))));
        Assert.Contains("iPAddress is not allowed", Violation(policy, Csr("CN=x", b => b.AddIpAddress(IPAddress.Loopback)))!.Reason);
        Assert.Contains("rfc822Name is not allowed", Violation(policy, Csr("CN=x", b => b.AddEmailAddress("a@b.example")))!.Reason);
        Assert.Contains("at most 2", Violation(policy, Csr("CN=x", b => { b.AddDnsName("dev-1.example"); b.AddDnsName("dev-1.example"); b.AddDnsName("dev-1.example"); }))!.Reason);
        Assert.Contains("does not match", Violation(policy, Csr("CN=x", b => b.AddDnsName("evil.example")))!.Reason);
    }

    [Fact]
    public void Evaluate_RequiredSanMissing_IsRefused()
    {
        var policy = CsrPolicy.Default with { SubjectAltNames = new SubjectAltNamePolicy { Required = true } };

        Assert.Equal("a subjectAltName is required", Violation(policy, Csr("CN=x"))!.Reason);
    }

    [Fact]
    public void Evaluate_ThousandsOfSans_IsRefusedQuickly()
    {
        var csr = Csr("CN=x", b =>
        {
            for (var i = 0; i < 5000; i++)
                b.AddDnsName($"n{i}.example");
        });

        Assert.Contains("at most 10", Violation(CsrPolicy.Default, csr)!.Reason);
    }

    [Fact]
    public void CheckAuthentication_MethodNotAllowed_NamesIt()
    {
        var policy = CsrPolicy.Default with { AllowedAuthentication = AuthenticationMethods.DeviceCredential };

        Assert.Null(CsrPolicyEvaluator.CheckAuthentication(policy, AuthenticationMethods.DeviceCredential));
        Assert.Equal("this profile does not accept bootstrap tokens", CsrPolicyEvaluator.CheckAuthentication(policy, AuthenticationMethods.BootstrapToken)!.Reason);
    }

    [Fact]
    public void Policy_RoundTripsThroughJson()
    {
        var policy = CsrPolicy.Default with
        {
            AllowedAuthentication = AuthenticationMethods.BootstrapToken | AuthenticationMethods.ClientCertificate,
            SubjectAltNames = new SubjectAltNamePolicy { Patterns = new Dictionary<SubjectAltNameType, string> { [SubjectAltNameType.Uri] = "urn:dev:.*" } },
            Subject = new SubjectPolicy { Fixed = new Dictionary<string, string> { ["O"] = "Acme" } },
        };

        var back = CsrPolicy.FromJson(policy.ToJson());

        Assert.Equal(policy.AllowedAuthentication, back.AllowedAuthentication);
        Assert.Equal("urn:dev:.*", back.SubjectAltNames.Patterns[SubjectAltNameType.Uri]);
        Assert.Equal("Acme", back.Subject.Fixed["O"]);
    }

    [Fact]
    public void Validator_RejectsBadPolicies()
    {
        var errors = CsrPolicyValidator.Validate(CsrPolicy.Default with
        {
            Keys = new KeyPolicy { MinimumRsaBits = 1024, AllowedCurves = ["P-999"] },
            Subject = new SubjectPolicy { CommonNamePattern = "([a-z", Fixed = new Dictionary<string, string> { ["C"] = "Germany" } },
            AllowedAuthentication = AuthenticationMethods.None,
        });

        Assert.Contains(errors, e => e.Contains("2048"));
        Assert.Contains(errors, e => e.Contains("P-999"));
        Assert.Contains(errors, e => e.Contains("regular expression"));
        Assert.Contains(errors, e => e.Contains("two-letter"));
        Assert.Contains(errors, e => e.Contains("authentication"));
        Assert.Empty(CsrPolicyValidator.Validate(CsrPolicy.Default));
    }
}
