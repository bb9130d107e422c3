using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> builder)
    {
        builder.HasIndex(d => d.Name).IsUnique();
        builder.HasIndex(d => d.CreatedAt);
        builder.Property(d => d.Name).HasMaxLength(128);
        builder.Property(d => d.Description).HasMaxLength(1024);
        builder.Property(d => d.SubjectAltNamePatterns).HasMaxLength(8192);
        builder.HasIndex(d => d.Idevid).IsUnique();
        builder.Property(d => d.Idevid).HasMaxLength(256);
        builder.Property(d => d.IdevidIssuer).HasMaxLength(1024);
        builder.Property(d => d.IdevidSerialNumber).HasMaxLength(128);
        builder.Property(d => d.IdevidSha256).HasMaxLength(64);
        builder.Property(d => d.TpmEkIssuer).HasMaxLength(1024);
        builder.Property(d => d.TpmEkSerialNumber).HasMaxLength(128);
        builder.Property(d => d.TpmEkSha256).HasMaxLength(64);
        builder.HasMany(d => d.Credentials).WithOne(c => c.Device).HasForeignKey(c => c.DeviceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(d => d.Certificates).WithOne(c => c.Device).HasForeignKey(c => c.DeviceId).OnDelete(DeleteBehavior.Restrict);
    }
}
