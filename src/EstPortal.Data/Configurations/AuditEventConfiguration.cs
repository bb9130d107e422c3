using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasIndex(e => e.Timestamp);
        builder.HasIndex(e => e.DeviceId);
        builder.HasIndex(e => e.Sequence).IsUnique();
        builder.HasIndex(e => new { e.EventType, e.Timestamp });
        builder.HasIndex(e => e.Actor);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.Property(e => e.CsrSha256).HasMaxLength(64);
        builder.Property(e => e.EventType).HasMaxLength(64);
        builder.Property(e => e.Outcome).HasMaxLength(16);
        builder.Property(e => e.Actor).HasMaxLength(256);
        builder.Property(e => e.ClientIp).HasMaxLength(64);
        builder.Property(e => e.Reason).HasMaxLength(1024);
        builder.Property(e => e.SerialNumber).HasMaxLength(64);
        builder.Property(e => e.Details).HasMaxLength(4096);
    }
}
