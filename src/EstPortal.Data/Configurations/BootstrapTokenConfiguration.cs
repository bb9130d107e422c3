using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class BootstrapTokenConfiguration : IEntityTypeConfiguration<BootstrapToken>
{
    public void Configure(EntityTypeBuilder<BootstrapToken> builder)
    {
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.Property(t => t.TokenHash).HasMaxLength(32);
        builder.Property(t => t.Note).HasMaxLength(1024);
        builder.Property(t => t.SubjectPattern).HasMaxLength(512);
        builder.HasIndex(t => t.CreatedAt);
        builder.HasOne<EnrollmentProfile>().WithMany().HasForeignKey(t => t.ProfileId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.CreatedBy).HasMaxLength(256);
        builder.Property(t => t.UsedForSerial).HasMaxLength(64);
        builder.Property(t => t.UsedFromIp).HasMaxLength(64);
        builder.Property(t => t.AttestedKeySha256).HasMaxLength(64);
        builder.Property(t => t.TpmEkIssuer).HasMaxLength(1024);
        builder.Property(t => t.TpmEkSerialNumber).HasMaxLength(128);
        builder.Property(t => t.TpmEkSha256).HasMaxLength(64);
        builder.HasOne(t => t.Device).WithMany().HasForeignKey(t => t.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
