using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class CertificateAuthorityConfiguration : IEntityTypeConfiguration<CertificateAuthority>
{
    public void Configure(EntityTypeBuilder<CertificateAuthority> builder)
    {
        builder.HasIndex(ca => ca.Name).IsUnique();
        builder.Property(ca => ca.Name).HasMaxLength(64);
        builder.Property(ca => ca.Subject).HasMaxLength(1024);
        builder.Property(ca => ca.KeyAlgorithm).HasMaxLength(32);
        builder.Property(ca => ca.Sha256Thumbprint).HasMaxLength(64);
        // Existing rows predate HSM keys: they are software keys.
        builder.Property(ca => ca.KeyStore).HasMaxLength(16).HasDefaultValue("software");
        builder.Property(ca => ca.KeyReference).HasMaxLength(512);
    }
}
