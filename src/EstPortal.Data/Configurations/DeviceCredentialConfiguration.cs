using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class DeviceCredentialConfiguration : IEntityTypeConfiguration<DeviceCredential>
{
    public void Configure(EntityTypeBuilder<DeviceCredential> builder)
    {
        builder.Property(c => c.SecretHash).HasMaxLength(32);
        builder.HasIndex(c => c.DeviceId);
    }
}
