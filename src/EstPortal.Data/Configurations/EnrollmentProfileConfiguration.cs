using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class EnrollmentProfileConfiguration : IEntityTypeConfiguration<EnrollmentProfile>
{
    public void Configure(EntityTypeBuilder<EnrollmentProfile> builder)
    {
        builder.HasIndex(p => p.Name).IsUnique();
        // Unique among labelled profiles; NULL (the default profile) is not compared by the unique index.
        builder.HasIndex(p => p.Label).IsUnique();
        builder.Property(p => p.Name).HasMaxLength(64);
        builder.Property(p => p.Label).HasMaxLength(64);
        builder.Property(p => p.PolicyJson).HasMaxLength(16384);
        builder.HasOne(p => p.CertificateAuthority).WithMany().HasForeignKey(p => p.CertificateAuthorityId).OnDelete(DeleteBehavior.Restrict);
    }
}
