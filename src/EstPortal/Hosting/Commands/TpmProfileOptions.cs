using System.CommandLine;
using EstPortal.Policy;

namespace EstPortal.Hosting.Commands;

/// <summary>
/// <c>profile add|set --require-tpm-attestation [true|false] --tpm-ek-trust NAME …</c>: TPM-attested enrollment under the
/// profile (docs/adr/0022-tpm-attested-enrollment.md). Options the profile commands share; the rules live in ProfileAdmin.
/// </summary>
internal sealed class TpmProfileOptions
{
    public Option<bool?> Require { get; } = new("--require-tpm-attestation")
    {
        Description = "Enrollment only with a token released by TPM attestation (true or false; the flag alone is true). Default false.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public Option<string[]> EkTrust { get; } = new("--tpm-ek-trust")
    {
        Description = "A trust anchor (purpose tpm-ek) whose EK certificates may attest keys here (repeatable; \"\" for none). Default none.",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Require);
        command.Options.Add(EkTrust);
    }

    /// <summary>The policy with what was given on the command line; options not given leave it as it was.</summary>
    public CsrPolicy Apply(ParseResult parse, CsrPolicy policy)
    {
        var tpm = policy.TpmAttestation;
        if (parse.GetResult(Require) is not null)
            tpm = tpm with { Required = parse.GetValue(Require) ?? true };
        if (parse.GetValue(EkTrust) is { Length: > 0 } anchors)
            tpm = tpm with { EkTrust = anchors.Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList() };
        return policy with { TpmAttestation = tpm };
    }
}
