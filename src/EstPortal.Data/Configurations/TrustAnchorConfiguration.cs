using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class TrustAnchorConfiguration : IEntityTypeConfiguration<TrustAnchor>
{
    public void Configure(EntityTypeBuilder<TrustAnchor> builder)
    {
        builder.HasIndex(a => a.Name).IsUnique();
        builder.Property(a => a.Name).HasMaxLength(64);
        builder.Property(a => a.Purpose).HasConversion<string>().HasMaxLength(32);
        builder.Property(a => a.Subject).HasMaxLength(1024);
        builder.Property(a => a.Sha256Fingerprint).HasMaxLength(64);
    }
}
