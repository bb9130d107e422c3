using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class IssuedCertificateConfiguration : IEntityTypeConfiguration<IssuedCertificate>
{
    public void Configure(EntityTypeBuilder<IssuedCertificate> builder)
    {
        // Serials carry 80 random bits behind their time prefix (ADR 0029); the unique index is what guarantees no two
        // certificates share one.
        builder.HasIndex(c => c.SerialNumber).IsUnique();
        // No index on Sha256Thumbprint: the client-certificate lookup goes by serial, and every index on a random value
        // costs a random page written per certificate on a large database (ADR 0029).
        builder.HasIndex(c => c.DeviceId);
        // Lists at fleet scale: newest first, expiring soon, by subject prefix. A subject search is paged in
        // (Subject, SerialNumber) order — the serial is unique, so it orders certificates of one subject — and this
        // index is both its range and its order (ADR 0026).
        builder.HasIndex(c => c.IssuedAt);
        builder.HasIndex(c => c.NotAfter);
        builder.HasIndex(c => new { c.Subject, c.SerialNumber });
        builder.HasIndex(c => new { c.CertificateAuthorityId, c.RevokedAt });
        builder.Property(c => c.RevokedBy).HasMaxLength(256);
        builder.Property(c => c.SerialNumber).HasMaxLength(64);
        builder.Property(c => c.Subject).HasMaxLength(1024);
        builder.Property(c => c.SubjectAlternativeNames).HasMaxLength(4096);
        builder.Property(c => c.Sha256Thumbprint).HasMaxLength(64);
        builder.Property(c => c.PublicKeySha256).HasMaxLength(64);
        builder.Property(c => c.IssuedVia).HasMaxLength(256);
        builder.Property(c => c.TpmEkIssuer).HasMaxLength(1024);
        builder.Property(c => c.TpmEkSerialNumber).HasMaxLength(128);
        builder.Property(c => c.TpmEkSha256).HasMaxLength(64);
        builder.HasOne(c => c.CertificateAuthority).WithMany().HasForeignKey(c => c.CertificateAuthorityId).OnDelete(DeleteBehavior.Restrict);
    }
}
