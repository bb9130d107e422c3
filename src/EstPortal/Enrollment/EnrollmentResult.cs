using System.Security.Cryptography.X509Certificates;

namespace EstPortal.Enrollment;

public enum EnrollmentKind
{
    /// <summary>RFC 7030 §4.2.1 simpleenroll.</summary>
    Enroll,
    /// <summary>RFC 7030 §4.2.2 simplereenroll.</summary>
    Reenroll,
}

public enum EnrollmentFailure
{
    /// <summary>The request itself is wrong (body, CSR, subject): 400.</summary>
    BadRequest,
    /// <summary>No usable credential: 401 with WWW-Authenticate.</summary>
    Unauthenticated,
    /// <summary>A recognised caller that may not have this: 403.</summary>
    Forbidden,
}

/// <summary>The outcome the EST layer turns into HTTP: a certificate, or a failure kind with a reason for the client.</summary>
public sealed record EnrollmentResult(X509Certificate2? Certificate, EnrollmentFailure? Failure, string? Reason)
{
    public static EnrollmentResult Issued(X509Certificate2 certificate) => new(certificate, null, null);
    public static EnrollmentResult Refused(EnrollmentFailure failure, string reason) => new(null, failure, reason);
}
