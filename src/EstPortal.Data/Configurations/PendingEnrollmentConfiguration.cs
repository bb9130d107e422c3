using EstPortal.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace EstPortal.Data.Configurations;

internal sealed class PendingEnrollmentConfiguration : IEntityTypeConfiguration<PendingEnrollment>
{
    public void Configure(EntityTypeBuilder<PendingEnrollment> builder)
    {
        // A retry of the same request (same requester, same CSR, same profile) finds this row, never a second one; a
        // different CSR with the same key is a different request (ADR 0013).
        builder.HasIndex(p => new { p.ProfileId, p.RequesterKey, p.CsrSha256 }).IsUnique();
        builder.HasIndex(p => p.Status);
        builder.Property(p => p.Operation).HasMaxLength(32);
        builder.Property(p => p.RequesterKey).HasMaxLength(256);
        builder.Property(p => p.PublicKeySha256).HasMaxLength(64);
        builder.Property(p => p.CsrSha256).HasMaxLength(64);
        builder.Property(p => p.Subject).HasMaxLength(1024);
        builder.Property(p => p.ClientIp).HasMaxLength(64);
        builder.Property(p => p.Status).HasMaxLength(16);
        builder.Property(p => p.DecidedBy).HasMaxLength(256);
        builder.Property(p => p.DecisionReason).HasMaxLength(1024);
        builder.Property(p => p.IssuedSerial).HasMaxLength(64);
        builder.HasOne(p => p.Profile).WithMany().HasForeignKey(p => p.ProfileId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.Device).WithMany().HasForeignKey(p => p.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
