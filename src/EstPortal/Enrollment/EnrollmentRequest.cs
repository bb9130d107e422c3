using EstPortal.DeviceAuth;

namespace EstPortal.Enrollment;

/// <summary>
/// One enrollment as the EST layer received it. <see cref="RequestBody"/> is the already de-framed body (DER), or
/// null with <see cref="FramingError"/> set when the body could not be decoded — still audited as a refusal.
/// </summary>
public sealed record EnrollmentRequest(
    EnrollmentKind Kind,
    PresentedCredentials Credentials,
    byte[]? CsrDer,
    string? FramingError,
    string? ClientIp);
