namespace EstPortal.Data.Entities;

/// <summary>A CRL as published (RFC 5280 §5): CRL numbers increase per CA and are unique.</summary>
public sealed class CertificateRevocationList
{
    public Guid Id { get; set; }
    public Guid CertificateAuthorityId { get; set; }
    public long CrlNumber { get; set; }
    public DateTimeOffset ThisUpdate { get; set; }
    public DateTimeOffset NextUpdate { get; set; }
    public required byte[] Der { get; set; }
}
