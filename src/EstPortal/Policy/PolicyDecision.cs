using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Policy;

/// <summary>What the CA will put in the certificate once a CSR passed every rule.</summary>
public sealed record PolicyDecision(
    X500DistinguishedName Subject,
    X509Extension? SubjectAltName,
    TimeSpan Validity,
    KeyPurpose KeyPurpose);

/// <summary>A broken rule: its name and a reason a firmware engineer can act on.</summary>
public sealed record PolicyViolation(string Rule, string Reason);
