namespace EstPortal.Lifecycle;

/// <summary>
/// A stored CRL without its content: what the endpoint needs for the caching headers. The content is read as a stream
/// (<see cref="CrlContents.OpenRead"/>), never loaded whole (ADR 0030).
/// </summary>
public sealed record PublishedCrl(
    Guid Id,
    Guid CertificateAuthorityId,
    long CrlNumber,
    DateTimeOffset ThisUpdate,
    DateTimeOffset NextUpdate,
    long Length);
